// findings.test.mjs — the findings pages and API against the real binary:
// feeds and an SBOM imported with the command line, matched, then listed,
// explained, moved through the lifecycle (with CSRF; accepting risk only by
// the organisation's admin), exported, and summed up for a region only
// within the sharing rules.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, login, BIN } from './lib.mjs';

const SHARED = process.env.VARDE_SHARED || new URL('../../../shared', import.meta.url).pathname;
const NVD = join(SHARED, 'data/nvd/api2-page-38-cves.json');
const KEV = join(SHARED, 'data/kev/known_exploited_vulnerabilities.json');
const have = existsSync(NVD) && existsSync(KEV);

let srv, editor, admin, viewerParent, org;
const varde = (...a) => execFileSync(BIN, [...a, '--db', srv.db]).toString();

before(async () => {
  if (!have) return;
  srv = await startServer();
  org = srv.fx.orgs.t_full;
  const sbom = join(srv.dir, 'sbom.json');
  writeFileSync(sbom, JSON.stringify({
    bomFormat: 'CycloneDX', specVersion: '1.5', components: [
      { type: 'application', name: 'MySQL', version: '8.0.33', cpe: 'cpe:2.3:a:oracle:mysql:8.0.33:*:*:*:*:*:*:*' },
      { type: 'application', name: 'Dreamer CMS', version: '4.1.3',
        cpe: 'cpe:2.3:a:dreamer_cms_project:dreamer_cms:4.1.3:*:*:*:*:*:*:*' },
    ],
  }));
  varde('import', 'nvd', NVD);
  varde('import', 'kev', KEV);
  varde('import', 'inventory', sbom, '--org', `#${org}`);
  assert.match(varde('findings', 'match'), /8 nye funn/);
  editor = await login(srv, 'own_editor');
  admin = await login(srv, 'own_admin');
  viewerParent = await login(srv, 'parent_viewer');
});
after(async () => { if (srv) await srv.stop(); });

const findingId = async (c, cve) => {
  const r = await c.get(`/org/${org}/funn?q=${cve}`);
  return r.text.match(new RegExp(`/org/${org}/funn/(\\d+)">${cve}<`))[1];
};

test('list, filters and the evidence of why it matched', { skip: !have }, async () => {
  const r = await editor.get(`/org/${org}/funn`);
  assert.equal(r.status, 200);
  assert.match(r.text, /CVE-2023-22068/);
  assert.equal((r.text.match(/CVE-2023-459\d\d/g) || []).length, 7);
  const only = await editor.get(`/org/${org}/funn?q=22068`);
  assert.doesNotMatch(only.text, /CVE-2023-45901/);
  assert.equal((await editor.get(`/org/${org}/funn?klasse=bogus`)).status, 400);
  assert.equal((await editor.get(`/org/${org}/funn?treff=bogus`)).status, 400);
  const checked = await editor.get(`/org/${org}/funn?treff=versjon`);   // every match here is exact
  assert.equal((checked.text.match(/CVE-2023-459\d\d/g) || []).length, 7);
  assert.doesNotMatch((await editor.get(`/org/${org}/funn?treff=navn`)).text, /CVE-2023-459\d\d/);
  const id = await findingId(editor, 'CVE-2023-22068');
  const d = await editor.get(`/org/${org}/funn/${id}`);
  assert.match(d.text, /Hvorfor dette treffer/);
  assert.match(d.text, /cpe:2\.3:a:oracle:mysql:\*.*&lt;=8\.0\.34/);
  assert.doesNotMatch(d.text, /<script|\sstyle=/i);
  assert.doesNotMatch(d.text, /Aksepter risikoen/, 'an editor is not offered risk acceptance');
  assert.equal((await editor.get(`/org/${org}/funn/999999`)).status, 404);
});

test('lifecycle with CSRF; accepting risk is the admin\'s (director\'s) decision', { skip: !have }, async () => {
  const id = await findingId(editor, 'CVE-2023-45901');
  await editor.get(`/org/${org}/funn/${id}`);
  assert.equal((await editor.post(`/org/${org}/funn/${id}/status`, { status: 'in_progress', csrf: 'feil' })).status, 403);
  const ok = await editor.post(`/org/${org}/funn/${id}/status`, { status: 'in_progress' });
  assert.equal(ok.status, 303);
  assert.equal(ok.location, `/org/${org}/funn/${id}?ok=status`);
  assert.equal((await editor.post(`/org/${org}/funn/${id}/status`, { status: 'verified' })).status, 409);
  assert.equal((await editor.post(`/org/${org}/funn/${id}/status`,
    { status: 'accepted', begrunnelse: 'Tiltak i brannmur', til: '2099-01-01' })).status, 403);
  await admin.get(`/org/${org}/funn/${id}`);
  assert.equal((await admin.post(`/org/${org}/funn/${id}/status`,
    { status: 'accepted', begrunnelse: '', til: '2027-06-01' })).status, 400);
  const acc = await admin.post(`/org/${org}/funn/${id}/status`,
    { status: 'accepted', begrunnelse: 'Tiltak i brannmur til oppgradering', til: '2027-06-01' });
  assert.equal(acc.status, 303);
  const d = await admin.get(acc.location);
  assert.match(d.text, /Akseptert risiko – Tiltak i brannmur til oppgradering/);
  assert.match(d.text, /Under arbeid → Akseptert risiko/);
  assert.match(d.text, /Status er endret/);
});

test('JSON API: list, one finding with history, illegal change refused', { skip: !have }, async () => {
  const made = await editor.post('/profil/token', { name: 'funn' });
  const tok = made.text.match(/id="new-token">(varde_[A-Za-z0-9_-]+)</)[1];
  const h = { authorization: `Bearer ${tok}` };
  const list = await (await fetch(`${srv.base}/api/v1/orgs/${org}/findings?status=alle`, { headers: h })).json();
  assert.equal(list.findings.length, 8);
  const f = list.findings.find((x) => x.vulnerability === 'CVE-2023-22068');
  assert.equal(f.source, 'nvd');
  assert.ok(f.priority > 0 && ['critical', 'high', 'medium', 'low'].includes(f.class));
  const one = await (await fetch(`${srv.base}/api/v1/orgs/${org}/findings/${f.id}`, { headers: h })).json();
  assert.equal(one.history[0].to, 'open');
  const bad = await fetch(`${srv.base}/api/v1/orgs/${org}/findings/${f.id}/status`,
    { method: 'POST', headers: { ...h, 'content-type': 'application/json' }, body: '{"status":"verified"}' });
  assert.equal(bad.status, 409);
  const good = await fetch(`${srv.base}/api/v1/orgs/${org}/findings/${f.id}/status`,
    { method: 'POST', headers: { ...h, 'content-type': 'application/json' }, body: '{"status":"fixed"}' });
  assert.equal(good.status, 200);
  assert.equal((await good.json()).status, 'fixed');
});

test('CSV export in the Norwegian Excel dialect', { skip: !have }, async () => {
  const r = await editor.get(`/org/${org}/funn.csv?status=alle`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /text\/csv/);
  assert.ok(r.text.startsWith('id;sårbarhet;kilde'));  // fetch's text() drops the BOM
  assert.equal(r.text.trim().split('\r\n').length, 9);
});

test('dashboard section, and the region sees names only where shared', { skip: !have }, async () => {
  const home = await editor.get(`/org/${org}`);
  assert.match(home.text, /<h2>Sårbarheter<\/h2>/);
  assert.equal((await viewerParent.get(`/org/${org}/funn`)).status, 200);       // shares full
  assert.equal((await viewerParent.get(`/org/${srv.fx.orgs.t_summary}/funn`)).status, 404);
  const exp = await viewerParent.get(`/org/${srv.fx.orgs.region}/eksponering`);
  assert.equal(exp.status, 200);
  // five members share at least aggregates (t_aggregate, t_summary, t_full, and two at the default)
  assert.match(exp.text, /<strong>0 av 5<\/strong> kommuner/);
  assert.match(exp.text, /Ingen sårbarhet er funnet hos 5 eller flere/);
  const named = exp.text.split('<h2>Per organisasjon</h2>')[1].split('</section>')[0];
  assert.match(named, /Åpenstad kommune/);
  assert.match(named, /Oversiktsvik kommune/);
  assert.doesNotMatch(named, /Summeby kommune/);   // shares only aggregates
  // the same two tables as CSV, under the same rules
  const csv = await viewerParent.get(`/org/${srv.fx.orgs.region}/eksponering.csv`);
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /text\/csv/);
  const rows = csv.text.trim().split('\r\n');
  assert.equal(rows[0], 'organisasjon;aktive_funn;kev;kritiske;forfalte;bare_navnetreff_kev');
  assert.ok(rows.some((r) => r.startsWith('Åpenstad kommune;')) && rows.some((r) => r.startsWith('Oversiktsvik kommune;')));
  assert.ok(!rows.some((r) => r.startsWith('Summeby kommune;')), 'aggregate-only sharers are not named');
  const kev = await viewerParent.get(`/org/${srv.fx.orgs.region}/eksponering-kev.csv`);
  assert.equal(kev.text.trim(), 'sårbarhet;organisasjoner;av_organisasjoner_som_deler_tall', 'no cell under five');
  assert.equal((await viewerParent.get(`/org/${srv.fx.orgs.region2}/eksponering.csv`)).status, 404);
});
