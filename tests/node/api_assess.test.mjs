// api_assess.test.mjs — the assessment JSON API against the real binary:
// answers, history, snapshots, evidence, campaigns, measures, CSV; and who
// may read what (a municipality never another's answers or evidence; a region
// exactly what each member's sharing level allows; totals hidden under 5).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, login, BIN } from './lib.mjs';

let srv, fw, O;
const tok = {};

before(async () => {
  srv = await startServer();
  O = srv.fx.orgs;
  for (const name of ['own_editor', 'own_viewer', 'own_admin', 'parent_viewer', 'parent_editor', 'sibling_admin',
    'unrelated_editor']) {
    const c = await login(srv, name);
    const made = await c.post('/profil/token', { name: 'api' });
    assert.equal(made.status, 201, name);
    tok[name] = made.text.match(/id="new-token">(varde_[A-Za-z0-9_-]+)</)[1];
    tok[name + '_client'] = c;
  }
});
after(async () => { await srv.stop(); });

async function api(who, method, path, body, type = 'application/json') {
  const headers = { authorization: `Bearer ${tok[who]}` };
  if (body !== undefined) headers['content-type'] = type;
  const res = await fetch(srv.base + '/api/v1' + path, {
    method, headers, body: body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
  const ct = res.headers.get('content-type') || '';
  const raw = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, raw, json: ct.startsWith('application/json') ? JSON.parse(raw) : null };
}
const get = (who, path) => api(who, 'GET', path);
const post = (who, path, body = {}) => api(who, 'POST', path, body);

test('frameworks are listed, with NSM among them', async () => {
  const r = await get('own_viewer', '/frameworks');
  assert.equal(r.status, 200);
  const nsm = r.json.frameworks.find((f) => f.urn === 'urn:varde:framework:nsm-grunnprinsipper');
  assert.ok(nsm && nsm.items === 21);
  fw = nsm.id;
});

test('save as you go: an answer, its history, completion and the snapshot series', async () => {
  const t = O.t_full;
  assert.equal((await post('own_editor', `/orgs/${t}/assessments/${fw}`, { ref_id: '2.1', level: 5, comment: 'Revidert' })).status, 200);
  assert.equal((await post('own_viewer', `/orgs/${t}/assessments/${fw}`, { ref_id: '2.1', level: 1 })).status, 403);
  assert.equal((await post('own_editor', `/orgs/${t}/assessments/${fw}`, { ref_id: '2.1', level: 9 })).status, 400);
  assert.equal((await post('own_editor', `/orgs/${t}/assessments/${fw}`, { ref_id: '2.1', level: -1 })).status, 400);
  assert.equal((await post('own_editor', `/orgs/${t}/assessments/${fw}`, { ref_id: '2.1', target: 1e6 })).status, 400);
  assert.equal((await post('own_editor', `/orgs/${t}/assessments/${fw}`, { ref_id: 'nei', level: 1 })).status, 400);
  assert.equal((await api('own_editor', 'POST', `/orgs/${t}/assessments/${fw}`, 'ikke json')).status, 400);
  const a = await get('own_viewer', `/orgs/${t}/assessments/${fw}`);
  assert.equal(a.status, 200);
  const item = a.json.items.find((i) => i.ref_id === '2.1');
  assert.equal(item.level, 5);
  assert.equal(item.comment, 'Revidert');
  const h = await get('own_viewer', `/orgs/${t}/assessments/${fw}/history?ref_id=2.1`);
  const mine = h.json.history.filter((x) => x.user === 'own_editor');
  assert.deepEqual(mine.map((x) => [x.field, x.new]).sort(), [['comment', 'Revidert'], ['level', '5']]);
  assert.ok(mine.find((x) => x.field === 'level').old !== '', 'the old value is kept');
  const before = (await get('own_viewer', `/orgs/${t}/assessments/${fw}/snapshots`)).json.snapshots.length;
  assert.equal((await post('own_editor', `/orgs/${t}/assessments/${fw}/complete`)).status, 201);
  const s = (await get('own_viewer', `/orgs/${t}/assessments/${fw}/snapshots`)).json.snapshots;
  assert.equal(s.length, before + 1);
  assert.ok(s.at(-1).score > s.at(-2).score, 'raising an item raised the total');
  assert.equal((await get('own_viewer', `/orgs/${t}/assessments/999999`)).status, 404);
});

test('evidence: a file with its SHA-256 and a link; only the owner reads them', async () => {
  const t = O.t_full;
  const fd = new FormData();
  fd.append('ref_id', '2.1');
  const bytes = Buffer.from('<html>policy</html>');
  fd.append('file', new Blob([bytes], { type: 'text/html' }), 'policy.html');
  const up = await fetch(`${srv.base}/api/v1/orgs/${t}/assessments/${fw}/evidence`,
    { method: 'POST', headers: { authorization: `Bearer ${tok.own_editor}` }, body: fd });
  assert.equal(up.status, 201);
  const id = (await up.json()).id;
  const link = await post('own_editor', `/orgs/${t}/assessments/${fw}/evidence`,
    { ref_id: '2.1', url: 'https://example.org/rutine', title: 'Rutine' });
  assert.equal(link.status, 201);
  assert.equal((await post('own_editor', `/orgs/${t}/assessments/${fw}/evidence`,
    { ref_id: '2.1', url: 'javascript:alert(1)' })).status, 400);
  const list = (await get('own_viewer', `/orgs/${t}/assessments/${fw}/evidence`)).json.evidence;
  const f = list.find((e) => e.id === id);
  assert.equal(f.sha256, createHash('sha256').update(bytes).digest('hex'));
  assert.equal(f.size, bytes.length);
  const dl = await get('own_viewer', `/orgs/${t}/evidence/${id}`);
  assert.equal(dl.status, 200);
  assert.equal(dl.headers.get('content-type'), 'application/octet-stream');
  assert.match(dl.headers.get('content-disposition'), /^attachment/);
  assert.deepEqual(dl.raw, bytes);
  // another municipality, or the right evidence under the wrong organisation: not found
  assert.equal((await get('sibling_admin', `/orgs/${t}/evidence/${id}`)).status, 404);
  assert.equal((await get('sibling_admin', `/orgs/${O.sibling}/evidence/${id}`)).status, 404);
  assert.equal((await get('own_viewer', `/orgs/${O.t_summary}/evidence/${id}`)).status, 404);
  assert.equal((await get('sibling_admin', `/orgs/${t}/assessments/${fw}/evidence`)).status, 404);
  assert.equal((await get('unrelated_editor', `/orgs/${t}/assessments/${fw}`)).status, 404);
  assert.equal((await post('sibling_admin', `/orgs/${t}/assessments/${fw}`, { ref_id: '2.1', level: 0 })).status, 404);
  // deletion: not by a viewer, not under another organisation; the history keeps the name
  assert.equal((await post('own_viewer', `/orgs/${t}/evidence/${id}/delete`)).status, 403);
  assert.equal((await post('sibling_admin', `/orgs/${O.sibling}/evidence/${id}/delete`)).status, 404);
  assert.equal((await post('own_editor', `/orgs/${t}/evidence/${id}/delete`)).status, 200);
  assert.equal((await get('own_viewer', `/orgs/${t}/evidence/${id}`)).status, 404);
  const h = (await get('own_viewer', `/orgs/${t}/assessments/${fw}/history?ref_id=2.1`)).json.history;
  assert.ok(h.some((x) => x.field === 'evidence' && x.old === 'policy.html' && x.new === ''));
});

test('the region sees exactly what each member shares', async () => {
  const want = { t_none: [404, 404], t_aggregate: [404, 404], t_summary: [200, 404], t_full: [200, 200] };
  for (const [name, [summary, detail]] of Object.entries(want)) {
    assert.equal((await get('parent_viewer', `/orgs/${O[name]}/assessments/${fw}/snapshots`)).status, summary, name);
    assert.equal((await get('parent_viewer', `/orgs/${O[name]}/assessments`)).status, summary, name);
    assert.equal((await get('parent_viewer', `/orgs/${O[name]}/assessments/${fw}`)).status, detail, name);
    assert.equal((await get('parent_viewer', `/orgs/${O[name]}/assessments/${fw}/history`)).status, detail, name);
  }
  // a parent never writes in a member, even one that shares everything
  assert.equal((await post('parent_editor', `/orgs/${O.t_full}/assessments/${fw}`, { ref_id: '1.1', level: 1 })).status, 403);
  const m = await get('parent_viewer', `/orgs/${O.region}/members/${fw}`);
  assert.equal(m.status, 200);
  const byId = Object.fromEntries(m.json.members.map((x) => [x.org_id, x]));
  assert.equal(byId[O.t_none].score, null);
  assert.equal(byId[O.t_aggregate].score, null);
  assert.equal(byId[O.t_aggregate].score_shown, false);
  assert.equal(typeof byId[O.t_summary].score, 'number');
  assert.equal(typeof byId[O.t_full].score, 'number');
  // aggregate+ members with a snapshot: aggregate, summary, full, sibling, bootstrap = 5
  assert.equal(m.json.aggregate.organisations, 5);
  assert.equal(m.json.aggregate.shown, true);
  assert.equal(typeof m.json.aggregate.mean, 'number');
  const d = m.json.distribution.find((x) => x.ref_id === '1.1');
  assert.equal(d.shown, true);
  assert.equal(d.levels.length, 6);   // Varde's maturity scale 0–5
  assert.equal(d.levels.reduce((s, x) => s + x, 0) + d.not_applicable, d.organisations);
});

test('totals over fewer than five organisations are hidden', async () => {
  const admin = tok.own_admin_client;
  await admin.get(`/org/${O.t_aggregate}/deling`);
  assert.equal((await admin.post(`/org/${O.t_aggregate}/deling`, { level: 'none' })).status, 303);
  const m = await get('parent_viewer', `/orgs/${O.region}/members/${fw}`);
  assert.equal(m.json.aggregate.organisations, 4);
  assert.equal(m.json.aggregate.shown, false);
  assert.equal(m.json.aggregate.mean, undefined);
  assert.ok(m.json.distribution.every((x) => !x.shown && x.levels === undefined));
  assert.equal((await admin.post(`/org/${O.t_aggregate}/deling`, { level: 'aggregate' })).status, 303);
  // Region Vest has one member: never a total, not even for its own analyst's view
  const v = await get('unrelated_editor', `/orgs/${O.unrelated}/assessments`);
  assert.equal(v.status, 200);
});

test('a campaign: task for members, progress and late list for the sender', async () => {
  const r = O.region;
  const bad = await post('parent_editor', `/orgs/${r}/campaigns`, { framework: fw, title: 'X', deadline: '2026-13-01' });
  assert.equal(bad.status, 400);
  assert.equal((await post('own_editor', `/orgs/${O.t_full}/campaigns`, { framework: fw, title: 'X', deadline: '2030-01-01' })).status, 400,
    'a municipality has no members to ask');
  const made = await post('parent_editor', `/orgs/${r}/campaigns`,
    { framework: fw, title: 'Kartlegging', message: 'Fullfør innen fristen', deadline: '2020-01-31' });
  assert.equal(made.status, 201);
  const id = made.json.id;
  const tasks = (await get('own_viewer', `/orgs/${O.t_summary}/tasks`)).json.tasks;
  assert.ok(tasks.some((t) => t.campaign === id && t.late === true));
  assert.equal((await post('own_editor', `/orgs/${O.t_summary}/assessments/${fw}/complete`)).status, 201);
  assert.ok(!(await get('own_viewer', `/orgs/${O.t_summary}/tasks`)).json.tasks.some((t) => t.campaign === id));
  const c = await get('parent_viewer', `/orgs/${r}/campaigns/${id}`);
  assert.equal(c.status, 200);
  assert.equal(c.json.recipients, 6);
  assert.equal(c.json.done, 1);
  assert.equal(c.json.late, 5);
  assert.equal(c.json.progress.filter((p) => p.late).length, 5);
  assert.equal(c.json.results.length, 1);
  assert.equal(c.json.aggregate.shown, false, 'one answer is no total');
  assert.equal((await get('sibling_admin', `/orgs/${O.sibling}/campaigns/${id}`)).status, 404);
  assert.equal((await get('unrelated_editor', `/orgs/${r}/campaigns/${id}`)).status, 404);
  assert.ok((await get('own_viewer', `/orgs/${O.t_full}/tasks`)).json.tasks.some((t) => t.campaign === id));
  assert.equal((await post('parent_viewer', `/orgs/${r}/campaigns/${id}/close`)).status, 403);
  assert.equal((await post('own_editor', `/orgs/${O.t_full}/campaigns/${id}/close`)).status, 404, 'only the sender closes');
  assert.equal((await post('parent_editor', `/orgs/${r}/campaigns/${id}/close`)).status, 200);
  assert.ok(!(await get('own_viewer', `/orgs/${O.t_full}/tasks`)).json.tasks.some((t) => t.campaign === id));
  assert.equal((await get('parent_viewer', `/orgs/${r}/campaigns/${id}`)).json.closed, true);
});

test('measures: from a gap, overdue list, done asks for re-assessment, CSV round trip', async () => {
  const t = O.t_full;
  await post('own_editor', `/orgs/${t}/assessments/${fw}`, { ref_id: '1.2', level: 0, target: 4 });
  const gaps = (await get('own_viewer', `/orgs/${t}/assessments/${fw}/gaps`)).json.gaps;
  assert.ok(gaps.some((g) => g.ref_id === '1.2'));
  const g = await post('own_editor', `/orgs/${t}/measures`, { from_gap: { framework: fw, ref_id: '1.2' } });
  assert.equal(g.status, 201);
  const old = await post('own_editor', `/orgs/${t}/measures`, {
    title: 'Gammel frist', deadline: '2001-01-01', cost_once_nok: 120000, financing: 'shared',
    items: [{ framework: fw, ref_id: '1.2' }],
  });
  assert.equal(old.status, 201);
  assert.equal((await post('own_editor', `/orgs/${t}/measures`, { title: 'x', financing: 'gave' })).status, 400);
  assert.equal((await post('own_viewer', `/orgs/${t}/measures`, { title: 'x' })).status, 403);
  const overdue = (await get('own_viewer', `/orgs/${t}/measures?which=overdue`)).json.measures;
  assert.deepEqual(overdue.map((m) => m.id), [old.json.id]);
  assert.equal(overdue[0].cost_once_nok, 120000);
  assert.equal((await get('sibling_admin', `/orgs/${t}/measures/${old.json.id}`)).status, 404);
  assert.equal((await get('own_viewer', `/orgs/${O.t_summary}/measures/${old.json.id}`)).status, 404);
  const done = await post('own_editor', `/orgs/${t}/measures/${old.json.id}`, { status: 'done' });
  assert.equal(done.status, 200);
  assert.equal(done.json.status, 'done');
  const item = (await get('own_viewer', `/orgs/${t}/assessments/${fw}`)).json.items.find((i) => i.ref_id === '1.2');
  assert.equal(item.needs_review, true);
  const csv = await get('own_viewer', `/orgs/${t}/measures.csv`);
  assert.equal(csv.status, 200);
  assert.deepEqual([...csv.raw.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const imp = await api('own_editor', 'POST', `/orgs/${O.t_summary}/measures.csv`, csv.raw, 'text/csv');
  assert.equal(imp.status, 200);
  assert.equal(imp.json.changed, 2);
  const copy = (await get('own_viewer', `/orgs/${O.t_summary}/measures`)).json.measures;
  assert.equal(copy.length, 2);
  assert.ok(copy.some((m) => m.title === 'Gammel frist' && m.status === 'done' && m.financing === 'shared'));
  assert.equal((await post('own_editor', `/orgs/${t}/measures/${g.json.id}/delete`)).status, 200);
  assert.equal((await get('own_viewer', `/orgs/${t}/measures/${g.json.id}`)).status, 404);
});

test('answers CSV: export, import elsewhere gives the same file', async () => {
  const a = await get('own_viewer', `/orgs/${O.t_full}/assessments/${fw}/csv`);
  assert.equal(a.status, 200);
  assert.match(a.headers.get('content-type'), /^text\/csv/);
  const imp = await api('own_editor', 'POST', `/orgs/${O.t_aggregate}/assessments/${fw}/csv`, a.raw, 'text/csv');
  assert.equal(imp.status, 200);
  const b = await get('own_viewer', `/orgs/${O.t_aggregate}/assessments/${fw}/csv`);
  assert.deepEqual(b.raw, a.raw);
  const bad = await api('own_editor', 'POST', `/orgs/${O.t_aggregate}/assessments/${fw}/csv`, 'ref_id;nivå\r\n1.1;8\r\n', 'text/csv');
  assert.equal(bad.status, 400);
  assert.match(bad.json.error, /Rad 2/);
});

test('JSON: an assessment and the measures re-imported elsewhere read back the same', async () => {
  const strip = (items) => items.filter((i) => i.assessable).map((i) =>
    [i.ref_id, i.level, i.not_applicable, i.target, i.comment, i.responsible, i.assessed_on]);
  const a = await get('own_viewer', `/orgs/${O.t_full}/assessments/${fw}`);
  const imp = await post('own_editor', `/orgs/${O.t_none}/assessments/${fw}/import`, a.json);
  assert.equal(imp.status, 200);
  const b = await get('own_viewer', `/orgs/${O.t_none}/assessments/${fw}`);
  assert.deepEqual(strip(b.json.items), strip(a.json.items));
  assert.equal((await post('own_editor', `/orgs/${O.t_none}/assessments/${fw}/import`, a.json)).json.changed, 0);
  const bad = structuredClone(a.json);
  bad.items.find((i) => i.assessable).level = 42;
  const refused = await post('own_editor', `/orgs/${O.t_none}/assessments/${fw}/import`, bad);
  assert.equal(refused.status, 400);
  assert.match(refused.json.error, /Svar nr\. 1/);
  assert.deepEqual(strip((await get('own_viewer', `/orgs/${O.t_none}/assessments/${fw}`)).json.items), strip(a.json.items));
  assert.equal((await post('sibling_admin', `/orgs/${O.t_none}/assessments/${fw}/import`, a.json)).status, 404);
  const ms = await get('own_viewer', `/orgs/${O.t_full}/measures`);
  const mi = await post('own_editor', `/orgs/${O.t_none}/measures/import`, ms.json);
  assert.equal(mi.status, 200);
  const copy = (await get('own_viewer', `/orgs/${O.t_none}/measures`)).json.measures;
  const key = (m) => [m.title, m.deadline, m.financing, m.status, m.cost_once_nok, m.items.map((i) => i.ref_id)];
  assert.deepEqual(copy.map(key).sort(), ms.json.measures.map(key).sort());
  assert.ok(copy.every((m) => !ms.json.measures.some((o) => o.id === m.id)), 'new ids: another organisation\'s ids are not updated');
});

test('a snapshot in detail, at summary and above', async () => {
  const s = (await get('own_viewer', `/orgs/${O.t_summary}/assessments/${fw}/snapshots`)).json.snapshots.at(-1);
  const own = await get('own_viewer', `/orgs/${O.t_summary}/snapshots/${s.id}`);
  assert.equal(own.status, 200);
  assert.ok(own.json.nodes.some((n) => n.ref_id === '1.1' && typeof n.level === 'number'));
  assert.equal((await get('parent_viewer', `/orgs/${O.t_summary}/snapshots/${s.id}`)).status, 200);
  const agg = (await get('own_viewer', `/orgs/${O.t_aggregate}/assessments/${fw}/snapshots`)).json.snapshots.at(-1);
  assert.equal((await get('parent_viewer', `/orgs/${O.t_aggregate}/snapshots/${agg.id}`)).status, 404);
  assert.equal((await get('own_viewer', `/orgs/${O.t_full}/snapshots/${s.id}`)).status, 404, 'under the wrong organisation');
  assert.equal((await get('sibling_admin', `/orgs/${O.sibling}/snapshots/${s.id}`)).status, 404);
  const csv = await get('parent_viewer', `/orgs/${O.t_summary}/assessments/${fw}/snapshots.csv`);
  assert.equal(csv.status, 200);
  const lines = csv.raw.toString('utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.equal(lines[0], 'øyeblikksbilde;tidspunkt_utc;versjon;ref_id;nivå;ikke_relevant;poeng_prosent');
  const snaps = (await get('own_viewer', `/orgs/${O.t_summary}/assessments/${fw}/snapshots`)).json.snapshots;
  assert.equal(lines.filter((l) => l.split(';')[3] === 'totalt').length, snaps.length);
  const last = lines.filter((l) => l.startsWith(`${s.id};`) && l.split(';')[3] === 'totalt')[0];
  assert.equal(Number(last.split(';')[6]), Math.round(s.score * 1000) / 10);
  assert.equal((await get('parent_viewer', `/orgs/${O.t_aggregate}/assessments/${fw}/snapshots.csv`)).status, 404);
});

test('a new framework version: old answers stay, the mapping is offered, answers move on request', async () => {
  const src = readFileSync(new URL('../../frameworks/nsm-grunnprinsipper.yaml', import.meta.url), 'utf8');
  assert.match(src, /^version: 1$/m);
  const v2 = src.replace(/^version: 1$/m, 'version: 2').replace(/(ref_id: "1\.3"\n(?:.*\n)*?\s+name: )(.*)/, '$1"$2 (revidert)"');
  const file = join(srv.dir, 'nsm-v2.yaml');
  writeFileSync(file, v2);
  execFileSync(BIN, ['import', 'framework', file, '--db', srv.db]);
  const list = (await get('own_viewer', '/frameworks')).json.frameworks.filter((f) => f.urn.endsWith('nsm-grunnprinsipper'));
  assert.equal(list.length, 2);
  const neu = list.find((f) => f.version === 2);
  assert.equal(neu.latest, true);
  const map = await get('own_viewer', `/frameworks/${neu.id}/mapping`);
  assert.equal(map.status, 200);
  assert.deepEqual(map.json.items.filter((i) => i.kind !== 'kept'), [{ kind: 'changed', old_ref_id: '1.3', new_ref_id: '1.3' }]);
  const old = await get('own_viewer', `/orgs/${O.t_full}/assessments/${fw}`);
  assert.equal(old.status, 200, 'the old version is still readable');
  assert.equal((await post('own_viewer', `/orgs/${O.t_full}/assessments/${neu.id}/upgrade`, { from: fw })).status, 403);
  const up = await post('own_editor', `/orgs/${O.t_full}/assessments/${neu.id}/upgrade`, { from: fw });
  assert.equal(up.status, 200);
  assert.ok(up.json.copied >= 20);
  const moved = (await get('own_viewer', `/orgs/${O.t_full}/assessments/${neu.id}`)).json.items;
  const before = Object.fromEntries(old.json.items.map((i) => [i.ref_id, i]));
  for (const i of moved.filter((x) => x.assessable)) assert.equal(i.level, before[i.ref_id].level, i.ref_id);
  assert.equal(moved.find((i) => i.ref_id === '1.3').needs_review, true);
  assert.equal(moved.find((i) => i.ref_id === '1.1').needs_review, false);
  // the trend runs across versions
  const s = (await get('own_viewer', `/orgs/${O.t_full}/assessments/${neu.id}/snapshots`)).json.snapshots;
  assert.ok(s.length >= 2 && s.every((x) => x.version === 1));
});
