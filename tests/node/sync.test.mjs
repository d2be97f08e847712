// sync.test.mjs — `varde feed sync nvd` against a local NVD API 2.0 stand-in
// on 127.0.0.1 serving the fixture page in pages: windows of at most 120
// days, startIndex paging, the API key header, a 503 answered by a retry,
// and an interrupted sync that resumes from the saved cursor. No traffic
// leaves the machine.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = process.env.VARDE_BIN;
const SHARED = process.env.VARDE_SHARED || new URL('../../../shared', import.meta.url).pathname;
const PAGE = join(SHARED, 'data/nvd/api2-page-38-cves.json');
const have = existsSync(PAGE);
const NOW = String(Date.UTC(2023, 10, 1) / 1000);   // the clock the client reads (VARDE_NOW)

let server, base, dir, log = [], fail503 = 0;

before(async () => {
  if (!have) return;
  const all = JSON.parse(readFileSync(PAGE, 'utf8')).vulnerabilities;
  dir = mkdtempSync(join(tmpdir(), 'varde-sync-'));
  server = createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    const q = Object.fromEntries(u.searchParams);
    log.push({ ...q, key: req.headers.apikey || null, path: u.pathname });
    if (fail503 > 0) {
      fail503--;
      res.writeHead(503);
      return res.end('busy');
    }
    const from = Date.parse(q.lastModStartDate), to = Date.parse(q.lastModEndDate);
    assert.ok(to - from <= 120 * 86400e3, 'window longer than 120 days');
    const inWin = all.filter((v) => { const t = Date.parse(v.cve.lastModified + 'Z'); return t >= from && t <= to; });
    const start = Number(q.startIndex), per = Number(q.resultsPerPage);
    const page = inWin.slice(start, start + per);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ resultsPerPage: page.length, startIndex: start, totalResults: inWin.length,
      format: 'NVD_CVE', version: '2.0', timestamp: '2023-11-01T00:00:00.000', vulnerabilities: page }));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}/rest/json/cves/2.0`;
});
after(() => { if (server) server.close(); if (dir) rmSync(dir, { recursive: true, force: true }); });

function sync(db, ...args) {
  return new Promise((resolve) => {
    execFile(BIN, ['feed', 'sync', 'nvd', '--db', db, '--base-url', base, '--interval', '0', '--per-page', '10', ...args],
      { env: { ...process.env, VARDE_NOW: NOW } }, (err, stdout, stderr) => resolve({ code: err ? err.code : 0, stdout, stderr }));
  });
}
const count = (db) => Number(execFileSync('sqlite3', [db, 'SELECT count(*) FROM vuln_cves']).toString());

test('windows, paging, API key and a 503 retried', { skip: !have }, async () => {
  const db = join(dir, 'a.db');
  execFileSync(BIN, ['init', '--db', db]);
  log = [];
  fail503 = 1;
  const r = await sync(db, '--since', '2023-03-01', '--api-key', 'test-key-123');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /38 poster: 38 nye/);
  assert.equal(count(db), 38);
  assert.ok(log.every((l) => l.key === 'test-key-123'), 'the apiKey header on every request');
  assert.equal(log[0].startIndex, '0');
  assert.equal(log[1].startIndex, '0', 'the 503 is retried');
  const windows = [...new Set(log.map((l) => l.lastModStartDate))];
  assert.equal(windows.length, 3, '2023-03-01 .. 2023-11-01 is three windows of at most 120 days');
  const pages = log.filter((l) => l.lastModStartDate === windows[1]).map((l) => l.startIndex);
  assert.deepEqual(pages, ['0', '10', '20', '30']);
  // again: the cursor is at the end; nothing is fetched twice
  log = [];
  const again = await sync(db);
  assert.equal(again.code, 0);
  assert.equal(log.length, 0);
});

test('interrupted after two pages, then resumed from the cursor', { skip: !have }, async () => {
  const db = join(dir, 'b.db');
  execFileSync(BIN, ['init', '--db', db]);
  log = [];
  const first = await sync(db, '--since', '2023-10-01', '--max-pages', '2');
  assert.equal(first.code, 2);
  assert.equal(count(db), 20);
  log = [];
  const rest = await sync(db, '--since', '2023-10-01');
  assert.equal(rest.code, 0, rest.stderr);
  assert.deepEqual(log.map((l) => l.startIndex), ['20', '30']);
  assert.equal(count(db), 38);
});

test('a server that keeps failing gives up with an error', { skip: !have }, async () => {
  const db = join(dir, 'c.db');
  execFileSync(BIN, ['init', '--db', db]);
  fail503 = 100;
  const r = await sync(db, '--since', '2023-10-01');
  fail503 = 0;
  assert.equal(r.code, 2);
  assert.match(r.stderr, /svarer ikke \(HTTP 503\) etter 6 forsøk/);
  assert.equal(count(db), 0);
});
