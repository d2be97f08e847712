// scan.test.mjs — the server side of scanning over HTTP: confirmed scope
// (proposed by an editor, confirmed by an admin), sensors enrolled with a
// one-time token, schedules refused outside the scope, jobs pulled by the
// sensor, result parts stored once (a repeat is harmless, a different body
// is a conflict), runs with their difference, and the not-seen bridge.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login } from './lib.mjs';

let srv, admin, editor, viewer, org, tokEditor, tokViewer, page;
const cred = 'vsensor_' + 'Q'.repeat(43);

async function apiToken(c) {
  const made = await c.post('/profil/token', { name: 'skann' });
  assert.equal(made.status, 201);
  const t = made.text.match(/id="new-token">(varde_[A-Za-z0-9_-]+)</)[1];
  await c.get('/profil');
  return t;
}
const api = (path, tok, body) => fetch(srv.base + path, {
  method: body === undefined ? 'GET' : 'POST',
  headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' },
  body: body === undefined ? undefined : JSON.stringify(body),
});

before(async () => {
  srv = await startServer();
  org = srv.fx.orgs.t_full;
  page = `/org/${org}/skanning`;
  admin = await login(srv, 'own_admin');
  editor = await login(srv, 'own_editor');
  viewer = await login(srv, 'own_viewer');
  tokEditor = await apiToken(editor);
  tokViewer = await apiToken(viewer);
});
after(async () => { await srv.stop(); });


function report(lines) {
  const head = { type: 'scan', schema: 1, started: '2026-11-27T10:00:00Z', finished: '2026-11-27T10:01:00Z',
    hosts: 1, ports_per_host: 2, connects: 2, refused: 0, interrupted: false };
  return [head, ...lines].map((o) => JSON.stringify(o)).join('\n') + '\n';
}
const port = (p) => ({ type: 'port', addr: '10.99.1.5', port: p, proto: 'tcp', state: 'open', rtt_ms: 1 });
const svc = (p, name, product, version) => ({ type: 'service', addr: '10.99.1.5', port: p, service: name,
  product, version, cpe: `cpe:2.3:a:x:${product}:${version}:*:*:*:*:*:*:*`, tls: false, confidence: 'high' });
const finding = (p, id) => ({ type: 'finding', addr: '10.99.1.5', port: p, id, title: 'x', severity: 'medium',
  confidence: 'high', evidence: 'e' });

test('scope: an editor proposes, only an admin confirms; forms need CSRF', async () => {
  assert.equal((await editor.get(page)).status, 200);
  assert.equal((await editor.post(`${page}/omfang`, { spec: 'ikke.et.nett' })).status, 400);
  assert.equal((await editor.post(`${page}/omfang`, { spec: '10.99.1.0/24', note: 'serverne' })).status, 303);
  assert.equal((await editor.post(`${page}/omfang`, { spec: '10.99.1.0/24', csrf: null })).status, 403);
  const scope = await (await api(`/api/v1/orgs/${org}/scan/scope`, tokEditor)).json();
  assert.equal(scope.scope.length, 1);
  assert.equal(scope.scope[0].confirmed, 0);
  const id = scope.scope[0].id;
  assert.equal((await editor.post(`${page}/omfang/${id}/bekreft`, {})).status, 403);
  await admin.get(page);
  assert.equal((await admin.post(`${page}/omfang/${id}/bekreft`, {})).status, 303);
  const after2 = await (await api(`/api/v1/orgs/${org}/scan/scope`, tokEditor)).json();
  assert.equal(after2.scope[0].confirmed, 1);
  const p = await admin.get(page);
  assert.doesNotMatch(p.text, /<script|<style|\sstyle=/i);
  assert.match(p.text, /10\.99\.1\.0\/24<\/td><td>serverne<\/td><td>bekreftet/);
});

let sensorId;
test('sensor: one-time enrolment token; a repeat with the same credential is harmless', async () => {
  assert.equal((await editor.post(`${page}/sensorer`, { name: 'rådhuset' })).status, 403);
  assert.equal((await admin.post(`${page}/sensorer`, {})).status, 400);
  const made = await admin.post(`${page}/sensorer`, { name: 'rådhuset' });
  assert.equal(made.status, 201);
  const token = made.text.match(/id="enrol-token">(venrol_[A-Za-z0-9_-]+)</)[1];
  const enrol = (body) => fetch(`${srv.base}/api/v1/sensor/enrol`, { method: 'POST', body: JSON.stringify(body) });
  const r1 = await enrol({ token, credential: cred });
  assert.equal(r1.status, 200);
  const b1 = await r1.json();
  assert.equal(b1.org_id, org);
  sensorId = b1.sensor_id;
  const r2 = await enrol({ token, credential: cred });
  assert.equal(r2.status, 200, 'a lost reply may be repeated');
  assert.equal((await r2.json()).sensor_id, sensorId);
  assert.equal((await enrol({ token, credential: 'vsensor_' + 'Z'.repeat(43) })).status, 401, 'used token');
  const hb = await fetch(`${srv.base}/api/v1/sensor/heartbeat`, { method: 'POST',
    headers: { authorization: `Bearer ${cred}` }, body: '{"version":"t","queued":3}' });
  assert.equal(hb.status, 200);
  assert.equal((await fetch(`${srv.base}/api/v1/sensor/jobs`)).status, 401);
  const s = await (await api(`/api/v1/orgs/${org}/scan/sensors`, tokViewer)).json();
  assert.equal(s.sensors[0].queued, 3);
  assert.ok(s.sensors[0].last_seen > 0);
});

const sensorApi = (path, body) => fetch(srv.base + path, { method: body === undefined ? 'GET' : 'POST',
  headers: { authorization: `Bearer ${cred}` }, body });
const postPart = (job, part, total, data) => sensorApi(`/api/v1/sensor/jobs/${job}/results`,
  JSON.stringify({ part, total, data }));

// The prologue keeps the two kinds of credential apart: a sensor route takes
// only a sensor credential, a user route only a user's token or session.
test('credentials do not cross: user tokens and sessions on sensor routes, a sensor on user routes', async () => {
  const routes = [['GET', '/api/v1/sensor/jobs'], ['POST', '/api/v1/sensor/heartbeat'],
    ['POST', '/api/v1/sensor/jobs/1/start'], ['POST', '/api/v1/sensor/jobs/1/results']];
  for (const [method, path] of routes) {
    const r = await fetch(srv.base + path, { method, headers: { authorization: `Bearer ${tokEditor}` },
      body: method === 'POST' ? '{}' : undefined });
    assert.equal(r.status, 401, `${method} ${path} with a user's API token`);
    assert.equal(r.headers.get('www-authenticate'), 'Bearer realm="varde-sensor"');
    assert.equal((await r.json()).error, 'Mangler eller ugyldig sensornøkkel.');
  }
  const withSession = await admin.get('/api/v1/sensor/jobs');
  assert.equal(withSession.status, 401, 'a logged-in browser session is no sensor');
  for (const path of [`/api/v1/orgs/${org}/scan/sensors`, `/api/v1/orgs/${org}/scan/jobs`, '/api/v1/users']) {
    const r = await sensorApi(path);
    assert.equal(r.status, 401, `${path} with the sensor credential`);
    assert.equal(r.headers.get('www-authenticate'), 'Bearer realm="varde"');
  }
  const sched = await sensorApi(`/api/v1/orgs/${org}/scan/schedules`,
    JSON.stringify({ name: 'sensor', sensor_id: sensorId, targets: '10.99.1.5', ports: '22' }));
  assert.equal(sched.status, 401, 'a sensor cannot make its own schedule');
  const page2 = await fetch(`${srv.base}${page}`, { headers: { authorization: `Bearer ${cred}` }, redirect: 'manual' });
  assert.equal(page2.status, 303, 'pages ask for a log-in');
  assert.equal((await sensorApi('/api/v1/sensor/jobs')).status, 200, 'the sensor itself still gets in');
});

test('a schedule with a target outside the confirmed scope is refused with a clear message', async () => {
  const r = await api(`/api/v1/orgs/${org}/scan/schedules`, tokEditor,
    { name: 'ute', sensor_id: sensorId, targets: '10.99.1.0/28, 10.99.2.5', ports: '22' });
  assert.equal(r.status, 403);
  const b = await r.json();
  assert.match(b.error, /Nektet: 10\.99\.2\.5 er utenfor organisasjonens godkjente skanneomfang \(10\.99\.1\.0\/24\)/);
  const wide = await api(`/api/v1/orgs/${org}/scan/schedules`, tokEditor,
    { name: 'for vidt', sensor_id: sensorId, targets: '10.99.0.0/16', ports: '22' });
  assert.equal(wide.status, 403, 'a range reaching outside is refused too');
  const names = await api(`/api/v1/orgs/${org}/scan/schedules`, tokEditor,
    { name: 'navn', sensor_id: sensorId, targets: 'example.org', ports: '22' });
  assert.equal(names.status, 400);
  assert.equal((await api(`/api/v1/orgs/${org}/scan/schedules`, tokViewer,
    { name: 'x', sensor_id: sensorId, targets: '10.99.1.5', ports: '22' })).status, 403);
  const list = await (await api(`/api/v1/orgs/${org}/scan/schedules`, tokEditor)).json();
  assert.deepEqual(list.schedules, [], 'nothing was stored');
  const form = await editor.post(`${page}/planer`, { name: 'ute', targets: '10.99.3.1', ports: '22',
    interval_h: '0', sensor: String(sensorId) });
  assert.equal(form.status, 403);
  assert.match(form.text, /utenfor organisasjonens godkjente skanneomfang/);
});

let fullSchedule;
test('jobs, result parts stored once, runs, diff and the not-seen bridge', async () => {
  const ok = await api(`/api/v1/orgs/${org}/scan/schedules`, tokEditor,
    { name: 'hele', sensor_id: sensorId, ports: '22,80', interval_s: 86400 });
  assert.equal(ok.status, 201);
  fullSchedule = (await ok.json()).id;
  const jobs = await (await sensorApi('/api/v1/sensor/jobs')).json();
  assert.equal(jobs.jobs.length, 1);
  const j = jobs.jobs[0];
  assert.equal(j.scope, '10.99.1.0/24');
  assert.equal(j.targets, '10.99.1.0/24');
  assert.equal(j.full_scope, true);
  assert.equal((await sensorApi('/api/v1/sensor/jobs')).status, 200);
  assert.equal((await (await sensorApi('/api/v1/sensor/jobs')).json()).jobs.length, 1, 'no second job');
  assert.equal((await sensorApi(`/api/v1/sensor/jobs/${j.id}/start`, '{}')).status, 200);
  const rep = report([port(22), svc(22, 'ssh', 'openssh', '9.2p1'), finding(22, 'ssh-old')]);
  const cut = rep.indexOf('\n') + 1;
  const p0 = rep.slice(0, cut), p1 = rep.slice(cut);
  assert.equal((await postPart(j.id, 0, 2, p0)).status, 200);
  assert.equal((await postPart(j.id, 0, 2, p0)).status, 200, 'the same part again is fine');
  assert.equal((await postPart(j.id, 0, 2, p0 + ' ')).status, 409, 'different body for a stored part');
  assert.equal((await postPart(j.id, 0, 3, p0)).status, 409, 'total must agree');
  const last = await postPart(j.id, 1, 2, p1);
  assert.equal(last.status, 200);
  assert.equal((await last.json()).complete, true);
  assert.equal((await postPart(j.id, 1, 2, p1)).status, 200, 'a repeat after completion is harmless');
  const runs = await (await api(`/api/v1/orgs/${org}/scan/runs`, tokViewer)).json();
  assert.equal(runs.runs.length, 1);
  assert.equal(runs.runs[0].open_ports, 1);
  // second run: port 80 new, the finding gone
  await editor.get(page);
  assert.equal((await editor.post(`${page}/planer/${fullSchedule}/kjor`, {})).status, 303);
  const j2 = (await (await sensorApi('/api/v1/sensor/jobs')).json()).jobs[0];
  assert.notEqual(j2.id, j.id);
  const r2 = report([port(22), svc(22, 'ssh', 'openssh', '9.2p1'), port(80), svc(80, 'http', 'nginx', '1.22.1')]);
  assert.equal((await postPart(j2.id, 0, 1, r2)).status, 200);
  const runs2 = await (await api(`/api/v1/orgs/${org}/scan/runs`, tokViewer)).json();
  const run2 = runs2.runs[0].id;
  const detail = await (await api(`/api/v1/orgs/${org}/scan/runs/${run2}`, tokViewer)).json();
  assert.equal(detail.previous_run, runs.runs[0].id);
  const kinds = detail.changes.map((c) => `${c.kind} ${c.port}`).sort();
  assert.deepEqual(kinds, ['finding-gone 22', 'port-new 80']);
  const obs = await (await api(`/api/v1/orgs/${org}/scan/observations?status=not_seen`, tokViewer)).json();
  assert.deepEqual(obs.observations.map((o) => `${o.kind} ${o.key}`), ['finding ssh-old'],
    'the finding is not closed: it is marked not seen, needing verification');
  const html = await viewer.get(`${page}/kjoringer/${run2}`);
  assert.equal(html.status, 200);
  assert.match(html.text, /ny åpen port<\/td><td>10\.99\.1\.5<\/td><td>80</);
  assert.match(html.text, /funn ikke sett/);
  assert.doesNotMatch(html.text, /<script|<style|\sstyle=/i);
  const main = await viewer.get(page);
  assert.match(main.text, /id="ikke-sett".*10\.99\.1\.5<\/td><td>22<\/td><td>funn<\/td><td>ssh-old</s);
  assert.match(main.text, /<td>rådhuset<\/td><td>aktiv<\/td>/);
  assert.equal((await viewer.get(`/org/${srv.fx.orgs.t_none}/skanning/kjoringer/${run2}`)).status, 404,
    'a run is found only under its own organisation');
});

test('a sensor cannot touch jobs that are not its own; a revoked sensor is locked out', async () => {
  const other = srv.fx.orgs.t_summary;
  assert.equal((await postPart(999999, 0, 1, report([]))).status, 404);
  assert.equal((await sensorApi('/api/v1/sensor/jobs/999999/start', '{}')).status, 404);
  assert.equal((await sensorApi('/api/v1/sensor/jobs/1/results', 'ikke json')).status, 400);
  await admin.get(`/org/${other}/skanning`);
  const s = await (await api(`/api/v1/orgs/${org}/scan/sensors`, tokViewer)).json();
  await admin.get(page);
  assert.equal((await admin.post(`${page}/sensorer/${s.sensors[0].id}/tilbakekall`, {})).status, 303);
  assert.equal((await sensorApi('/api/v1/sensor/jobs')).status, 401);
});
