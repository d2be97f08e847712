// assess_browser.test.mjs — the assessment in a real browser (Debian
// chromium via playwright-core): assess an item with a file, complete the
// assessment, create a measure from a gap, see the dashboard change; the
// report printed to PDF must fit one A4 page. Screenshots go to the build dir.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { startServer, launchBrowser } from './lib.mjs';

const OUT = process.env.VARDE_BUILD || '.';
let srv, browser;

before(async () => {
  srv = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

async function logIn(ctx, name) {
  const page = await ctx.newPage();
  await page.goto(srv.base + '/logg-inn');
  await page.getByLabel('Brukernavn').fill(name);
  await page.getByLabel('Passord').fill(srv.fx.password);
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await page.waitForURL(/\/org\/\d+$/);
  return page;
}

const headline = async (page) => (await page.locator('#modenhet .num').innerText()).trim();

test('assess, complete, measure from a gap: the dashboard changes; report fits one A4 page', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await logIn(ctx, 'own_editor');
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  const org = srv.fx.orgs.t_summary, fw = srv.fx.fw.nsm;
  await page.goto(`${srv.base}/org/${org}`);
  const before = await headline(page);
  assert.match(before, /^\d,\d$/);
  // the biggest gap: assess it again, at level 5
  const ref = (await page.locator('#gap tbody tr th').first().innerText()).split(' ')[0];
  const sel = `details#p-${ref.replace('.', '\\.')}`;

  // assess the item at level 5 with a comment and a file
  await page.getByRole('link', { name: 'Egenvurdering', exact: true }).click();
  await page.getByRole('link', { name: 'NSMs grunnprinsipper for IKT-sikkerhet' }).click();
  await page.waitForURL(new RegExp(`/org/${org}/vurdering/${fw}$`));
  const item = page.locator(sel);
  await item.locator('summary').click();
  await item.getByLabel(/^5 Forbedrende/).check();
  await item.getByLabel('Ansvarlig').fill('Personvernombud Ola');
  await item.getByLabel('Kommentar').fill('Tilgangsbehov gjennomgås hvert kvartal.');
  await item.getByLabel(/Fil, høyst 10 MB/).setInputFiles({ name: 'tilgangsrutine.txt', mimeType: 'text/plain',
    buffer: Buffer.from('Rutine for tilgangsgjennomgang\n') });
  await item.getByRole('button', { name: `Lagre punkt ${ref}` }).click();
  await page.waitForURL(/ok=lagret/);
  assert.match(await page.locator('.notice').innerText(), /Punktet er lagret/);
  const saved = page.locator(sel);
  assert.equal(await saved.getAttribute('open'), '');
  assert.match(await saved.locator('summary').innerText(), /Nivå 5 Forbedrende/);
  assert.equal(await saved.getByRole('link', { name: 'tilgangsrutine.txt' }).count(), 1);
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
    .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')).map((el) => el.outerHTML));
  assert.deepEqual(unlabelled, [], 'every control of the assessment form has a label');
  await page.screenshot({ path: join(OUT, 'assess-item.png'), fullPage: false });

  await page.getByRole('button', { name: 'Fullfør vurdering' }).click();
  await page.waitForURL(/ok=fullfort/);

  // the dashboard: a higher score, a trend with two points
  await page.getByRole('link', { name: 'Oversikt' }).click();
  await page.waitForURL(new RegExp(`/org/${org}$`));
  const after1 = await headline(page);
  assert.ok(Number(after1.replace(',', '.')) > Number(before.replace(',', '.')), `${before} -> ${after1}`);
  assert.equal(await page.locator('#utvikling svg.chart.line circle').count(), 2 + 1);

  // a measure from the biggest gap
  const gapRow = page.locator('#gap tbody tr').first();
  const gapRef = (await gapRow.locator('th').innerText()).split(' ')[0];
  await gapRow.getByRole('button', { name: `Lag tiltak for ${gapRef}` }).click();
  await page.waitForURL(/\/tiltak\/\d+\?ok=opprettet$/);
  await page.getByLabel('Ansvarlig').fill('IT-sjef Kari');
  await page.getByLabel('Frist').fill('2027-03-31');
  await page.getByLabel('Engangskostnad').fill('80000');
  await page.getByRole('button', { name: 'Lagre tiltaket' }).click();
  await page.waitForURL(/ok=lagret$/);
  await page.getByRole('link', { name: 'Oversikt' }).click();
  await page.waitForURL(new RegExp(`/org/${org}$`));
  assert.match(await page.locator('#tiltak').innerText(), /1 åpne tiltak, 0 over fristen\. Anslått kostnad for de åpne: 80\s000\skr/);
  assert.equal(await page.locator('#gap').getByRole('link', { name: 'Se tiltaket' }).count(), 1);
  await page.screenshot({ path: join(OUT, 'assess-dashboard.png'), fullPage: true });

  // the printable report: one A4 page, without navigation
  await page.getByRole('link', { name: /Rapport på én side/ }).click();
  await page.waitForURL(/\/rapport\?rammeverk=\d+$/);
  await page.setViewportSize({ width: 794, height: 1123 });   // A4 at 96 dpi
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('header.top').isVisible(), false);
  await page.screenshot({ path: join(OUT, 'assess-report-print.png'), fullPage: true });
  const pdf = await page.pdf({ format: 'A4', printBackground: true });
  writeFileSync(join(OUT, 'assess-report.pdf'), pdf);
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
  assert.equal(pages, 1, `the report prints on ${pages} pages`);
  assert.deepEqual(errors.filter((e) => /Content Security Policy/.test(e)), [], 'no CSP violations');
  await ctx.close();
});

test('on a phone: dashboard and assessment without sideways scrolling; regional view', async () => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
  const page = await logIn(ctx, 'own_editor');
  for (const [path, shot] of [[`/org/${srv.fx.orgs.t_full}`, 'dashboard'],
    [`/org/${srv.fx.orgs.t_full}/vurdering/${srv.fx.fw.nsm}?punkt=2.1`, 'assessment'],
    [`/org/${srv.fx.orgs.t_full}/tiltak`, 'measures']]) {
    await page.goto(srv.base + path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    assert.equal(overflow, false, `no horizontal scrolling on ${path}`);
    await page.screenshot({ path: join(OUT, `assess-phone-${shot}.png`), fullPage: true });
  }
  await ctx.close();
  const desk = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const p2 = await logIn(desk, 'parent_viewer');
  await p2.goto(`${srv.base}/org/${srv.fx.orgs.region}/modenhet`);
  assert.match(await p2.locator('h1').innerText(), /Medlemmenes modenhet/);
  await p2.screenshot({ path: join(OUT, 'assess-region.png'), fullPage: true });
  await desk.close();
});
