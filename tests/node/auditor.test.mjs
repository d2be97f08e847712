// auditor.test.mjs — the demo's control-committee auditor ("revisor", role
// auditor) over HTTP: reads its municipality's findings and inventory, reads
// and exports the audit log, and is refused every change and the user
// administration. Runs against a `varde demo` database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, Client, BIN } from './lib.mjs';

const SHARED = process.env.VARDE_SHARED || '';
const skip = existsSync(join(SHARED, 'data', 'municipalities')) ? false
  : `no municipality data under ${SHARED || '$VARDE_SHARED'}/data/municipalities`;

// `varde demo` into the test database; its printed log-ins become fx.
function demo(db, env) {
  const out = execFileSync(BIN, ['demo', '--db', db, '--shared', SHARED], { env }).toString();
  const m = out.match(/^ {2}revisor +(\S+) +revisor \(auditor[^\n]*– ([^\n]+)$/m);
  assert.ok(m, `demo does not list the auditor:\n${out}`);
  return { password: m[1], orgName: m[2] };
}

let srv, c, org;
before(async () => {
  if (skip) return;
  srv = await startServer({}, [], demo);
  c = new Client(srv.base);
  const r = await c.post('/logg-inn', { username: 'revisor', password: srv.fx.password });
  assert.equal(r.status, 303);
  assert.equal(r.location, '/', 'an auditor is not sent to set up TOTP');
  const home = await c.get('/');
  org = home.location.match(/^\/org\/(\d+)$/)[1];
  await c.get('/profil');   // picks up the CSRF token
});
after(async () => { if (srv) await srv.stop(); });

test('the auditor reads findings and inventory of its municipality', { skip }, async () => {
  const page = await c.get(`/org/${org}`);
  assert.equal(page.status, 200);
  assert.ok(page.text.includes(srv.fx.orgName));
  assert.ok(page.text.includes(`/org/${org}/revisjon"`), 'the menu offers the audit log');
  assert.ok(!page.text.includes(`/org/${org}/brukere"`), 'but not the user administration');
  const list = await c.get(`/org/${org}/funn`);
  assert.equal(list.status, 200);
  const id = list.text.match(new RegExp(`/org/${org}/funn/(\\d+)"`))[1];
  assert.equal((await c.get(`/org/${org}/funn/${id}`)).status, 200);
  for (const p of ['inventar', 'inventar/systemer', 'inventar.csv', 'funn.csv'])
    assert.equal((await c.get(`/org/${org}/${p}`)).status, 200, p);
});

test('the auditor reads and exports the audit log', { skip }, async () => {
  assert.equal((await c.get(`/org/${org}/revisjon`)).status, 200);
  // the history holds the demo giving the auditor its role
  const log = await c.get(`/org/${org}/revisjon?hendelse=membership.set`);
  assert.equal(log.status, 200);
  assert.ok(log.text.includes('<td>role=auditor</td>'), 'the filtered log shows role=auditor');
  const csv = await c.get(`/org/${org}/revisjon.csv`);
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /^text\/csv/);
  assert.ok(csv.text.includes('membership.set') && csv.text.includes('role=auditor'), 'the export has it too');
});

test('the auditor changes nothing and manages no users', { skip }, async () => {
  const list = await c.get(`/org/${org}/funn`);
  const id = list.text.match(new RegExp(`/org/${org}/funn/(\\d+)"`))[1];
  const before = (await c.get(`/org/${org}/revisjon.csv`)).text;
  await c.get(`/org/${org}/funn/${id}`);
  assert.equal((await c.post(`/org/${org}/funn/${id}/status`, { status: 'in_progress' })).status, 403);
  assert.equal((await c.post(`/org/${org}/inventar/systemer`, { name: 'Revisors system' })).status, 403);
  assert.equal((await c.get(`/org/${org}/brukere`)).status, 403);
  assert.equal((await c.post(`/org/${org}/brukere`,
    { username: 'ny-bruker', password: 'Et-langt-passord-1', role: 'auditor' })).status, 403);
  assert.equal((await c.post(`/org/${org}/deling`, { level: 'full' })).status, 403);
  assert.equal((await c.get(`/org/${org}/revisjon.csv`)).text, before, 'nothing was written');
});
