// walk.test.mjs — one walk through the UI in a real browser (Debian
// chromium): an inventory imported through the import page (pasted for a
// dry run, then uploaded as a file),
// its impact view, the vulnerability finding matching brings for it, and the
// organisation's admin accepting that risk. Also the inventory pages on a
// phone-sized screen and in print. Screenshots go to the build directory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, totp, BIN, launchBrowser } from './lib.mjs';

const OUT = process.env.VARDE_BUILD || '.';
const SHARED = process.env.VARDE_SHARED || new URL('../../../shared', import.meta.url).pathname;
const NVD = join(SHARED, 'data/nvd/api2-page-38-cves.json');
const KEV = join(SHARED, 'data/kev/known_exploited_vulnerabilities.json');
const have = existsSync(NVD) && existsSync(KEV) && existsSync('/usr/bin/chromium');
let srv, browser, org;

before(async () => {
  if (!have) return;
  srv = await startServer();
  org = srv.fx.orgs.t_full;
  execFileSync(BIN, ['import', 'nvd', NVD, '--db', srv.db]);
  execFileSync(BIN, ['import', 'kev', KEV, '--db', srv.db]);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

const CSV = [
  'type;navn;kritikalitet;samfunnskritisk;produsent;produkt;versjon;cpe;adresser;internettvendt;avhenger_av',
  'tjeneste;Bibliotek;2;nei;;;;;;;system:Bibliotekssystem',
  'tjeneste;Skolebibliotek;3;nei;;;;;;;tjeneste:Bibliotek',
  'system;Bibliotekssystem;;;;;;;;;programvare:MySQL 8.0.33 | maskin:bib01',
  'programvare;MySQL 8.0.33;;;Oracle;MySQL;8.0.33;cpe:2.3:a:oracle:mysql:8.0.33:*:*:*:*:*:*:*;;;maskin:bib01',
  'maskin;bib01;;;;;;;203.0.113.10;ja;',
].join('\n') + '\n';

async function logIn(page) {
  await page.goto(srv.base + '/');
  await page.getByLabel('Brukernavn').fill('own_admin');
  await page.getByLabel('Passord').fill(srv.fx.password);
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await page.waitForURL(/\/logg-inn\/mfa$/);
  await page.getByLabel(/Kode fra autentiseringsappen/).fill(totp(srv.fx.users.own_admin.totp));
  await page.getByRole('button', { name: 'Bekreft' }).click();
  await page.waitForURL(/\/org\/\d+$/);
}

test('imported inventory -> impact -> finding -> accepted risk', { skip: !have }, async () => {
  const ctx = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await ctx.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await logIn(page);

  // inventory half: import with a dry run first
  await page.goto(`${srv.base}/org/${org}/inventar/import`);
  await page.getByLabel(/innhold/).fill(CSV);
  assert.ok(await page.getByLabel(/Prøvekjøring/).isChecked(), 'dry run is the default');
  await page.getByRole('button', { name: 'Les inn' }).click();
  await page.getByRole('heading', { name: 'Prøvekjøring – ingenting er lagret' }).waitFor();
  assert.match(await page.locator('pre.log').innerText(), /ville opprettet programvare «MySQL 8\.0\.33»/);
  // the real run uploads the same inventory as a file
  await page.getByLabel(/innhold/).fill('');
  await page.getByLabel(/^Fil/).setInputFiles({ name: 'inventar.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
  await page.getByLabel(/Prøvekjøring/).uncheck();
  await page.getByRole('button', { name: 'Les inn' }).click();
  await page.getByRole('heading', { name: 'Lest inn' }).waitFor();
  assert.match(await page.locator('#import-summary').innerText(), /5 rader: \d+ nye, 0 endrede, 0 uendrede, 0 feil/);
  await page.screenshot({ path: join(OUT, 'walk-import.png'), fullPage: true });

  await page.getByRole('link', { name: 'Konsekvens' }).click();
  await page.getByLabel('Hva faller ut?').selectOption({ label: 'Bibliotekssystem' });
  await page.getByRole('button', { name: 'Vis konsekvens' }).click();
  await page.getByRole('heading', { name: 'Hvis system «Bibliotekssystem» faller ut' }).waitFor();
  const table = await page.locator('table').innerText();
  assert.match(table, /Skolebibliotek\s+3\s+nei\s+Skolebibliotek → Bibliotek → Bibliotekssystem/);
  await page.screenshot({ path: join(OUT, 'walk-impact.png'), fullPage: true });

  // finding half: matching ran when the inventory changed
  await page.getByRole('link', { name: 'Funn', exact: true }).first().click();
  await page.getByRole('link', { name: 'CVE-2023-22068' }).click();
  await page.getByText('Hvorfor dette treffer').waitFor();
  assert.match(await page.locator('main').innerText(), /MySQL 8\.0\.33/);
  await page.locator('#ac-r').fill('Databasen nås bare fra bibliotekets nett; oppgraderes i januar');
  await page.locator('#ac-u').fill('2027-01-31');
  await page.getByRole('button', { name: 'Aksepter risikoen' }).click();
  await page.getByText(/Akseptert risiko – Databasen nås bare fra bibliotekets nett/).first().waitFor();
  await page.screenshot({ path: join(OUT, 'walk-accepted.png'), fullPage: true });
  assert.deepEqual(errors.filter((e) => /Content Security Policy/.test(e)), [], 'no CSP violations');
  await ctx.close();
});

test('inventory pages on a phone and in print', { skip: !have }, async () => {
  const ctx = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true });
  const page = await ctx.newPage();
  // the server refuses a second use of the same TOTP step, so log in through a fresh step
  await new Promise((r) => setTimeout(r, Math.max(0, 30500 - (Date.now() % 30000))));
  await logIn(page);
  await page.goto(`${srv.base}/org/${org}/inventar/systemer`);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 380, `no sideways scrolling on a phone (page is ${wide}px wide)`);
  await page.screenshot({ path: join(OUT, 'walk-phone.png'), fullPage: true });
  await page.getByRole('link', { name: 'Bibliotekssystem' }).click();
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('form').first().isVisible(), false, 'forms are not printed');
  assert.ok(await page.locator('dl.grid').isVisible(), 'the values are printed');
  await ctx.close();
});
