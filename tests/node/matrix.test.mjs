// matrix.test.mjs — the generated authorisation matrix: every route of the
// binary's route table (`varde serve --routes`) x role (viewer, editor,
// admin, auditor) x relation to the target organisation (own; parent with each
// sharing level none/aggregate/summary/full; sibling; unrelated), plus
// anonymous access to every route. Expected answers come from the rules in
// the issue, written out here independently of src/policy.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startServer, Client, login, BIN } from './lib.mjs';

const ROLES = ['viewer', 'editor', 'admin', 'auditor'];
const SHARES = ['none', 'aggregate', 'summary', 'full'];
const routes = execFileSync(BIN, ['serve', '--routes']).toString().trim().split('\n').map((l) => {
  const [method, pattern, action, flags] = l.split('\t');
  return { method, pattern, action, flags: (flags || '').split(',').filter(Boolean) };
});

// What the issue asks: a parent sees a child only at the child's sharing
// level; siblings and unrelated organisations see nothing (404, never 403);
// a parent may not manage a child's users or sharing; roles act where held.
function decide(action, relation, role, share, childHasAdmin = true) {
  if (relation === 'sibling' || relation === 'unrelated') return 'hidden';
  const reads = ['org_view', 'read_aggregate', 'read_summary', 'read', 'read_published'];
  if (relation === 'own') {
    if (reads.includes(action)) return 'allow';
    if (action === 'write') return role === 'editor' || role === 'admin' ? 'allow' : 'deny';
    // the auditor (control committee) reads the audit log, and changes nothing
    if (action === 'audit_read') return role === 'admin' || role === 'auditor' ? 'allow' : 'deny';
    return role === 'admin' ? 'allow' : 'deny';
  }
  // parent: reads follow the child's sharing level; writes never reach down
  const level = SHARES.indexOf(share);
  switch (action) {
    case 'org_view': return 'allow';
    case 'read_aggregate': return level >= 1 ? 'allow' : 'hidden';
    case 'read_summary': return level >= 2 ? 'allow' : 'hidden';
    case 'read': case 'read_published': return level >= 3 ? 'allow' : 'hidden';
    case 'write': return share === 'full' ? 'deny' : 'hidden';
    // administration from above: an ancestor admin edits the record
    case 'org_edit': return role === 'admin' ? 'allow' : 'deny';
    case 'audit_read': return share !== 'full' ? 'hidden' : role === 'admin' ? 'allow' : 'deny';
    case 'members_manage': return !childHasAdmin && role === 'admin' ? 'allow' : 'deny';
    case 'sharing_set': return 'deny';
    case 'scope_confirm': return share === 'full' ? 'deny' : 'hidden';
    case 'risk_accept': return share === 'full' ? 'deny' : 'hidden';
    default: throw new Error(`no expectation written for action ${action}`);
  }
}

// Status a request gets when the prologue lets it through: GET pages 200;
// POSTs carry an invalid value so the handler answers 400 without changing
// anything (for /fjern the user id is not a member: 404 from the handler).
// Routes with {id} get an id that does not exist: the handler answers 404,
// or 400 when it checks the form before looking the object up (POSTs).
function allowedStatus(r) {
  if (r.pattern.includes('{id}')) return r.method === 'GET' ? [404] : [400, 404];
  if (r.method === 'GET') return [200];
  return [400];
}

const BAD_FORM = { level: 'ugyldig', role: 'ugyldig', username: 'x' };

let srv;
const clients = {};
before(async () => {
  srv = await startServer();
  for (const rel of ['own', 'parent', 'sibling', 'unrelated'])
    for (const role of ROLES) clients[`${rel}_${role}`] = await login(srv, `${rel}_${role}`);
});
after(async () => { await srv.stop(); });

function path(r, org) {
  return r.pattern.replace('{org}', String(org)).replace('{id}', '999999');
}

async function call(r, c, org) {
  if (r.flags.includes('api')) {
    // API POSTs carry an empty JSON object: a handler that is reached answers
    // 400 (nothing to do) or 404 (the {id} does not exist), never a change.
    const headers = { authorization: `Bearer ${c.token}` };
    const init = r.method === 'GET' ? { headers }
      : { method: r.method, headers: { ...headers, 'content-type': 'application/json' }, body: '{}' };
    const res = await fetch(srv.base + path(r, org), init);
    return res.status;
  }
  const res = r.method === 'GET' ? await c.get(path(r, org)) : await c.post(path(r, org), BAD_FORM);
  return res.status;
}

const orgRoutes = routes.filter((r) => r.pattern.includes('{org}'));

test('the route table has organisation routes and each names a policy action', () => {
  assert.ok(orgRoutes.length >= 10, `only ${orgRoutes.length} org routes`);
  for (const r of orgRoutes) assert.notEqual(r.action, '-', `${r.method} ${r.pattern}`);
});

test('API tokens for every matrix user', async () => {
  for (const [name, c] of Object.entries(clients)) {
    const made = await c.post('/profil/token', { name: 'matrise' });
    assert.equal(made.status, 201, name);
    c.token = made.text.match(/id="new-token">(varde_[A-Za-z0-9_-]+)</)[1];
    await c.get('/profil');
  }
});

test('generated matrix: route x role x relation x sharing level', async () => {
  const cases = [];
  for (const r of orgRoutes)
    for (const role of ROLES)
      for (const share of SHARES) {
        const target = srv.fx.orgs[`t_${share}`];
        for (const rel of ['own', 'parent', 'sibling', 'unrelated'])
          cases.push({ r, role, share, rel, target, want: decide(r.action, rel, role, share) });
      }
  // the adminless child: a parent admin may add its first members
  for (const r of orgRoutes.filter((x) => x.action === 'members_manage'))
    for (const role of ROLES)
      cases.push({ r, role, share: 'aggregate', rel: 'parent', target: srv.fx.orgs.bootstrap,
        want: decide(r.action, 'parent', role, 'aggregate', false) });
  const failures = [];
  const tally = { allow: 0, deny: 0, hidden: 0 };
  for (const k of cases) {
    const status = await call(k.r, clients[`${k.rel}_${k.role}`], k.target);
    const want = k.want === 'allow' ? allowedStatus(k.r) : k.want === 'deny' ? [403] : [404];
    tally[k.want]++;
    if (!want.includes(status))
      failures.push(`${k.r.method} ${k.r.pattern} as ${k.rel}_${k.role} on share=${k.share}: got ${status}, want ${want} (${k.want})`);
  }
  console.log(`# matrix: ${cases.length} cases`, JSON.stringify(tally));
  assert.ok(tally.allow > 0 && tally.deny > 0 && tally.hidden > 0);
  assert.deepEqual(failures, []);
});

test('a refused POST changes nothing (sharing level stays)', async () => {
  const c = clients.parent_admin;
  const target = srv.fx.orgs.t_full;
  const r = await c.post(`/org/${target}/deling`, { level: 'none' });
  assert.equal(r.status, 403);
  const api = await fetch(`${srv.base}/api/v1/orgs/${target}`, { headers: { authorization: `Bearer ${c.token}` } });
  assert.equal((await api.json()).sharing_level, 'full');
  const own = clients.own_admin;
  await own.get(`/org/${target}/deling`);
  assert.equal((await own.post(`/org/${target}/deling`, { level: 'summary' })).status, 303);
  const after2 = await fetch(`${srv.base}/api/v1/orgs/${target}`, { headers: { authorization: `Bearer ${own.token}` } });
  assert.equal((await after2.json()).sharing_level, 'summary');
  assert.equal((await own.post(`/org/${target}/deling`, { level: 'full' })).status, 303);
});

test('anonymous: every non-public route asks for log-in; public ones answer', async () => {
  const anon = new Client(srv.base);
  for (const r of routes) {
    const p = path(r, srv.fx.orgs.t_full).replace('{id}', '1');
    const res = r.method === 'GET' ? await anon.get(p) : await anon.post(p, BAD_FORM);
    if (r.flags.includes('public')) {
      assert.ok(res.status === 200 || res.status === 401, `${r.method} ${r.pattern}: ${res.status}`);
    } else if (r.flags.includes('api')) {
      assert.equal(res.status, 401, `${r.method} ${r.pattern}`);
    } else if (r.method === 'GET') {
      assert.equal(res.status, 303, `${r.method} ${r.pattern}`);
      assert.match(res.location, /^\/logg-inn(\?neste=%2F[^/]*)?$/, `${r.pattern}: ${res.location}`);
    } else {
      assert.ok([303, 403].includes(res.status), `${r.method} ${r.pattern}: ${res.status}`);
    }
  }
});

test('org switcher only accepts organisations the user can see', async () => {
  const c = clients.sibling_viewer;
  assert.equal((await c.post('/bytt-org', { org: String(srv.fx.orgs.t_full) })).status, 404);
  const ok = await c.post('/bytt-org', { org: String(srv.fx.orgs.region) });
  assert.equal(ok.status, 303);
  assert.equal(ok.location, `/org/${srv.fx.orgs.region}`);
  const home = await c.get('/');
  assert.equal(home.location, `/org/${srv.fx.orgs.region}`);
});

test('doc/openapi.yaml describes exactly the API routes of the binary', () => {
  const yaml = readFileSync(new URL('../../doc/openapi.yaml', import.meta.url), 'utf8');
  const documented = [...yaml.matchAll(/^  (\/[^:]*):\s*$/gm)].map((m) => '/api/v1' + m[1]).sort();
  const served = [...new Set(routes.filter((r) => r.flags.includes('api'))
    .map((r) => r.pattern.replace('{org}', '{org}')))].sort();
  assert.deepEqual(documented, served);
});

test('GET /api/v1/users lists only users of organisations you manage', async () => {
  const get = async (name) => (await (await fetch(`${srv.base}/api/v1/users`,
    { headers: { authorization: `Bearer ${clients[name].token}` } })).json()).users;
  assert.deepEqual(await get('own_viewer'), []);
  const own = await get('own_admin');
  const names = own.map((u) => u.username).sort();
  assert.deepEqual(names, ['own_admin', 'own_auditor', 'own_editor', 'own_viewer']);
  assert.equal(own.find((u) => u.username === 'own_auditor').memberships[0].role, 'auditor');
  for (const u of own) assert.equal(u.memberships.length, 4, 'one role in each of the four children');
  const sib = (await get('sibling_admin')).map((u) => u.username);
  assert.ok(sib.includes('sibling_viewer') && !sib.includes('own_viewer'));
  // the parent admin manages its own region (and the still adminless child,
  // which has no members yet) — never the members of the children with admins
  const par = await get('parent_admin');
  assert.deepEqual(par.map((u) => u.username).sort(),
    ['browser_admin', 'parent_admin', 'parent_auditor', 'parent_editor', 'parent_viewer']);
  for (const u of par) assert.deepEqual(u.memberships, [{ org_id: srv.fx.orgs.region, role: u.memberships[0].role }]);
});

test('no page carries inline script or style (the CSP would block it)', async () => {
  const c = clients.own_admin;
  const paths = ['/profil', '/profil/mfa', '/organisasjoner',
    ...orgRoutes.filter((r) => r.method === 'GET' && !r.flags.includes('api') && !r.pattern.endsWith('.csv') &&
      !r.pattern.includes('{id}'))
      .map((r) => path(r, srv.fx.orgs.t_full))];
  for (const p of paths) {
    const r = await c.get(p);
    // an {id} that does not exist gets the 404 page, which must be clean too
    assert.equal(r.status, p.includes('/999999') ? 404 : 200, p);
    assert.doesNotMatch(r.text, /<script|<style|\sstyle=|\son[a-z]+=/i, p);
    assert.match(r.text, /^<!doctype html>\n<html lang="nb">/, p);
  }
});
