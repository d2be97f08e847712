// assess.test.mjs — HTTP tests of the assessment pages against the real
// binary: the item form (multipart with evidence), history, completion and
// snapshots, measures from a gap and their re-assessment prompt, campaigns,
// the dashboard sections, the regional view within sharing levels (totals
// only over at least 5), the printable report and `varde report`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import net from 'node:net';
import { startServer, login, BIN } from './lib.mjs';

let srv, own, viewer, parent, sibling, fw, full;
before(async () => {
  srv = await startServer();
  fw = srv.fx.fw.nsm;
  full = srv.fx.orgs.t_full;
  own = await login(srv, 'own_editor');
  viewer = await login(srv, 'own_viewer');
  parent = await login(srv, 'parent_editor');
  sibling = await login(srv, 'sibling_admin');
});
after(async () => { await srv.stop(); });

// POSTs a multipart form (as a browser does for the item form).
async function postMultipart(c, path, fields, file) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  if (!('csrf' in fields)) fd.append('csrf', c.csrf);
  if (file) fd.append('bevis', new Blob([file.data], { type: file.type }), file.name);
  const res = await fetch(c.base + path, { method: 'POST', headers: { cookie: c.cookieHeader() }, body: fd,
    redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
}

const item = (fields) => ({ ref: '2.3', level: '2', target: '', responsible: 'IT-sjef Kari', date: '2026-11-20',
  comment: 'Standardoppsett finnes for klienter, <ikke> servere.', ...fields });

test('the assessment page: items, levels with meanings, Varde scale note, the rule', async () => {
  const r = await own.get(`/org/${full}/vurdering/${fw}`);
  assert.equal(r.status, 200);
  assert.match(r.text, /<h1>NSMs grunnprinsipper for IKT-sikkerhet<\/h1>/);
  assert.match(r.text, /NSM publiserer ingen modenhetsmodell/);
  assert.match(r.text, /Slik regnes det ut/);
  assert.match(r.text, /Vektet snitt av underpunktene/);
  assert.match(r.text, /<strong>3 Definert<\/strong> – <span class="hint">Beskrevet, forankret i ledelsen/);
  assert.equal((r.text.match(/<details class="item/g) || []).length, 21);
  assert.equal((r.text.match(/enctype="multipart\/form-data"/g) || []).length, 21);
  assert.match(r.text, /Fullfør vurdering/);
  assert.match(r.text, /<nav class="card toc" aria-label="Kategorier"><ul><li><a href="#k-1">1 Identifisere og kartlegge<\/a>/);
  assert.doesNotMatch(r.text, /style=|<script/);
  const list = await own.get(`/org/${full}/vurdering`);
  assert.equal(list.status, 200);
  assert.match(list.text, new RegExp(`href="/org/${full}/vurdering/${fw}"`));
});

test('a viewer reads the assessment but gets no forms, and may not save', async () => {
  const r = await viewer.get(`/org/${full}/vurdering/${fw}`);
  assert.equal(r.status, 200);
  assert.doesNotMatch(r.text, /Lagre punkt|Fullfør vurdering/);
  const p = await postMultipart(viewer, `/org/${full}/vurdering/${fw}/punkt`, item({}));
  assert.equal(p.status, 403);
});

test('save one item with a file: level, history, evidence with hash, download', async () => {
  const data = Buffer.from('%PDF-1.4\nBevis for konfigurasjon\n\x00\x01\x02');
  const r = await postMultipart(own, `/org/${full}/vurdering/${fw}/punkt`, item({}),
    { data, type: 'application/pdf', name: 'konfig "v2".pdf' });
  assert.equal(r.status, 303, r.text.slice(0, 400));
  assert.equal(r.location, `/org/${full}/vurdering/${fw}?ok=lagret&punkt=2.3#p-2.3`);
  const page = await own.get(`/org/${full}/vurdering/${fw}?ok=lagret&punkt=2.3`);
  assert.match(page.text, /Punktet er lagret/);
  assert.match(page.text, /<details class="item depth2" id="p-2\.3" open>/);
  assert.match(page.text, /id="l-2\.3-2" name="level" value="2" checked/);
  assert.match(page.text, /value="IT-sjef Kari"/);
  assert.match(page.text, /Standardoppsett finnes for klienter, &lt;ikke&gt; servere\./);
  const sha = createHash('sha256').update(data).digest('hex');
  assert.match(page.text, new RegExp(`SHA-256 ${sha.slice(0, 12)}`));
  const id = page.text.match(new RegExp(`href="/org/${full}/bevis/(\\d+)">konfig &quot;v2&quot;\\.pdf<`))[1];
  const dl = await fetch(`${srv.base}/org/${full}/bevis/${id}`, { headers: { cookie: own.cookieHeader() } });
  assert.equal(dl.status, 200);
  assert.equal(dl.headers.get('content-type'), 'application/pdf');
  assert.match(dl.headers.get('content-disposition'), /^attachment; filename="bevis-\d+"; filename\*=UTF-8''konfig%20%22v2%22\.pdf$/);
  assert.match(dl.headers.get('content-security-policy'), /sandbox/);
  assert.deepEqual(Buffer.from(await dl.arrayBuffer()), data);
  // another organisation's path, a sibling, an unrelated user: not found
  assert.equal((await own.get(`/org/${srv.fx.orgs.t_summary}/bevis/${id}`)).status, 404);
  assert.equal((await sibling.get(`/org/${full}/bevis/${id}`)).status, 404);
  const hist = await own.get(`/org/${full}/vurdering/${fw}/historikk?punkt=2.3`);
  assert.equal(hist.status, 200);
  assert.match(hist.text, /Historikk for punkt 2\.3/);
  assert.match(hist.text, /<td>own_editor<\/td><td>2\.3<\/td>/);
});

test('a link as evidence, and bad input: level, link scheme, oversize file', async () => {
  const ok = await postMultipart(own, `/org/${full}/vurdering/${fw}/punkt`,
    item({ ref: '1.1', level: 'na', lenke: 'https://intranett.example/plan', lenketekst: 'Styringsplan' }));
  assert.equal(ok.status, 303);
  const page = await own.get(`/org/${full}/vurdering/${fw}`);
  assert.match(page.text, /<a href="https:\/\/intranett\.example\/plan" rel="noopener noreferrer">Styringsplan<\/a>/);
  assert.match(page.text, /id="l-1\.1-na" name="level" value="na" checked/);
  // delete the link: a viewer may not, the editor may; then it is gone
  const del = page.text.match(new RegExp(`action="(/org/${full}/bevis/\\d+/slett)"><input type="hidden" name="csrf" value="[^"]+"><button type="submit" class="small" aria-label="Slett Styringsplan">`))[1];
  assert.equal((await viewer.post(del, {})).status, 403);
  const gone = await own.post(del, {});
  assert.equal(gone.status, 303);
  assert.equal(gone.location, `/org/${full}/vurdering/${fw}?ok=bevis-slettet&punkt=1.1`);
  assert.doesNotMatch((await own.get(`/org/${full}/vurdering/${fw}`)).text, /Styringsplan/);
  assert.equal((await own.post(del, {})).status, 404);
  assert.equal((await postMultipart(own, `/org/${full}/vurdering/${fw}/punkt`, item({ level: '9' }))).status, 400);
  assert.equal((await postMultipart(own, `/org/${full}/vurdering/${fw}/punkt`, item({ ref: 'nei' }))).status, 400);
  const js = await postMultipart(own, `/org/${full}/vurdering/${fw}/punkt`, item({ lenke: 'javascript:alert(1)' }));
  assert.equal(js.status, 400);
  assert.match(js.text, /Lenken må begynne med https:\/\//);
  const big = await postMultipart(own, `/org/${full}/vurdering/${fw}/punkt`, item({}),
    { data: Buffer.alloc((10 << 20) + 10, 65), type: 'application/octet-stream', name: 'stor.bin' });
  assert.equal(big.status, 400);
  assert.match(big.text, /større enn 10 MB/);
  // over the upload bound: refused from the headers, before the body is read
  const huge = await new Promise((resolve, reject) => {
    const s = net.connect(Number(new URL(srv.base).port), '127.0.0.1', () => s.write(
      `POST /org/${full}/vurdering/${fw}/punkt HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; ` +
      `boundary=b\r\nContent-Length: ${12 << 20}\r\nCookie: ${own.cookieHeader()}\r\n\r\n`));
    let out = '';
    s.on('data', (d) => { out += d; if (out.includes('\r\n\r\n')) s.destroy(); });
    s.on('close', () => resolve(out));
    s.on('error', reject);
  });
  assert.match(huge, /^HTTP\/1\.1 413/);
});

test('complete: a snapshot; the dashboard then draws the trend', async () => {
  const before = await own.get(`/org/${full}`);
  assert.match(before.text, /Utviklingen vises når vurderingen er fullført minst to ganger \(nå: 1\)/);
  await own.get(`/org/${full}/vurdering/${fw}`);
  const r = await own.post(`/org/${full}/vurdering/${fw}/fullfor`, {});
  assert.equal(r.status, 303);
  assert.equal(r.location, `/org/${full}/vurdering/${fw}?ok=fullfort`);
  const d = await own.get(`/org/${full}`);
  assert.match(d.text, /<svg [^>]*class="chart line"[^>]*role="img" aria-labelledby="modenhet-trend-t modenhet-trend-d">/);
  assert.match(d.text, /<title id="modenhet-trend-t">Samlet modenhet ved hver fullførte vurdering<\/title>/);
  assert.match(d.text, /<svg [^>]*class="chart bars"/);
  assert.match(d.text, /<title id="modenhet-kategori-t">Modenhet per kategori<\/title>/);
  assert.match(d.text, /<desc id="modenhet-kategori-d">1 Identifisere og kartlegge: [0-9],[0-9] av 5, mål 3,0/);
  assert.match(d.text, /Største gap mot målet/);
  assert.match(d.text, /NSM publiserer ingen modenhetsmodell/);
  assert.match(d.text, new RegExp(`href="/org/${full}/rapport\\?rammeverk=${fw}"`));
});

test('measures: from a gap (prefilled), overdue list, complete -> re-assess prompt', async () => {
  const d = await own.get(`/org/${full}`);
  const gap = d.text.match(/name="punkt" value="([0-9.]+)"><button type="submit" aria-label="Lag tiltak for/)[1];
  const made = await own.post(`/org/${full}/tiltak/fra-gap`, { rammeverk: String(fw), punkt: gap });
  assert.equal(made.status, 303);
  const id = made.location.match(/\/tiltak\/(\d+)\?ok=opprettet$/)[1];
  const page = await own.get(made.location);
  assert.equal(page.status, 200);
  assert.match(page.text, /Tiltaket er opprettet/);
  assert.match(page.text, new RegExp(`value="${fw}:${gap.replace('.', '\\.')}" checked`));
  // the dashboard's gap row now points at the measure
  assert.match((await own.get(`/org/${full}`)).text, new RegExp(`href="/org/${full}/tiltak/${id}">Se tiltaket`));
  // give it a deadline in the past: overdue
  const save = await own.post(`/org/${full}/tiltak/${id}`, { tittel: 'Rull ut sikker konfigurasjon', beskrivelse: '',
    ansvarlig: 'IT-sjef Kari', frist: '2025-01-31', engangskostnad: '150000', arlig: '20000', finansiering: 'shared',
    status: 'active', punkt: `${fw}:${gap}` });
  assert.equal(save.status, 303);
  const over = await own.get(`/org/${full}/tiltak?vis=forfalte`);
  assert.match(over.text, /Rull ut sikker konfigurasjon<\/a><\/th><td>IT-sjef Kari<\/td><td>31\.01\.2025 <span class="badge late">over fristen/);
  assert.match(over.text, /150\u00a0000\u00a0kr/);
  const dash = await own.get(`/org/${full}`);
  assert.match(dash.text, /<strong>1<\/strong> over fristen/);
  assert.match(dash.text, /frist 31\.01\.2025, \d+ dager over/);
  const bad = await own.post(`/org/${full}/tiltak/${id}`, { tittel: '', status: 'active', finansiering: 'self' });
  assert.equal(bad.status, 400);
  // complete: the page asks to re-assess the item, the item is flagged
  const done = await own.post(`/org/${full}/tiltak/${id}/status`, { status: 'done' });
  assert.equal(done.status, 303);
  const after2 = await own.get(`/org/${full}/tiltak/${id}`);
  assert.match(after2.text, /Tiltaket er fullført/);
  assert.match(after2.text, new RegExp(`href="/org/${full}/vurdering/${fw}\\?punkt=${gap.replace('.', '\\.')}#p-`));
  const a = await own.get(`/org/${full}/vurdering/${fw}`);
  assert.match(a.text, /vurder på nytt/);
  // new measure form, prefilled from a gap; viewers may not open it
  const nf = await own.get(`/org/${full}/tiltak/ny?rammeverk=${fw}&punkt=1.2`);
  assert.match(nf.text, /value="Lukk gapet på 1\.2 /);
  assert.equal((await viewer.get(`/org/${full}/tiltak/ny`)).status, 403);
  const csv = await own.get(`/org/${full}/tiltak/eksport.csv`);
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /^text\/csv/);
  assert.match(csv.text, /Rull ut sikker konfigurasjon/);
  const acsv = await own.get(`/org/${full}/vurdering/${fw}/eksport.csv`);
  assert.equal(acsv.status, 200);
  assert.match(acsv.text, /IT-sjef Kari/);
});

test('measures: created freely, filtered by status', async () => {
  await own.get(`/org/${full}/tiltak/ny`);
  const r = await own.post(`/org/${full}/tiltak`, { tittel: 'Øvelse i beredskapsplanen', beskrivelse: 'Skrivebordsøvelse',
    ansvarlig: 'Beredskapskoordinator', frist: '2099-05-01', engangskostnad: '', arlig: '30000', finansiering: 'base',
    status: 'planned' });
  assert.equal(r.status, 303);
  const id = r.location.match(/\/tiltak\/(\d+)\?ok=lagret$/)[1];
  const page = await own.get(r.location);
  assert.match(page.text, /Tiltaket er lagret/);
  assert.match(page.text, /<option value="base" selected>/);
  const planned = await own.get(`/org/${full}/tiltak?vis=alle&status=planned`);
  assert.match(planned.text, new RegExp(`href="/org/${full}/tiltak/${id}">Øvelse i beredskapsplanen`));
  const done = await own.get(`/org/${full}/tiltak?vis=alle&status=done`);
  assert.doesNotMatch(done.text, /Øvelse i beredskapsplanen/);
  assert.equal((await own.post(`/org/${full}/tiltak`, { tittel: 'x', engangskostnad: '-5', finansiering: 'self',
    status: 'planned' })).status, 400);
  assert.equal((await viewer.post(`/org/${full}/tiltak`, { tittel: 'x', finansiering: 'self', status: 'planned' })).status, 403);
});

test('regional view: scores only at summary+, total over exactly 5, hidden under 5', async () => {
  const region = srv.fx.orgs.region;
  const r = await parent.get(`/org/${region}/modenhet`);
  assert.equal(r.status, 200);
  assert.match(r.text, /Gjennomsnitt <strong>\d+ %<\/strong> for 5 organisasjoner/);
  const row = (name) => r.text.match(new RegExp(`>${name}</a></th><td>[^<]*</td><td>([^<]*)</td>`))[1];
  assert.match(row('Åpenstad kommune'), /^\d+ %$/);
  assert.match(row('Oversiktsvik kommune'), /^\d+ %$/);
  assert.equal(row('Summeby kommune'), 'deler ikke enkelttall');
  assert.equal(row('Ingendal kommune'), 'deler ikke enkelttall');
  const dist = await parent.get(`/org/${region}/modenhet/fordeling`);
  assert.equal(dist.status, 200);
  assert.match(dist.text, /<table class="dist">/);
  assert.doesNotMatch(dist.text, /for få svar/);
  assert.match(r.text, /Ingen innbyggergruppe har minst 5 medlemmer/);   // no populations in the fixture
  // the region's own page carries the summary section
  assert.match((await parent.get(`/org/${region}`)).text, /Medlemmenes modenhet/);
  // Åpenstad stops sharing: four count, so no totals, and a sentence says why
  const admin = await login(srv, 'own_admin');
  await admin.get(`/org/${full}/deling`);
  assert.equal((await admin.post(`/org/${full}/deling`, { level: 'none' })).status, 303);
  const hidden = await parent.get(`/org/${region}/modenhet`);
  assert.doesNotMatch(hidden.text, /Gjennomsnitt <strong>/);
  assert.match(hidden.text, /Samlet resultat vises ikke: bare 4 organisasjoner teller med/);
  assert.match((await parent.get(`/org/${region}/modenhet/fordeling`)).text, /for få svar/);
  assert.equal((await admin.post(`/org/${full}/deling`, { level: 'full' })).status, 303);
  // a municipality's dashboard: the comparison says why it is not shown
  assert.match((await own.get(`/org/${full}`)).text, /Sammenligningen vises ikke/);
  // unrelated and sibling users see nothing of it
  assert.equal((await sibling.get(`/org/${srv.fx.orgs.region2}/modenhet`)).status, 404);
});

test('campaigns: the sender publishes, the member sees a task, progress and results', async () => {
  const region = srv.fx.orgs.region;
  await parent.get(`/org/${region}/kampanjer`);
  const pub = await parent.post(`/org/${region}/kampanjer`, { tittel: 'Høstens egenvurdering',
    rammeverk: String(fw), frist: '2099-12-31', melding: 'Alle kommuner vurderer grunnprinsippene.' });
  assert.equal(pub.status, 303, pub.text.slice(0, 300));
  const cid = pub.location.match(/\/kampanjer\/(\d+)$/)[1];
  const task = await own.get(`/org/${full}`);
  assert.match(task.text, /Kampanjer med frist/);
  assert.match(task.text, /Høstens egenvurdering<\/a> – fra Region Øst/);
  assert.match((await own.get(`/org/${full}/vurdering`)).text, /Kampanjer med frist.*Høstens egenvurdering/s);
  await own.get(`/org/${full}/vurdering/${fw}`);
  assert.equal((await own.post(`/org/${full}/vurdering/${fw}/fullfor`, {})).status, 303);
  const view = await parent.get(`/org/${region}/kampanjer/${cid}`);
  assert.equal(view.status, 200);
  assert.match(view.text, /<strong>1 av 6<\/strong> har fullført/);
  assert.match(view.text, /Samlet resultat vises ikke: bare 1 organisasjon teller med/);
  assert.match(view.text, /Åpenstad kommune: \d+ %/);
  const list = await parent.get(`/org/${region}/kampanjer`);
  assert.match(list.text, /Høstens egenvurdering<\/a><\/th><td>NSMs grunnprinsipper/);
  // the member cannot open the sender's page; nobody else sees the campaign
  assert.equal((await own.get(`/org/${region}/kampanjer/${cid}`)).status, 404);
  assert.equal((await own.get(`/org/${full}/kampanjer/${cid}`)).status, 404);
  assert.equal((await parent.post(`/org/${region}/kampanjer/${cid}/avslutt`, {})).status, 303);
});

test('the printable report and `varde report` give the same figures', async () => {
  const r = await own.get(`/org/${full}/rapport`);
  assert.equal(r.status, 200);
  assert.match(r.text, /<article class="report">/);
  assert.match(r.text, /Informasjonssikkerhet: Åpenstad kommune/);
  const score = r.text.match(/<dt>Samlet modenhet<\/dt><dd>([^<]+)<\/dd>/)[1];
  const html = execFileSync(BIN, ['report', '--db', srv.db, '--org', String(full)]).toString();
  assert.match(html, /^<!doctype html>/);
  assert.match(html, /<style>/);
  assert.ok(html.includes(`<dt>Samlet modenhet</dt><dd>${score}</dd>`), score);
  const csv = execFileSync(BIN, ['report', '--db', srv.db, '--org', 'Åpenstad kommune', '--format', 'csv']).toString();
  assert.ok(csv.startsWith('\ufeffdel;punkt;verdi;detalj\r\n'));
  assert.ok(csv.includes(`modenhet;samlet;${score};NSMs grunnprinsipper for IKT-sikkerhet`), csv.slice(0, 300));
  // a title Excel would run as a formula is written as text
  await own.get(`/org/${full}/tiltak/ny`);
  assert.equal((await own.post(`/org/${full}/tiltak`, { tittel: '=HYPERLINK("http://x";"klikk")', frist: '2099-01-01',
    finansiering: 'self', status: 'planned' })).status, 303);
  const csv2 = execFileSync(BIN, ['report', '--db', srv.db, '--org', String(full), '--format', 'csv']).toString();
  assert.ok(csv2.includes(`tiltak;"'=HYPERLINK(""http://x"";""klikk"")";Planlagt;frist 2099-01-01`), csv2);
  const help = spawnSync(BIN, ['report', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout.toString(), /--format html\|csv/);
  const bad = spawnSync(BIN, ['report', '--db', srv.db, '--org', '999999']);
  assert.equal(bad.status, 2);
  assert.equal(spawnSync(BIN, ['report', '--db', srv.db, '--org', String(full), '--format', 'pdf']).status, 2);
});

test('cached dashboard sections never cross users or sessions', async () => {
  const e1 = await own.get(`/org/${full}`);                 // editor first: cached with its forms
  assert.match(e1.text, /aria-label="Lag tiltak for/);
  const v = await viewer.get(`/org/${full}`);
  assert.equal(v.status, 200);
  assert.doesNotMatch(v.text, /Lag tiltak/, 'a viewer gets no create buttons');
  assert.ok(!v.text.includes(own.csrf), 'no other session\'s CSRF token');
  const again = await login(srv, 'own_editor');             // a second session of the same user
  const e2 = await again.get(`/org/${full}`);
  assert.ok(e2.text.includes(again.csrf) && !e2.text.includes(own.csrf));
});
