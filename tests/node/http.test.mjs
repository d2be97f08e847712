// http.test.mjs — HTTP behaviour of `varde serve` against the real binary:
// headers, bad input, log-in, MFA, enrolment, lockout, CSRF, session
// expiry, API tokens, log-out, audit trail.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { execFileSync, spawnSync, spawn } from 'node:child_process';
import { startServer, Client, login, totp, sleep, BIN } from './lib.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

const SEC = {
  'content-security-policy': /default-src 'self'.*frame-ancestors 'none'/,
  'x-content-type-options': /^nosniff$/,
  'referrer-policy': /^same-origin$/,
};

function rawRequest(port, data) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.end(data));
    let out = '';
    s.on('data', (d) => { out += d; });
    s.on('end', () => resolve(out));
    s.on('error', reject);
  });
}

// Announce a body over the limit and send only its start: the server answers
// 413 from the headers and closes, so a client still writing may see a reset
// after the answer (fetch reports that as a failure, hence a raw socket).
function oversizePost(port, path, bytes) {
  return new Promise((resolve) => {
    let out = '';
    const s = net.connect(port, '127.0.0.1', () => {
      s.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n` +
              `Content-Length: ${bytes}\r\n\r\n`);
      s.write('x'.repeat(65536));
    });
    s.on('data', (d) => { out += d; if (out.includes('\r\n\r\n')) s.destroy(); });
    s.on('error', () => resolve(out));
    s.on('close', () => resolve(out));
  });
}

test('security headers on every kind of response', async () => {
  const c = new Client(srv.base);
  for (const path of ['/logg-inn', '/static/varde.css', '/finnes-ikke', '/org/1', '/api/v1/me', '/%zz']) {
    const r = await c.get(path);
    for (const [h, re] of Object.entries(SEC)) assert.match(r.headers.get(h) ?? '', re, `${h} on ${path}`);
    assert.equal(r.headers.get('strict-transport-security'), null, 'no HSTS without TLS');
  }
  const page = await c.get('/logg-inn');
  assert.doesNotMatch(page.text, /<script|style=|<style/i, 'no inline script or style');
});

test('bad input: 400, 404, 405, 413, oversize headers', async () => {
  const c = new Client(srv.base);
  assert.equal((await c.get('/%zz')).status, 400);
  assert.match((await c.get('/%zz')).text, /Ugyldig forespørsel/);
  assert.equal((await c.get('/org/1?x=%')).status, 400);
  assert.equal((await c.get('/finnes-ikke')).status, 404);
  assert.equal((await c.get('/org/abc')).status, 404);
  assert.equal((await c.get('/api/v1/nope')).status, 404);
  const del = await c.req('DELETE', '/logg-inn');
  assert.equal(del.status, 405);
  assert.equal(del.headers.get('allow'), 'GET, HEAD, POST');
  const head = await c.req('HEAD', '/logg-inn');
  assert.equal(head.status, 200);
  assert.equal(head.text, '');
  const big = await oversizePost(Number(new URL(srv.base).port), '/logg-inn', 2 << 20);
  assert.match(big, /^HTTP\/1\.1 413/);
  const bad = await c.req('POST', '/logg-inn', { body: 'username=%G0',
    headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(bad.status, 400);
  const port = Number(new URL(srv.base).port);
  const huge = await rawRequest(port, `GET /logg-inn HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(100000)}\r\n\r\n`);
  assert.match(huge, /^HTTP\/1\.1 4(31|13|14|00)/);
  const garbage = await rawRequest(port, 'NOT-HTTP\r\n\r\n');
  assert.match(garbage, /^HTTP\/1\.1 400|^$/);
  // still alive
  assert.equal((await c.get('/logg-inn')).status, 200);
});

test('log-in with password; wrong password is refused', async () => {
  const c = new Client(srv.base);
  const bad = await c.post('/logg-inn', { username: 'sibling_viewer', password: 'feil-passord-123' });
  assert.equal(bad.status, 401);
  assert.match(bad.text, /Feil brukernavn eller passord/);
  const unknown = await c.post('/logg-inn', { username: 'finnes_ikke', password: 'feil-passord-123' });
  assert.equal(unknown.status, 401);
  const ok = await login(srv, 'sibling_viewer');
  const home = await ok.get('/');
  assert.equal(home.status, 303);
  assert.equal(home.location, `/org/${srv.fx.orgs.sibling}`);
  const page = await ok.get(home.location);
  assert.equal(page.status, 200);
  assert.match(page.text, /Søskenvik kommune/);
  assert.match(page.headers.get('content-type'), /text\/html; charset=utf-8/);
});

test('session cookie is HttpOnly, SameSite=Strict and rotated at log-in', async () => {
  const c = new Client(srv.base);
  c.cookies.set('varde_session', 'planted-by-attacker');
  const r = await c.post('/logg-inn', { username: 'sibling_editor', password: srv.fx.password });
  assert.equal(r.status, 303);
  const sc = r.headers.getSetCookie().join('\n');
  assert.match(sc, /varde_session=[A-Za-z0-9_-]{43};.*HttpOnly/);
  assert.match(sc, /SameSite=Strict/);
  assert.notEqual(c.cookies.get('varde_session'), 'planted-by-attacker');
});

test('MFA: TOTP required for an enrolled admin; wrong code refused; recovery code works once', async () => {
  const u = srv.fx.users.mfa_admin;
  const c = new Client(srv.base);
  const r = await c.post('/logg-inn', { username: 'mfa_admin', password: srv.fx.password });
  assert.equal(r.status, 303);
  assert.equal(r.location, '/logg-inn/mfa');
  // half-logged-in: every page sends back to the code step
  const early = await c.get(`/org/${srv.fx.orgs.sibling}`);
  assert.equal(early.status, 303);
  assert.equal(early.location, '/logg-inn/mfa');
  const apiEarly = await c.get('/profil/mfa');
  assert.equal(apiEarly.location, '/logg-inn/mfa', 'cannot enrol a new factor while half logged in');
  await c.get('/logg-inn/mfa');
  const wrongCode = String((Number(totp(u.totp)) + 1) % 1000000).padStart(6, '0');
  assert.equal((await c.post('/logg-inn/mfa', { code: wrongCode })).status, 401);
  const ok = await c.post('/logg-inn/mfa', { code: totp(u.totp) });
  assert.equal(ok.status, 303);
  assert.equal((await c.get(`/org/${srv.fx.orgs.sibling}/brukere`)).status, 200);

  // recovery code instead of TOTP (own_admin is not used elsewhere in this file)
  const rc = srv.fx.users.own_admin.recovery[0];
  const d = new Client(srv.base);
  await d.post('/logg-inn', { username: 'own_admin', password: srv.fx.password });
  await d.get('/logg-inn/mfa');
  assert.equal((await d.post('/logg-inn/mfa', { code: rc })).status, 303);
  const e = new Client(srv.base);
  await e.post('/logg-inn', { username: 'own_admin', password: srv.fx.password });
  await e.get('/logg-inn/mfa');
  assert.equal((await e.post('/logg-inn/mfa', { code: rc })).status, 401, 'recovery code is single-use');
});

test('MFA enrolment from the profile, then required at the next log-in', async () => {
  const c = await login(srv, 'enrol');
  const page = await c.get('/profil/mfa');
  assert.equal(page.status, 200);
  const start = await c.post('/profil/mfa/start');
  assert.equal(start.status, 200);
  assert.match(start.text, /<svg[^>]*viewBox/);
  const secret = start.text.match(/id="totp-secret">([A-Z2-7]+)</)[1];
  const done = await c.post('/profil/mfa/bekreft', { code: totp(secret) });
  assert.equal(done.status, 200);
  const codes = [...done.text.matchAll(/<li>([A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4})<\/li>/g)];
  assert.equal(codes.length, 10);
  assert.equal((await c.post('/logg-ut')).status, 303);
  const d = new Client(srv.base);
  const r = await d.post('/logg-inn', { username: 'enrol', password: srv.fx.password });
  assert.equal(r.location, '/logg-inn/mfa');
  await d.get('/logg-inn/mfa');
  assert.equal((await d.post('/logg-inn/mfa', { code: totp(secret, 1) })).status, 303);
});

test('an admin without TOTP must enrol before anything else', async () => {
  const c = new Client(srv.base);
  const r = await c.post('/logg-inn', { username: 'enrol_admin', password: srv.fx.password });
  assert.equal(r.location, '/profil/mfa');
  const other = await c.get(`/org/${srv.fx.orgs.sibling}`);
  assert.equal(other.location, '/profil/mfa');
  assert.equal((await c.get('/profil/mfa')).status, 200);
});

test('lockout after repeated wrong passwords, even with the right one', async () => {
  const c = new Client(srv.base);
  for (let i = 0; i < 5; i++) {
    const r = await c.post('/logg-inn', { username: 'lockout', password: `feil-passord-${i}x` });
    assert.equal(r.status, 401, `attempt ${i}`);
  }
  const r = await c.post('/logg-inn', { username: 'lockout', password: srv.fx.password });
  assert.equal(r.status, 429);
  assert.ok(Number(r.headers.get('retry-after')) > 0);
  assert.match(r.text, /midlertidig/);
});

test('CSRF: state-changing forms need the session token; foreign Origin refused', async () => {
  const c = await login(srv, 'csrf');
  assert.equal((await c.post('/profil/token', { name: 'a', csrf: null })).status, 403);
  assert.equal((await c.post('/profil/token', { name: 'b', csrf: 'x'.repeat(43) })).status, 403);
  const other = await login(srv, 'sibling_editor');
  assert.equal((await c.post('/profil/token', { name: 'c', csrf: other.csrf })).status, 403,
    "another session's token is refused");
  assert.equal((await c.post('/logg-ut', { csrf: null })).status, 403);
  assert.equal((await c.post('/profil/token', { name: 'd' })).status, 201);
  const foreign = await new Client(srv.base).post('/logg-inn',
    { username: 'csrf', password: srv.fx.password }, { headers: { origin: 'https://evil.example' } });
  assert.equal(foreign.status, 403);
});

test('API: bearer tokens, revoke, no cookie auth', async () => {
  const c = await login(srv, 'token');
  const made = await c.post('/profil/token', { name: 'skript' });
  assert.equal(made.status, 201);
  const tok = made.text.match(/id="new-token">(varde_[A-Za-z0-9_-]+)</)[1];
  const api = (path, t = tok) => fetch(srv.base + path, { headers: { authorization: `Bearer ${t}` } });
  const me = await api('/api/v1/me');
  assert.equal(me.status, 200);
  assert.match(me.headers.get('content-type'), /application\/json/);
  const body = await me.json();
  assert.equal(body.username, 'token');
  assert.deepEqual(body.memberships, [{ org_id: srv.fx.orgs.sibling, role: 'viewer' }]);
  const orgs = await (await api('/api/v1/orgs')).json();
  const ids = orgs.orgs.map((o) => o.id);
  assert.ok(ids.includes(srv.fx.orgs.sibling));
  assert.ok(!ids.includes(srv.fx.orgs.t_full), 'a sibling is not listed');
  assert.equal((await api(`/api/v1/orgs/${srv.fx.orgs.t_full}`)).status, 404);
  assert.equal((await api('/api/v1/me', 'varde_' + 'A'.repeat(43))).status, 401);
  assert.equal((await api('/api/v1/me', 'garbage')).status, 401);
  const viaCookie = await c.get('/api/v1/me');
  assert.equal(viaCookie.status, 401, 'the API does not accept session cookies');
  const prof = await c.get('/profil');
  const id = prof.text.match(/action="\/profil\/token\/(\d+)\/slett"/)[1];
  assert.equal((await c.post(`/profil/token/${id}/slett`)).status, 303);
  assert.equal((await api('/api/v1/me')).status, 401, 'revoked token stops working');
});

test('log-out ends the session on the server', async () => {
  const c = await login(srv, 'sibling_viewer');
  const cookie = c.cookies.get('varde_session');
  assert.equal((await c.post('/logg-ut')).status, 303);
  const d = new Client(srv.base);
  d.cookies.set('varde_session', cookie);
  const r = await d.get('/profil');
  assert.equal(r.status, 303);
  assert.equal(r.location, '/logg-inn?neste=%2Fprofil');
  assert.match(r.headers.getSetCookie().join(), /varde_session=;.*Max-Age=0/, 'the dead cookie is cleared');
  const anon = await new Client(srv.base).get('/static/varde.css');
  assert.deepEqual(anon.headers.getSetCookie(), [], 'no cookie without a session');
});

test('password change: old password checked, new one works', async () => {
  const c = await login(srv, 'unrelated_viewer');
  assert.equal((await c.post('/profil/passord', { old: 'feil', new: 'Et-nytt-passord-42', new2: 'Et-nytt-passord-42' })).status, 400);
  assert.equal((await c.post('/profil/passord', { old: srv.fx.password, new: 'kort', new2: 'kort' })).status, 400);
  assert.equal((await c.post('/profil/passord', { old: srv.fx.password, new: 'Et-nytt-passord-42', new2: 'Et-nytt-passord-42' })).status, 303);
  const d = new Client(srv.base);
  assert.equal((await d.post('/logg-inn', { username: 'unrelated_viewer', password: 'Et-nytt-passord-42' })).status, 303);
});

test('audit log: writes are recorded and exported as CSV; escaping holds', async () => {
  const c = await login(srv, 'sibling_admin');
  const sib = srv.fx.orgs.sibling;
  await c.get(`/org/${sib}/brukere`);
  const add = await c.post(`/org/${sib}/brukere`,
    { username: 'ny.bruker', display_name: '<script>alert(1)</script>', password: 'Nytt-passord-1234', role: 'viewer' });
  assert.equal(add.status, 303, add.text.slice(0, 500));
  const users = await c.get(`/org/${sib}/brukere`);
  assert.ok(!users.text.includes('<script>alert(1)'), 'user data is escaped');
  assert.match(users.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  const log = await c.get(`/org/${sib}/revisjon?hendelse=membership`);
  assert.equal(log.status, 200);
  const csv = await c.get(`/org/${sib}/revisjon.csv`);
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /text\/csv/);
  assert.match(csv.headers.get('content-disposition'), /attachment/);
  assert.match(csv.text, /ny\.bruker|membership/);
  assert.equal((await c.get(`/org/${sib}/revisjon?fra=igaar`)).status, 400);
});

test('session expiry: idle and absolute time-outs (shortened by env knobs)', async () => {
  const s = await startServer({ VARDE_SESSION_IDLE: '3', VARDE_SESSION_ABSOLUTE: '10' });
  try {
    const idle = await login(s, 'expiry');
    assert.equal((await idle.get('/profil')).status, 200);
    await sleep(4300);  // timestamps are whole seconds: leave margin
    const r = await idle.get('/profil');
    assert.equal(r.status, 303, 'idle session expired');
    assert.match(r.location, /^\/logg-inn\?neste=%2Fprofil$/);

    // Keep a session busy (each request well inside the idle limit) and check
    // it ends at the absolute limit all the same. Deadlines are measured from
    // the log-in, so a slow (sanitizer) build cannot shift the outcome.
    const busy = await login(s, 'sibling_viewer');
    const t0 = Date.now();
    while (Date.now() - t0 < 7000) {
      assert.equal((await busy.get('/profil')).status, 200, `still active after ${Date.now() - t0} ms`);
      await sleep(1000);
    }
    let late;
    while (Date.now() - t0 < 12500) {
      late = await busy.get('/profil');
      if (late.status !== 200) break;
      await sleep(1000);
    }
    assert.equal(late.status, 303, 'absolute time-out ends even an active session');
  } finally {
    await s.stop();
  }
});

test('graceful stop: SIGTERM lets an in-flight request finish', async () => {
  const s = await startServer();
  const c = new Client(s.base);
  // a slow upload keeps a request in flight while the signal arrives
  const port = Number(new URL(s.base).port);
  const pending = new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1', () => {
      sock.write('POST /logg-inn HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 20\r\n\r\nusername=');
      setTimeout(() => { s.child.kill('SIGTERM'); }, 100);
      setTimeout(() => sock.write('a&password=b'), 400);
    });
    let out = '';
    sock.on('data', (d) => { out += d; });
    sock.on('close', () => resolve(out));
  });
  const out = await pending;
  assert.match(out, /^HTTP\/1\.1 401/, 'the request in flight got its answer');
  await s.stop();
  void c;
});

test('HTTPS with --tls-cert/--tls-key: HSTS and a Secure session cookie', async () => {
  const dir = new URL('./tls/', import.meta.url).pathname;
  const s = await startServer({}, ['--tls-cert', dir + 'cert.pem', '--tls-key', dir + 'key.pem']);
  try {
    assert.match(s.base, /^https:/);
    const ca = readFileSync(dir + 'cert.pem');
    const get = (path, opts = {}) => new Promise((resolve, reject) => {
      const req = https.request(s.base + path, { ca, ...opts }, (res) => {
        let body = '';
        res.on('data', (d) => { body += d; });
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end(opts.body);
    });
    const r = await get('/logg-inn');
    assert.equal(r.status, 200);
    assert.match(r.headers['strict-transport-security'], /max-age=\d+/);
    const body = `username=sibling_viewer&password=${encodeURIComponent(s.fx.password)}`;
    const li = await get('/logg-inn', { method: 'POST', body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': body.length } });
    assert.equal(li.status, 303);
    assert.match(li.headers['set-cookie'].join('\n'), /varde_session=[^;]+;.*HttpOnly.*; Secure/);
  } finally {
    await s.stop();
  }
});

test('TOTP secrets: sealed in the database; a missing key file is a logged server fault, not a failed log-in', async () => {
  const s = await startServer({ VARDE_KEY_FILE: '/nonexistent/varde.key' });
  try {
    const u = s.fx.users.mfa_admin;
    const stored = execFileSync('sqlite3', [s.db, "SELECT totp_secret FROM users WHERE username = 'mfa_admin'"]).toString();
    assert.match(stored, /^s1:/);
    assert.ok(!stored.includes(u.totp), 'the secret is not in the database in clear');
    for (let i = 0; i < 6; i++) {   // more than the lockout allows, had they counted
      const c = new Client(s.base);
      const r = await c.post('/logg-inn', { username: 'mfa_admin', password: s.fx.password });
      assert.equal(r.location, '/logg-inn/mfa');
      await c.get('/logg-inn/mfa');
      const m = await c.post('/logg-inn/mfa', { code: totp(u.totp) });
      assert.equal(m.status, 500, 'the server cannot read the secret');
      assert.doesNotMatch(m.text, /varde\.key/, 'the page does not show server paths');
    }
    assert.match(s.stderr(), /Nøkkelfilen \/nonexistent\/varde\.key finnes ikke/);
  } finally {
    await s.stop();
  }
  const t = await startServer();   // the same fixture with its own key file: log-in works
  try { await login(t, 'mfa_admin'); } finally { await t.stop(); }
});

test('administration in the web UI: organisations created under one\'s own, accounts turned off and on', async () => {
  const r1 = srv.fx.orgs.region;
  const c = await login(srv, 'browser_admin');   // an admin of the region no other test here logs in (TOTP replay guard)
  const page = await c.get(`/org/${r1}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /Ny underorganisasjon/);
  const offered = [...page.text.matchAll(/<option value="([a-z]+)"/g)].map((m) => m[1]);
  assert.deepEqual(offered, ['municipality', 'county', 'iks'], 'a region takes municipalities, counties and IKS');
  const bad = await c.post(`/org/${r1}/underorganisasjoner`, { kind: 'municipality', name: 'Ny<vik> kommune', number: '12' });
  assert.equal(bad.status, 400);
  assert.match(bad.text, /Kommunenummer må være fire sifre/);
  assert.match(bad.text, /value="Ny&lt;vik&gt; kommune"/, 'what was typed stays, escaped');
  assert.equal((await c.post(`/org/${r1}/underorganisasjoner`, { kind: 'region', name: 'Region i region' })).status, 400);
  const ok = await c.post(`/org/${r1}/underorganisasjoner`, { kind: 'municipality', name: 'Nyvik kommune', number: '3998', population: '2500' });
  assert.equal(ok.status, 303);
  const id = Number(ok.location.match(/^\/org\/(\d+)$/)[1]);
  const made = await c.get(`/org/${id}`);
  assert.match(made.text, /<h1>Nyvik kommune<\/h1>/);
  assert.match(made.text, /3998/);
  assert.match((await c.get(`/org/${r1}`)).text, new RegExp(`href="/org/${id}">Nyvik kommune<`), 'listed under its parent');
  const dup = await c.post(`/org/${r1}/underorganisasjoner`, { kind: 'municipality', name: 'Nyvik to', number: '3998' });
  assert.equal(dup.status, 409);
  const audit = execFileSync('sqlite3', [srv.db, `SELECT count(*) FROM audit_log WHERE action = 'org.create' AND org_id = ${id}`]).toString().trim();
  assert.equal(audit, '1');
  // the same through the API, with a token of that admin
  const made2 = await c.post('/profil/token', { name: 'org-api' });
  const token = made2.text.match(/id="new-token">(varde_[A-Za-z0-9_-]+)</)[1];
  await c.get('/profil');
  const api = (body) => fetch(`${srv.base}/api/v1/orgs/${r1}/children`, { method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const a1 = await api({ kind: 'county', name: 'Testfylke', kommunenummer: '39', population: 1000 });
  assert.equal(a1.status, 201);
  const j = await a1.json();
  assert.equal(j.kind, 'county');
  assert.equal(j.parent_id, r1);
  assert.equal(j.kommunenummer, '39');
  assert.equal((await api({ kind: 'county', name: 'Fylke to', kommunenummer: '39' })).status, 409);
  assert.equal((await api({ kind: 'region', name: 'Ikke her' })).status, 400);
  assert.equal((await api({ kind: 'iks', name: 'Halv IKS', population: 1.5 })).status, 400);
  // moving: an IKS made under Nyvik goes to another municipality of the region;
  // the form offers only what the admin administers and what can hold an IKS
  const iksMade = await c.post(`/org/${id}/underorganisasjoner`, { kind: 'iks', name: 'Vannverket IKS' });
  const iks = Number(iksMade.location.match(/(\d+)$/)[1]);
  const iksPage = await c.get(`/org/${iks}`);
  const moveForm = iksPage.text.split('name="parent"')[1].split('</select>')[0];
  const targets = [...moveForm.matchAll(/<option value="(\d+)">/g)].map((m) => Number(m[1]));
  assert.ok(targets.includes(srv.fx.orgs.t_full) && targets.includes(r1), 'municipalities and the region it administers');
  assert.ok(!targets.includes(id), 'not where it already is');
  assert.ok(!targets.includes(srv.fx.orgs.unrelated), 'not into another region');
  assert.equal((await c.post(`/org/${iks}/flytt`, { parent: String(srv.fx.orgs.unrelated) })).status, 403);
  assert.equal((await c.post(`/org/${id}/flytt`, { parent: String(iks) })).status, 400, 'a municipality cannot go under an IKS');
  assert.equal((await c.post(`/org/${iks}/flytt`, { parent: String(srv.fx.orgs.t_full) })).status, 303);
  assert.equal(execFileSync('sqlite3', [srv.db, `SELECT parent_id FROM organisations WHERE id = ${iks}`]).toString().trim(),
    String(srv.fx.orgs.t_full));
  const mv = (org, body) => fetch(`${srv.base}/api/v1/orgs/${org}/move`, { method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const back = await mv(iks, { parent_id: id });
  assert.equal(back.status, 200);
  assert.equal((await back.json()).parent_id, id, 'moved back through the API');
  assert.equal((await mv(iks, { parent_id: srv.fx.orgs.unrelated })).status, 403);
  assert.equal((await mv(iks, {})).status, 400);
  // a municipality's admin may add an IKS under it, nothing else; a viewer sees no form
  const m = await login(srv, 'unrelated_admin');
  const mp = await m.get(`/org/${srv.fx.orgs.unrelated}`);
  assert.deepEqual([...mp.text.matchAll(/<option value="([a-z]+)"/g)].map((x) => x[1]), ['iks']);
  assert.doesNotMatch(mp.text, /name="number"/, 'an IKS has no kommunenummer to ask for');
  const v = await login(srv, 'sibling_viewer');
  assert.doesNotMatch((await v.get(`/org/${srv.fx.orgs.sibling}`)).text, /Ny underorganisasjon/);
  assert.equal((await v.post(`/org/${srv.fx.orgs.sibling}/underorganisasjoner`, { kind: 'iks', name: 'X IKS' })).status, 403);

  // accounts: the municipality's admin turns a member's account off (its
  // sessions end, it cannot log in) and on again; not their own, and not
  // one that also belongs where they are no admin
  const unr = srv.fx.orgs.unrelated;
  await m.get(`/org/${unr}/brukere`);
  assert.equal((await m.post(`/org/${unr}/brukere`, { username: 'kontohaver', password: 'Konto-passord-1', role: 'viewer' })).status, 303);
  const kid = Number(execFileSync('sqlite3', [srv.db, "SELECT id FROM users WHERE username = 'kontohaver'"]).toString());
  const k = new Client(srv.base);
  assert.equal((await k.post('/logg-inn', { username: 'kontohaver', password: 'Konto-passord-1' })).location, '/');
  const list = await m.get(`/org/${unr}/brukere`);
  assert.match(list.text, /aria-label="Deaktiver kontoen til kontohaver"/);
  assert.doesNotMatch(list.text, /Deaktiver kontoen til unrelated_admin/, 'no button for one\'s own account');
  assert.equal((await m.post(`/org/${unr}/brukere/${kid}/konto`, { active: 'nei' })).status, 303);
  assert.match((await m.get(`/org/${unr}/brukere`)).text, /deaktivert/);
  assert.match((await m.get(`/org/${unr}/revisjon`)).text, /user\.disable/, 'in the organisation\'s own audit log');
  assert.equal((await k.get('/profil')).status, 303, 'the session ended');
  const again = await new Client(srv.base).post('/logg-inn', { username: 'kontohaver', password: 'Konto-passord-1' });
  assert.notEqual(again.location, '/', 'a turned-off account cannot log in');
  assert.equal((await m.post(`/org/${unr}/brukere/${kid}/konto`, { active: 'ja' })).status, 303);
  assert.equal((await new Client(srv.base).post('/logg-inn', { username: 'kontohaver', password: 'Konto-passord-1' })).location, '/');
  assert.equal((await m.post(`/org/${unr}/brukere/${srv.fx.users.unrelated_admin.id}/konto`, { active: 'nei' })).status, 400);
  execFileSync('sqlite3', [srv.db, `INSERT INTO memberships (user_id, org_id, role, created_at) VALUES (${kid}, ${srv.fx.orgs.sibling}, 'viewer', 1)`]);
  const foreign = await m.post(`/org/${unr}/brukere/${kid}/konto`, { active: 'nei' });
  assert.equal(foreign.status, 403);
  assert.match(foreign.text, /også medlem av «en organisasjon du ikke ser»/);
  assert.equal(execFileSync('sqlite3', [srv.db, `SELECT disabled FROM users WHERE id = ${kid}`]).toString().trim(), '0');
  // the API gives the same answers, from a token of the municipality's admin
  const mt = (await m.post('/profil/token', { name: 'konto-api' })).text.match(/id="new-token">(varde_[A-Za-z0-9_-]+)</)[1];
  await m.get('/profil');
  const acct = (uid, body) => fetch(`${srv.base}/api/v1/orgs/${unr}/users/${uid}/account`, { method: 'POST',
    headers: { authorization: `Bearer ${mt}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal((await acct(kid, { active: false })).status, 403, 'still a member elsewhere');
  execFileSync('sqlite3', [srv.db, `DELETE FROM memberships WHERE user_id = ${kid} AND org_id = ${srv.fx.orgs.sibling}`]);
  const off = await acct(kid, { active: false });
  assert.equal(off.status, 200);
  assert.deepEqual(await off.json(), { id: kid, disabled: true });
  assert.equal((await acct(kid, { active: 'ja' })).status, 400);
  assert.equal((await acct(srv.fx.users.unrelated_admin.id, { active: false })).status, 400, 'not one\'s own');
  assert.equal((await acct(999999, { active: true })).status, 404);
  // lost phone: the admin resets a member's second factor from the users page (and the API)
  const add = spawnSync(BIN, ['user', 'add', 'mistet-telefon', '--org', `#${unr}`, '--role', 'viewer', '--totp', '--db', srv.db],
    { input: 'Telefon-passord-1\nTelefon-passord-1\n', env: { ...process.env, VARDE_PWHASH_FAST: '1' } });
  assert.equal(add.status, 0, add.stderr.toString());
  const pid = Number(execFileSync('sqlite3', [srv.db, "SELECT id FROM users WHERE username = 'mistet-telefon'"]).toString());
  assert.match((await m.get(`/org/${unr}/brukere`)).text, /aria-label="Tilbakestill tofaktor for mistet-telefon"/);
  assert.equal((await m.post(`/org/${unr}/brukere/${pid}/tofaktor`, {})).status, 303);
  assert.equal(execFileSync('sqlite3', [srv.db, `SELECT totp_enabled, totp_secret IS NULL FROM users WHERE id = ${pid}`]).toString().trim(), '0|1');
  assert.match((await m.get(`/org/${unr}/revisjon`)).text, /user\.mfa_reset/, 'in the organisation\'s audit log');
  const reset = await fetch(`${srv.base}/api/v1/orgs/${unr}/users/${pid}/mfa-reset`, { method: 'POST',
    headers: { authorization: `Bearer ${mt}`, 'content-type': 'application/json' }, body: '{}' });
  assert.equal(reset.status, 200);
  assert.equal((await m.post(`/org/${unr}/brukere/${srv.fx.users.unrelated_admin.id}/tofaktor`, {})).status, 400, 'not one\'s own');
});

test('audit chain: web writes are chained; tampering is found by varde check', async () => {
  const s = await startServer();
  try {
    const c = await login(s, 'sibling_admin');
    const sib = s.fx.orgs.sibling;
    await c.get(`/org/${sib}/brukere`);
    assert.equal((await c.post(`/org/${sib}/brukere`, { username: 'revisor', password: 'Kontroll-passord-1', role: 'viewer' })).status, 303);
    const ok = spawnSync(BIN, ['check', '--db', s.db]);
    assert.equal(ok.status, 0, ok.stdout.toString() + ok.stderr.toString());
    const csv = await c.get(`/org/${sib}/revisjon.csv`);
    const line = csv.text.split(/\r?\n/).find((l) => l.includes('membership'));
    assert.ok(line, 'the membership change is in the exported log');
    const id = Number(execFileSync('sqlite3', [s.db,
      "SELECT id FROM audit_log WHERE action LIKE 'membership%' ORDER BY id DESC LIMIT 1"]).toString());
    assert.ok(id > 0);
    // someone with file access rewrites history behind the triggers' back
    execFileSync('sqlite3', [s.db, 'DROP TRIGGER audit_log_no_update;' +
      `UPDATE audit_log SET details = 'ingenting skjedde' WHERE id = ${id};`]);
    const bad = spawnSync(BIN, ['check', '--db', s.db]);
    const out = bad.stdout.toString() + bad.stderr.toString();
    assert.equal(bad.status, 1, out);
    assert.match(out, new RegExp(`\\b${id}\\b`), 'names the first broken entry');
  } finally {
    await s.stop();
  }
});

test('database trouble: a short lock is waited out; a failed write leaves nothing behind', async () => {
  const s = await startServer();
  try {
    const c = await login(s, 'token');
    // another process holds the write lock for 1.5 s: the request waits and succeeds
    const holder = spawn('sqlite3', [s.db], { stdio: ['pipe', 'ignore', 'inherit'] });
    holder.stdin.write('BEGIN IMMEDIATE;\nINSERT INTO login_attempts(username, remote_addr, at, success) VALUES (\'x\', \'x\', 0, 0);\n');
    await sleep(300);
    setTimeout(() => holder.stdin.end('ROLLBACK;\n'), 1500);
    const t0 = Date.now();
    const r = await c.post('/profil/token', { name: 'under-laas' });
    assert.equal(r.status, 201);
    assert.ok(Date.now() - t0 >= 1000, 'it waited for the lock');

    // the audit write inside the token's transaction fails: no token may remain
    execFileSync('sqlite3', [s.db, "CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log WHEN NEW.action LIKE 'token%' BEGIN SELECT RAISE(ABORT, 'simulert skrivefeil'); END;"]);
    await c.get('/profil');
    const bad = await c.post('/profil/token', { name: 'halvveis' });
    // SQLite reports the aborted statement as a constraint failure (409); a
    // full disk would be VERR_IO (500). Either way: refused, and nothing kept.
    assert.ok(bad.status === 409 || bad.status >= 500, `status ${bad.status}`);
    assert.match(bad.text, /role="alert">[^<]*(databasen|Ingenting ble lagret)/);
    assert.doesNotMatch(bad.text, /INSERT|SELECT|audit_log/, 'no SQL or table names in the page');
    const n = execFileSync('sqlite3', [s.db, "SELECT COUNT(*) FROM api_tokens WHERE name = 'halvveis'"]).toString().trim();
    assert.equal(n, '0');
    execFileSync('sqlite3', [s.db, 'DROP TRIGGER fail_audit;']);
    assert.equal((await c.get('/profil')).status, 200, 'the server carries on');
  } finally {
    await s.stop();
  }
});

test('after log-in you land where you were going, never on another site', async () => {
  const sib = srv.fx.orgs.region;  // parent_admin is not used elsewhere here (TOTP replay guard)
  const c = new Client(srv.base);
  const first = await c.get(`/org/${sib}/revisjon?hendelse=user`);
  assert.equal(first.location, `/logg-inn?neste=${encodeURIComponent(`/org/${sib}/revisjon?hendelse=user`)}`);
  const form = await c.get(first.location);
  assert.match(form.text, /name="neste" value="\/org\/\d+\/revisjon\?hendelse=user"/);
  const u = srv.fx.users.parent_admin;
  const r = await c.post('/logg-inn', { username: 'parent_admin', password: srv.fx.password,
    neste: `/org/${sib}/revisjon?hendelse=user` });
  assert.equal(r.location, `/logg-inn/mfa?neste=${encodeURIComponent(`/org/${sib}/revisjon?hendelse=user`)}`);
  await c.get(r.location);
  const m = await c.post('/logg-inn/mfa', { code: totp(u.totp), neste: `/org/${sib}/revisjon?hendelse=user` });
  assert.equal(m.location, `/org/${sib}/revisjon?hendelse=user`);
  for (const evil of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', '/a\r\nSet-Cookie: x=1']) {
    const d = new Client(srv.base);
    const e = await d.post('/logg-inn', { username: 'sibling_editor', password: srv.fx.password, neste: evil });
    assert.equal(e.location, '/', `refused ${JSON.stringify(evil)}`);
  }
});
