// browser_findings.test.mjs — in a real browser (Debian chromium driven by
// playwright-core): an admin pastes an SBOM into the inventory import page,
// the server matches it at once, the finding appears on the dashboard and in
// the list, its page explains why it matched, and the admin accepts its
// risk with a reason and an expiry. Screenshots go to the build directory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, totp, BIN, launchBrowser } from './lib.mjs';

const OUT = process.env.VARDE_BUILD || '.';
const SHARED = process.env.VARDE_SHARED || new URL('../../../shared', import.meta.url).pathname;
const NVD = join(SHARED, 'data/nvd/api2-page-38-cves.json');
const have = existsSync(NVD) && existsSync('/usr/bin/chromium');
let srv, browser;

before(async () => {
  if (!have) return;
  srv = await startServer();
  execFileSync(BIN, ['import', 'nvd', NVD, '--db', srv.db]);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('imported inventory -> finding -> accepted risk', { skip: !have }, async () => {
  const org = srv.fx.orgs.t_full;
  const page = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
  await page.goto(srv.base + '/');
  await page.getByLabel('Brukernavn').fill('own_admin');
  await page.getByLabel('Passord').fill(srv.fx.password);
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await page.waitForURL(/\/logg-inn\/mfa$/);
  await page.getByLabel(/Kode fra autentiseringsappen/).fill(totp(srv.fx.users.own_admin.totp));
  await page.getByRole('button', { name: 'Bekreft' }).click();
  await page.waitForURL(/\/org\/\d+$/);

  // the inventory half: paste an SBOM and store it (no dry run)
  await page.goto(`${srv.base}/org/${org}/inventar/import`);
  await page.locator('textarea[name="innhold"]').fill(JSON.stringify({
    bomFormat: 'CycloneDX', specVersion: '1.5',
    components: [{ type: 'application', name: 'MySQL for sakssystemet', version: '8.0.33',
      cpe: 'cpe:2.3:a:oracle:mysql:8.0.33:*:*:*:*:*:*:*' }],
  }));
  await page.locator('input[name="prov"]').uncheck();
  await page.getByRole('button', { name: 'Les inn' }).click();
  await page.waitForSelector('#import-summary');

  // the finding half: matched at once, shown on the dashboard
  await page.goto(`${srv.base}/org/${org}`);
  const section = page.locator('section', { has: page.getByRole('heading', { name: 'Sårbarheter' }) });
  assert.match(await section.innerText(), /1 aktive funn/);
  await section.getByRole('link', { name: 'Alle funn' }).click();
  await page.waitForURL(new RegExp(`/org/${org}/funn$`));
  await page.screenshot({ path: join(OUT, 'browser-findings.png'), fullPage: true });
  await page.getByRole('link', { name: 'CVE-2023-22068' }).click();
  await page.waitForURL(new RegExp(`/org/${org}/funn/\\d+$`));
  assert.match(await page.locator('h1').innerText(), /CVE-2023-22068 i MySQL for sakssystemet/);
  assert.match(await page.locator('section', { hasText: 'Hvorfor dette treffer' }).innerText(), /oracle:mysql/);

  await page.getByLabel('Begrunnelse').last().fill('Kun intern tilgang; oppgraderes i vedlikeholdsvinduet');
  await page.getByLabel('Gjelder til').fill('2027-03-31');
  await page.getByRole('button', { name: 'Aksepter risikoen' }).click();
  await page.waitForURL(/\?ok=status$/);
  assert.match(await page.locator('[role=status]').innerText(), /Status er endret/);
  const facts = await page.locator('section', { hasText: 'Vurdering' }).innerText();
  assert.match(facts, /Akseptert risiko – Kun intern tilgang/);
  assert.match(await page.locator('section', { hasText: 'Historikk' }).innerText(), /Åpen → Akseptert risiko/);
  await page.screenshot({ path: join(OUT, 'browser-finding-accepted.png'), fullPage: true });
});
