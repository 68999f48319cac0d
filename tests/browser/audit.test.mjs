// The audit log page (settings → Audit log) and "Sign out everywhere".

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, signIn, screenshot } from './helpers.mjs';

let browser;
let page;

before(async () => {
  browser = await launch();
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await newPage(ctx);
  await signIn(page);
});

after(async () => {
  await browser?.close();
});

test('owners reach the audit log from settings and see their sign-in', async () => {
  await page.goto(`${BASE}/w/acme/settings`);
  await page.getByRole('link', { name: 'Audit log' }).click();
  await page.getByRole('heading', { name: 'Audit log' }).waitFor();
  const login = page.locator('[data-audit-action="login"]').first();
  await login.waitFor();
  assert.match(await login.textContent(), /ada@example\.com/);
  await screenshot(page, 'audit-log');
});

test('signing out everywhere ends this session too', async () => {
  await page.goto(`${BASE}/w/acme/settings`);
  const form = page.locator('[data-logout-all]');
  await form.scrollIntoViewIfNeeded();
  await screenshot(page, 'settings-sign-out-everywhere');
  await Promise.all([
    page.waitForURL(/\/login$/),
    form.getByRole('button', { name: 'Sign out everywhere' }).click(),
  ]);
  await page.goto(`${BASE}/w/acme/settings`);
  assert.match(page.url(), /\/login\?next=/);
  // Signing in again works, and the log has the sign-out.
  await signIn(page);
  await page.goto(`${BASE}/w/acme/settings/audit`);
  await page.locator('[data-audit-action="logout_all"]').first().waitFor();
});
