// lib.mjs — shared helpers for Varde's HTTP and browser tests: build a
// fixture database, start the real binary on an ephemeral 127.0.0.1 port,
// a cookie-keeping HTTP client, and RFC 6238 TOTP computed with node:crypto.
import { spawn, execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const BIN = process.env.VARDE_BIN;
export const FIXTURE = process.env.VARDE_FIXTURE;
if (!BIN || !FIXTURE) throw new Error('VARDE_BIN and VARDE_FIXTURE must be set (meson test sets them)');

// The fixture database (tests/node/fixture.c): its ids and secrets as `fx`.
function fixture(db, env) {
  return JSON.parse(execFileSync(FIXTURE, [db], { env }).toString());
}

// Starts `varde serve` on a fresh database that prepare(db, env) fills (the
// fixture unless given; what it returns becomes `fx`). env overrides go to
// the server (e.g. VARDE_SESSION_IDLE). Returns {base, fx, dir, db, stop()}.
export async function startServer(env = {}, args = [], prepare = fixture) {
  const dir = mkdtempSync(join(tmpdir(), 'varde-test-'));
  const db = join(dir, 'test.db');
  const fenv = { ...process.env, VARDE_PWHASH_FAST: '1' };
  const fx = prepare(db, fenv);
  const child = spawn(BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0', ...args], {
    env: { ...fenv, VARDE_LOCK_ADDR_FAILURES: '100000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const base = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('server did not start: ' + stderr)), 10000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/lytter på (https?:\/\/127\.0\.0\.1:\d+)\//);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${stderr}`)));
  });
  const exited = new Promise((resolve) => child.on('exit', (code, sig) => resolve({ code, sig })));
  return {
    base, fx, dir, db, child,
    stderr: () => stderr,
    async stop() {
      child.kill('SIGTERM');
      const r = await exited;
      rmSync(dir, { recursive: true, force: true });
      assert.equal(r.code, 0, `server exit ${JSON.stringify(r)}: ${stderr}`);
    },
  };
}

// base32 (RFC 4648, no padding) -> Buffer
function base32(s) {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, val = 0;
  const out = [];
  for (const ch of s.replace(/=+$/, '').toUpperCase()) {
    const i = abc.indexOf(ch);
    if (i < 0) throw new Error('bad base32');
    val = (val << 5) | i;
    bits += 5;
    if (bits >= 8) { out.push((val >>> (bits - 8)) & 255); bits -= 8; }
  }
  return Buffer.from(out);
}

// RFC 6238 TOTP (SHA-1, 30 s, 6 digits) for step offset `delta`.
export function totp(secret, delta = 0, now = Date.now()) {
  const step = Math.floor(now / 1000 / 30) + delta;
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const h = createHmac('sha1', base32(secret)).update(msg).digest();
  const off = h[h.length - 1] & 15;
  const bin = (h.readUInt32BE(off) & 0x7fffffff) % 1000000;
  return String(bin).padStart(6, '0');
}

// A browser-like client: keeps the session cookie, never follows redirects,
// remembers the CSRF token of the last HTML page it saw.
export class Client {
  constructor(base) { this.base = base; this.cookies = new Map(); this.csrf = null; }

  cookieHeader() { return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '); }

  keepCookies(res) {
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const i = pair.indexOf('=');
      const k = pair.slice(0, i).trim(), v = pair.slice(i + 1).trim();
      if (attrs.some((a) => /max-age=0/i.test(a.trim())) || v === '') this.cookies.delete(k);
      else this.cookies.set(k, v);
    }
  }

  async req(method, path, { form, headers = {}, body } = {}) {
    const h = { ...headers };
    if (this.cookies.size) h.cookie = this.cookieHeader();
    if (form) {
      h['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(form).toString();
    }
    const res = await fetch(this.base + path, { method, headers: h, body, redirect: 'manual' });
    this.keepCookies(res);
    const text = await res.text();
    const m = text.match(/name="csrf" value="([^"]+)"/);
    if (m) this.csrf = m[1];
    return { status: res.status, headers: res.headers, text, location: res.headers.get('location') };
  }

  get(path, opts) { return this.req('GET', path, opts); }
  // POST a form; adds the CSRF token unless form.csrf is given (or null to omit).
  post(path, form = {}, opts = {}) {
    const f = { ...form };
    if (!('csrf' in f) && this.csrf) f.csrf = this.csrf;
    if (f.csrf === null) delete f.csrf;
    return this.req('POST', path, { ...opts, form: f });
  }
}

// Logs `name` in (password, then TOTP when the fixture enrolled one).
// Returns the client, fully logged in; asserts every step.
export async function login(srv, name, { code } = {}) {
  const c = new Client(srv.base);
  const u = srv.fx.users[name];
  const r = await c.post('/logg-inn', { username: name, password: srv.fx.password }, {});
  assert.equal(r.status, 303, `login ${name}: ${r.status} ${r.text.slice(0, 300)}`);
  if (r.location === '/logg-inn/mfa') {
    await c.get('/logg-inn/mfa');
    const m = await c.post('/logg-inn/mfa', { code: code ?? totp(u.totp) });
    assert.equal(m.status, 303, `mfa ${name}: ${m.status}`);
    assert.equal(m.location, '/');
  } else {
    assert.equal(r.location, u.role === 'admin' && !u.totp ? '/profil/mfa' : '/');
  }
  await c.get('/profil');   // picks up the CSRF token
  return c;
}

// Debian's Chromium, headless, with the flags every browser test uses.
export function launchBrowser() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--no-proxy-server'],
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
