// remind.test.mjs — `varde serve` runs the campaign reminders in the
// background and e-mails the late members' editors through SMTP: checked
// against an SMTP sink this test runs on 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { execFileSync } from 'node:child_process';
import { startServer, login, sleep } from './lib.mjs';

const mails = [];
let sink, srv;

// Just enough SMTP for libcurl: greeting, EHLO, MAIL, RCPT, DATA, QUIT.
function startSink() {
  return new Promise((resolve) => {
    sink = createServer((sock) => {
      let buf = '', inData = false, rcpt = [], data = '';
      sock.write('220 sink ESMTP\r\n');
      sock.on('data', (chunk) => {
        buf += chunk.toString('utf8');
        let i;
        while ((i = buf.indexOf('\r\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 2);
          if (inData) {
            if (line === '.') { inData = false; mails.push({ rcpt, data }); rcpt = []; data = ''; sock.write('250 queued\r\n'); }
            else data += line + '\n';
            continue;
          }
          const cmd = line.slice(0, 4).toUpperCase();
          if (cmd === 'RCPT') { rcpt.push(line); sock.write('250 ok\r\n'); }
          else if (cmd === 'DATA') { inData = true; sock.write('354 go on\r\n'); }
          else if (cmd === 'QUIT') { sock.end('221 bye\r\n'); }
          else sock.write('250 ok\r\n');
        }
      });
    });
    sink.listen(0, '127.0.0.1', () => resolve(sink.address().port));
  });
}

let hasSqlite = true;
try { execFileSync('sqlite3', ['-version']); } catch { hasSqlite = false; }

before(async () => {
  const port = await startSink();
  srv = await startServer({}, ['--smtp', `smtp://127.0.0.1:${port}`, '--smtp-from', 'varde@example.org',
    '--base-url', 'https://varde.example/', '--job-interval', '1']);
});
after(async () => { await srv.stop(); sink.close(); });

test('serve reminds late members by e-mail and on their task', { skip: !hasSqlite && 'sqlite3 not installed' }, async () => {
  execFileSync('sqlite3', [srv.db, "UPDATE users SET email = username || '@kommune.example' WHERE username IN"
    + " ('own_editor', 'own_admin', 'own_viewer', 'sibling_editor')"]);
  const c = await login(srv, 'parent_editor');
  const made = await c.post('/profil/token', { name: 'api' });
  const tok = made.text.match(/id="new-token">(varde_[A-Za-z0-9_-]+)</)[1];
  const fws = await (await fetch(`${srv.base}/api/v1/frameworks`, { headers: { authorization: `Bearer ${tok}` } })).json();
  const fw = fws.frameworks.find((f) => f.urn === 'urn:varde:framework:ks-2021').id;
  const r = await fetch(`${srv.base}/api/v1/orgs/${srv.fx.orgs.region}/campaigns`, {
    method: 'POST', headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' },
    body: JSON.stringify({ framework: fw, title: 'Sjekkliste', message: 'Svar nå', deadline: '2021-06-30' }),
  });
  assert.equal(r.status, 201);
  for (let i = 0; i < 100 && mails.length < 6; i++) await sleep(100);
  await sleep(1500);   // a second run must not send again the same day
  const to = mails.flatMap((m) => m.rcpt.map((x) => x.match(/<(.*)>/)[1])).sort();
  // own_editor and own_admin hold roles in the four t_* members (one mail per member
  // and address); the viewer gets none; sibling_editor one for Søskenvik.
  assert.deepEqual([...new Set(to)], ['own_admin@kommune.example', 'own_editor@kommune.example',
    'sibling_editor@kommune.example']);
  assert.equal(to.filter((x) => x.startsWith('own_editor')).length, 4);
  assert.equal(to.filter((x) => x.startsWith('sibling_editor')).length, 1);
  const q = (sql) => execFileSync('sqlite3', [srv.db, sql]).toString().trim();
  assert.equal(q('SELECT count(*) FROM assess_campaign_recipients WHERE reminded_at IS NOT NULL AND reminders = 1'), '6');
  assert.equal(q("SELECT count(*) FROM assess_reminders WHERE channel = 'app'"), '6');
  assert.equal(q("SELECT count(*) FROM audit_log WHERE action = 'assess.campaign.remind'"), '6');
  const m = mails[0].data;
  assert.match(m, /^Subject: =\?UTF-8\?B\?/m);
  assert.match(m, /Fristen var 2021-06-30/);
  assert.match(m, /https:\/\/varde\.example\//);
});
