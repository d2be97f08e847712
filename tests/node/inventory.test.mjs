// inventory.test.mjs — the inventory's pages and API against the real
// binary: create and edit each kind, dependencies and the impact view,
// escaping, refusals for readers, scope confirmation by an admin only,
// import with a dry run, CSV export, and the JSON API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login } from './lib.mjs';

let srv, org, editor, viewer, admin;
before(async () => {
  srv = await startServer();
  org = srv.fx.orgs.t_full;
  editor = await login(srv, 'own_editor');
  viewer = await login(srv, 'own_viewer');
  admin = await login(srv, 'own_admin');
});
after(async () => { await srv.stop(); });

const base = () => `/org/${org}/inventar`;

// POSTs a form after loading the page that holds it (for the CSRF token).
async function create(c, seg, form) {
  await c.get(`${base()}/${seg}`);
  const r = await c.post(`${base()}/${seg}`, form);
  assert.equal(r.status, 303, `${seg}: ${r.status} ${r.text.slice(0, 400)}`);
  const m = r.location.match(new RegExp(`^${base()}/${seg}/(\\d+)\\?ok=lagret$`));
  assert.ok(m, r.location);
  return Number(m[1]);
}

const ids = {};

test('an editor builds an inventory through the forms', async () => {
  ids.svc = await create(editor, 'tjenester', { name: 'Hjemmetjeneste <b>&', description: 'Pleie', criticality: '5',
    critical_function: '1' });
  ids.sup = await create(editor, 'leverandorer', { name: 'Tietoevry Norway AS', orgnr: '', contact: 'support' });
  ids.sys = await create(editor, 'systemer', { name: 'Gerica', owner: 'Kommuneoverlege', supplier_id: String(ids.sup),
    hosting: 'onprem', data_country: 'no' });
  ids.prod = await create(editor, 'programvare', { name: '', vendor: 'Fortinet', product: 'FortiOS', version: '7.2.4',
    cpe: 'cpe:2.3:o:fortinet:fortios:7.2.4:*:*:*:*:*:*:*', eol_date: '2031-01-01' });
  ids.host = await create(editor, 'maskiner', { name: 'fw01', addresses: '192.0.2.1, 10.0.0.1', internet_facing: '1' });
  const page = await editor.get(`${base()}/programvare/${ids.prod}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /<h1>FortiOS 7\.2\.4<\/h1>/, 'name derived from product and version');
  const sys = await editor.get(`${base()}/systemer/${ids.sys}`);
  assert.match(sys.text, /value="NO"/, 'country upper-cased');
  assert.match(sys.text, /<option value="\d+" selected>Tietoevry Norway AS<\/option>/);
  const list = await editor.get(`${base()}/tjenester`);
  assert.match(list.text, /Hjemmetjeneste &lt;b&gt;&amp;/, 'names are escaped');
  assert.doesNotMatch(list.text, /Hjemmetjeneste <b>/);
});

test('dependencies and the impact view', async () => {
  const dep = async (seg, id, to) => {
    await editor.get(`${base()}/${seg}/${id}`);
    const r = await editor.post(`${base()}/${seg}/${id}/avhengighet`, { til: to });
    assert.equal(r.status, 303, `${seg} -> ${to}: ${r.text.slice(0, 300)}`);
  };
  await dep('tjenester', ids.svc, `system:${ids.sys}`);
  await dep('systemer', ids.sys, `product:${ids.prod}`);
  await dep('systemer', ids.sys, `host:${ids.host}`);
  await editor.get(`${base()}/tjenester/${ids.svc}`);
  const bad = await editor.post(`${base()}/tjenester/${ids.svc}/avhengighet`, { til: `host:${ids.host}` });
  assert.equal(bad.status, 400, 'a service cannot depend on a host directly');
  const imp = await editor.get(`${base()}/konsekvens?type=supplier&id=${ids.sup}`);
  assert.equal(imp.status, 200);
  assert.match(imp.text, /<strong>1<\/strong> tjenester stopper, <strong>1<\/strong> av dem kritiske/);
  assert.match(imp.text, /Hjemmetjeneste &lt;b&gt;&amp; → Gerica → Tietoevry Norway AS/);
  assert.match(imp.text, /<span class="badge">kritisk<\/span>/);
  const host = await editor.get(`${base()}/konsekvens?valg=host:${ids.host}`);
  assert.match(host.text, /Hvis maskin «fw01» faller ut/);
  assert.equal((await editor.get(`${base()}/konsekvens?type=system&id=999999`)).status, 404);
  const prod = await editor.get(`${base()}/programvare/${ids.prod}`);
  assert.match(prod.text, /nås fra internett<\/dt><dd>ja<\/dd><dt>Tjenester som avhenger av den<\/dt><dd>1<\/dd>/);
  assert.match(prod.text, /<dd>5 \(samfunnskritisk\)<\/dd>/);
  const sysPage = await editor.get(`${base()}/systemer/${ids.sys}`);
  assert.match(sysPage.text, /1 tjenester stopper, 1 av dem kritiske/);
});

test('bad input is refused with the reason, and nothing is stored', async () => {
  await editor.get(`${base()}/programvare`);
  const r = await editor.post(`${base()}/programvare`, { name: 'Rar', cpe: 'cpe:2.3:a:x' });
  assert.equal(r.status, 400);
  assert.match(r.text, /Ugyldig CPE/);
  const dup = await editor.post(`${base()}/maskiner`, { name: 'fw01', addresses: '' });
  assert.equal(dup.status, 400);
  assert.match(dup.text, /finnes allerede en maskin med navnet «fw01»/);
  const ip = await editor.post(`${base()}/maskiner`, { name: 'web9', addresses: '10.0.0.300' });
  assert.equal(ip.status, 400);
  assert.match(ip.text, /Ugyldig IP-adresse/);
  const list = await editor.get(`${base()}/programvare`);
  assert.doesNotMatch(list.text, />Rar</);
});

test('a reader sees everything but cannot change it', async () => {
  for (const p of ['', '/tjenester', `/systemer/${ids.sys}`, '/konsekvens', '/omfang'])
    assert.equal((await viewer.get(base() + p)).status, 200, p);
  const page = await viewer.get(`${base()}/tjenester`);
  assert.doesNotMatch(page.text, /Legg til tjeneste/);
  assert.equal((await viewer.post(`${base()}/tjenester`, { name: 'X', criticality: '2' })).status, 403);
  assert.equal((await viewer.post(`${base()}/systemer/${ids.sys}/fjern`, {})).status, 403);
  assert.equal((await viewer.get(`${base()}/import`)).status, 403);
});

test('scan scope: editors propose, only an admin of the organisation confirms', async () => {
  await editor.get(`${base()}/omfang`);
  const add = await editor.post(`${base()}/omfang`, { kind: 'cidr', value: '192.0.2.9/24', note: 'DMZ' });
  assert.equal(add.status, 303);
  let page = await editor.get(`${base()}/omfang`);
  assert.match(page.text, /<code>192\.0\.2\.0\/24<\/code>/, 'normalised to the network');
  assert.match(page.text, /Venter på bekreftelse/);
  const id = page.text.match(/omfang\/(\d+)\/fjern/)[1];
  assert.equal((await editor.post(`${base()}/omfang/${id}/bekreft`, { samtykke: 'ja' })).status, 403);
  await admin.get(`${base()}/omfang`);
  assert.equal((await admin.post(`${base()}/omfang/${id}/bekreft`, {})).status, 400, 'consent box required');
  const ok = await admin.post(`${base()}/omfang/${id}/bekreft`, { samtykke: 'ja' });
  assert.equal(ok.status, 303);
  page = await editor.get(`${base()}/omfang`);
  assert.match(page.text, /Bekreftet av own_admin/);
  assert.equal((await admin.post(`${base()}/omfang/${id}/bekreft`, { samtykke: 'ja' })).status, 409);
  const bad = await editor.post(`${base()}/omfang`, { kind: 'domain', value: 'ikke gyldig' });
  assert.equal(bad.status, 400);
});

const CSV = '\ufefftype;navn;kritikalitet;produsent;produkt;versjon;cpe;adresser;internettvendt;avhenger_av\r\n' +
  'tjeneste;Byggesak;4;;;;;;;system:Sak/arkiv\r\n' +
  'system;Sak/arkiv;;;;;;;;programvare:WebSak 7.0\r\n' +
  'programvare;WebSak 7.0;;Acos;WebSak;7.0;;;;\r\n' +
  'maskin;sak01;;;;;;999.1.1.1;nei;\r\n';

test('import: a dry run shows what would change and stores nothing; then the real run', async () => {
  await editor.get(`${base()}/import`);
  const dry = await editor.post(`${base()}/import`, { innhold: CSV, prov: '1' });
  assert.equal(dry.status, 200);
  assert.match(dry.text, /Prøvekjøring – ingenting er lagret/);
  assert.match(dry.text, /ville opprettet tjeneste «Byggesak»/);
  assert.match(dry.text, /linje 5: feil: Ugyldig IP-adresse «999\.1\.1\.1»/);
  assert.match(dry.text, /4 rader: \d+ nye, 0 endrede, 0 uendrede, 1 feil\./);
  assert.doesNotMatch((await editor.get(`${base()}/tjenester`)).text, /Byggesak/);
  const real = await editor.post(`${base()}/import`, { innhold: CSV });
  assert.equal(real.status, 200);
  assert.match(real.text, /opprettet tjeneste «Byggesak»/);
  assert.match((await editor.get(`${base()}/tjenester`)).text, /Byggesak/);
  const again = await editor.post(`${base()}/import`, { innhold: CSV });
  assert.match(again.text, /4 rader: 0 nye, 0 endrede, 3 uendrede, 1 feil\./);
  const broken = await editor.post(`${base()}/import`, { innhold: 'ikke;en;inventarfil\n1;2;3\n' });
  assert.equal(broken.status, 400);
});

test('import: a file uploaded from the form (multipart), CSRF still required', async () => {
  await editor.get(`${base()}/import`);
  const upload = async (csrf) => {
    const fd = new FormData();
    if (csrf) fd.append('csrf', csrf);
    fd.append('fil', new Blob(['type;navn;kritikalitet\r\ntjeneste;Opplastet tjeneste;2\r\n'], { type: 'text/csv' }),
      'inventar.csv');
    fd.append('innhold', '');
    const res = await fetch(`${srv.base}${base()}/import`, { method: 'POST', body: fd, redirect: 'manual',
      headers: { cookie: editor.cookieHeader(), origin: srv.base } });
    return { status: res.status, text: await res.text() };
  };
  assert.equal((await upload(null)).status, 403, 'no CSRF field');
  const r = await upload(editor.csrf);
  assert.equal(r.status, 200);
  assert.match(r.text, /opprettet tjeneste «Opplastet tjeneste»/);
  const bad = await fetch(`${srv.base}${base()}/import`, { method: 'POST', body: '--x\r\nbroken',
    headers: { cookie: editor.cookieHeader(), origin: srv.base, 'content-type': 'multipart/form-data; boundary=x' } });
  assert.equal(bad.status, 400);
});

test('CSV export: Norwegian Excel dialect, everything the reader can see', async () => {
  const r = await viewer.get(`${base()}.csv`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  assert.match(r.headers.get('content-disposition'), /inventar-\d+\.csv/);
  assert.ok(r.text.startsWith('type;navn;'), '; separator');
  const raw = new Uint8Array(await (await fetch(`${srv.base}${base()}.csv`,
    { headers: { cookie: viewer.cookieHeader() } })).arrayBuffer());
  assert.deepEqual([...raw.slice(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte-order mark for Excel');
  assert.match(r.text, /\r\n/);
  assert.match(r.text, /programvare;FortiOS 7\.2\.4;/);
  assert.match(r.text, /system;Gerica;.*programvare:FortiOS 7\.2\.4/);
  assert.match(r.text, /omfang;192\.0\.2\.0\/24;DMZ/);
});

test('JSON API: inventory, impact and import with the same policy', async () => {
  await editor.get('/profil');
  const made = await editor.post('/profil/token', { name: 'inventar' });
  const tok = made.text.match(/id="new-token">(varde_[A-Za-z0-9_-]+)</)[1];
  const auth = { authorization: `Bearer ${tok}` };
  const inv = await (await fetch(`${srv.base}/api/v1/orgs/${org}/inventory`, { headers: auth })).json();
  const fw = inv.products.find((p) => p.name === 'FortiOS 7.2.4');
  assert.equal(fw.cpe, 'cpe:2.3:o:fortinet:fortios:7.2.4:*:*:*:*:*:*:*');
  assert.equal(fw.eol, false);
  assert.ok(inv.hosts.find((h) => h.name === 'fw01').internet_facing);
  assert.ok(inv.dependencies.some((d) => d.from_kind === 'system' && d.to_kind === 'product' && d.to_id === fw.id));
  assert.equal(inv.scope[0].confirmed, true);
  const imp = await (await fetch(`${srv.base}/api/v1/orgs/${org}/inventory/impact/${ids.sup}?kind=supplier`,
    { headers: auth })).json();
  assert.equal(imp.services_stopped, 1);
  assert.equal(imp.services[0].critical_function, true);
  const sbom = JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5',
    metadata: { component: { name: 'Innbyggerportal' } },
    components: [{ name: 'log4j-core', version: '2.14.1', purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1' }] });
  const dry = await fetch(`${srv.base}/api/v1/orgs/${org}/inventory/import?dry_run=1`,
    { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: sbom });
  assert.equal(dry.status, 200);
  const d = await dry.json();
  assert.equal(d.dry_run, true);
  assert.equal(d.created, 3);  // product, system, edge
  const after1 = await (await fetch(`${srv.base}/api/v1/orgs/${org}/inventory`, { headers: auth })).json();
  assert.ok(!after1.products.some((p) => p.name.startsWith('log4j')));
  const real = await fetch(`${srv.base}/api/v1/orgs/${org}/inventory/import`,
    { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: sbom });
  assert.equal((await real.json()).created, 3);
  const bad = await fetch(`${srv.base}/api/v1/orgs/${org}/inventory/import`,
    { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"bomFormat":"SPDX"}' });
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).error, /not CycloneDX/);
});

test('editing an object, removing an edge and a scope entry', async () => {
  await editor.get(`${base()}/tjenester/${ids.svc}`);
  const ed = await editor.post(`${base()}/tjenester/${ids.svc}`, { name: 'Hjemmetjeneste', description: 'Pleie og omsorg',
    criticality: '4' });
  assert.equal(ed.status, 303);
  assert.equal(ed.location, `${base()}/tjenester/${ids.svc}?ok=lagret`);
  const page = await editor.get(ed.location);
  assert.match(page.text, /<h1>Hjemmetjeneste<\/h1>/);
  assert.match(page.text, /Lagret\./);
  assert.match(page.text, /<dt>Samfunnskritisk funksjon<\/dt><dd>nei<\/dd>/, 'an unticked box clears the flag');
  const bad = await editor.post(`${base()}/tjenester/${ids.svc}`, { name: '', criticality: '4' });
  assert.equal(bad.status, 400);
  assert.match(bad.text, /Navnet mangler/);
  const edge = page.text.match(/inventar\/avhengighet\/(\d+)\/fjern/)[1];
  const rm = await editor.post(`${base()}/avhengighet/${edge}/fjern`, {});
  assert.equal(rm.status, 303);
  assert.equal(rm.location, `${base()}/tjenester/${ids.svc}?ok=fjernet`);
  const imp = await editor.get(`${base()}/konsekvens?type=system&id=${ids.sys}`);
  assert.match(imp.text, /<strong>0<\/strong> tjenester stopper/);
  assert.equal((await editor.post(`${base()}/avhengighet/${edge}/fjern`, {})).status, 404, 'already gone');
  const scope = await editor.get(`${base()}/omfang`);
  const sid = scope.text.match(/omfang\/(\d+)\/fjern/)[1];
  assert.equal((await editor.post(`${base()}/omfang/${sid}/fjern`, {})).status, 303);
  assert.doesNotMatch((await editor.get(`${base()}/omfang`)).text, /<code>192\.0\.2\.0\/24<\/code>/);
});

test('deleting an object removes it and its edges', async () => {
  await editor.get(`${base()}/maskiner/${ids.host}`);
  const r = await editor.post(`${base()}/maskiner/${ids.host}/fjern`, {});
  assert.equal(r.status, 303);
  assert.equal((await editor.get(`${base()}/maskiner/${ids.host}`)).status, 404);
  const sys = await editor.get(`${base()}/systemer/${ids.sys}`);
  assert.doesNotMatch(sys.text, />fw01</);
});

test('audit log records the inventory writes', async () => {
  const r = await admin.get(`/org/${org}/revisjon?hendelse=inventory.`);
  assert.equal(r.status, 200);
  for (const a of ['inventory.service.create', 'inventory.dependency.add', 'inventory.scope.confirm',
    'inventory.host.delete', 'inventory.file.import'])
    assert.match(r.text, new RegExp(a.replace(/\./g, '\\.')), a);
});
