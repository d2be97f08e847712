// browser.test.mjs — the UI in a real browser (Debian chromium driven by
// playwright-core): log in with TOTP, switch organisation, be refused a
// sibling region's page, and leave screenshots in the build directory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, totp, launchBrowser } from './lib.mjs';

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

test('log in with TOTP, switch organisation, refused a sibling, screenshots', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  const page = await ctx.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(srv.base + '/');
  assert.match(page.url(), /\/logg-inn$/);
  await page.getByLabel('Brukernavn').fill('browser_admin');
  await page.getByLabel('Passord').fill(srv.fx.password);
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await page.waitForURL(/\/logg-inn\/mfa$/);
  await page.getByLabel(/Kode fra autentiseringsappen/).fill(totp(srv.fx.users.browser_admin.totp));
  await page.getByRole('button', { name: 'Bekreft' }).click();
  await page.waitForURL(new RegExp(`/org/${srv.fx.orgs.region}$`));
  assert.equal(await page.locator('h1').first().innerText(), 'Region Øst');
  // the stylesheet applied (CSP allows 'self'), so the header bar is coloured
  const bg = await page.locator('header.top').evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.equal(bg, 'rgb(18, 50, 74)');
  await page.screenshot({ path: join(OUT, 'browser-dashboard.png'), fullPage: true });

  await page.getByLabel('Organisasjon', { exact: true }).selectOption(String(srv.fx.orgs.t_full));
  await page.getByRole('button', { name: 'Bytt' }).click();
  await page.waitForURL(new RegExp(`/org/${srv.fx.orgs.t_full}$`));
  assert.match(await page.locator('h1').first().innerText(), /Åpenstad kommune/);

  await page.getByRole('link', { name: 'Organisasjoner' }).click();
  await page.waitForURL(/\/organisasjoner$/);
  await page.screenshot({ path: join(OUT, 'browser-tree.png'), fullPage: true });
  assert.equal(await page.getByRole('link', { name: 'Fjernvik kommune' }).count(), 0);

  const res = await page.goto(`${srv.base}/org/${srv.fx.orgs.region2}`);
  assert.equal(res.status(), 404);
  assert.match(await page.locator('h1').innerText(), /Fant ikke siden/);
  await page.screenshot({ path: join(OUT, 'browser-refused.png') });

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
  await phone.addCookies(await ctx.cookies());
  const p2 = await phone.newPage();
  await p2.goto(`${srv.base}/profil`);
  const overflow = await p2.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  assert.equal(overflow, false, 'no horizontal scrolling on a phone');
  await p2.screenshot({ path: join(OUT, 'browser-phone-profile.png'), fullPage: true });
  assert.deepEqual(errors.filter((e) => /Content Security Policy/.test(e)), [], 'no CSP violations');
  await phone.close();
  await ctx.close();
});

test('admin pages: every form control has a label; screenshots', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  const page = await ctx.newPage();
  await page.goto(srv.base + '/logg-inn');
  await page.getByLabel('Brukernavn').fill('browser_admin');
  await page.getByLabel('Passord').fill(srv.fx.password);
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await page.waitForURL(/\/logg-inn\/mfa$/);
  // the first test used this step's code: take the next one (accepted, ±1 step)
  await page.getByLabel(/Kode fra autentiseringsappen/).fill(totp(srv.fx.users.browser_admin.totp, 1));
  await page.getByRole('button', { name: 'Bekreft' }).click();
  await page.waitForURL(/\/org\/\d+$/);
  const region = srv.fx.orgs.region;
  for (const [path, shot] of [[`/org/${region}/brukere`, 'users'], [`/org/${region}/revisjon`, 'audit'],
    [`/org/${region}/deling`, 'sharing'], ['/profil', 'profile']]) {
    const res = await page.goto(srv.base + path);
    assert.equal(res.status(), 200, path);
    const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input:not([type=hidden]), select')]
      .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
      .map((el) => el.outerHTML));
    assert.deepEqual(unlabelled, [], `unlabelled controls on ${path}`);
    await page.screenshot({ path: join(OUT, `browser-${shot}.png`), fullPage: true });
  }
  // printable: the audit log prints without the navigation and the filter form
  await page.goto(`${srv.base}/org/${region}/revisjon`);
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('header.top').isVisible(), false);
  assert.equal(await page.locator('form').first().isVisible(), false);
  assert.equal(await page.locator('table').isVisible(), true);
  await page.screenshot({ path: join(OUT, 'browser-audit-print.png'), fullPage: true });
  await ctx.close();
});

test('TOTP set-up page shows a scannable QR code (SVG) and accepts a code', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(srv.base + '/logg-inn');
  await page.getByLabel('Brukernavn').fill('browser');
  await page.getByLabel('Passord').fill(srv.fx.password);
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await page.waitForURL(/\/org\/\d+$/);
  await page.goto(srv.base + '/profil/mfa');
  await page.getByRole('button', { name: 'Start oppsett' }).click();
  const svg = page.locator('.qr svg');
  await svg.waitFor();
  const box = await svg.boundingBox();
  assert.ok(box.width >= 150 && box.height >= 150, `QR is ${box.width}x${box.height}`);
  const secret = (await page.locator('#totp-secret').innerText()).trim();
  await page.screenshot({ path: join(OUT, 'browser-mfa-setup.png'), fullPage: true });
  await page.getByLabel(/Kode fra appen/).fill(totp(secret));
  await page.getByRole('button', { name: 'Bekreft og slå på' }).click();
  await page.locator('#recovery-codes li').first().waitFor();
  assert.equal(await page.locator('#recovery-codes li').count(), 10);
  await ctx.close();
});
