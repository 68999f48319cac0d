// Shared set-up for the browser tests: launch Debian's Chromium headless,
// collect script dialogs and console errors (an XSS that runs, or a CSP
// violation, shows up there), and save screenshots.

import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

export const BASE = process.env.KEEL_URL;
if (!BASE) throw new Error('KEEL_URL is not set: run these tests through `cargo test` (crates/keel/tests/browser.rs)');

export const SHOTS = process.env.KEEL_SCREENSHOTS ?? path.resolve('../../target/screenshots');
mkdirSync(SHOTS, { recursive: true });

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** A new page that records dialogs and console errors. */
export async function newPage(context) {
  const page = await context.newPage();
  page.dialogs = [];
  page.consoleErrors = [];
  page.on('dialog', (d) => { page.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  page.on('console', (m) => { if (m.type() === 'error') page.consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => page.consoleErrors.push(String(e)));
  return page;
}

export async function screenshot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** Waits until `fn` returns truthy (bounded), for things that arrive live. */
export async function eventually(fn, { timeout = 5000, interval = 25 } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** The account `00-web.test.mjs` creates at set-up; later files sign in with it. */
export const ADA = { email: 'ada@example.com', password: 'correct horse battery' };

/** Signs `page` in through the login form and waits for the landing page. */
export async function signIn(page, who = ADA) {
  await page.goto(`${BASE}/login`);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/** An API token for `who`, for setting up data quickly. */
export async function apiToken(who = ADA) {
  const res = await fetch(`${BASE}/api/v1/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: who.email, password: who.password, name: 'browser test' }),
  });
  if (!res.ok) throw new Error(`token: ${res.status} ${await res.text()}`);
  return (await res.json()).token;
}

/** Calls the API with a bearer token. */
export async function apiCall(token, method, path, body) {
  const res = await fetch(`${BASE}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}
