// Settings: accounts, members and roles, API tokens shown once.

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
  await page.goto(`${BASE}/w/acme/settings`);
});

/** Runs `action`, which makes the page reload itself, and waits for that. */
async function reloadAfter(action) {
  const loaded = page.waitForEvent('load');
  await action();
  await loaded;
}

after(async () => {
  await browser?.close();
});

test('an instance admin creates an account and adds it as a viewer, then makes it a member', async () => {
  await page.getByText('Create an account (instance admin)').click();
  await page.getByLabel('Name', { exact: true }).fill('Grace Hopper');
  await page.getByLabel('Email', { exact: true }).fill('grace@example.com');
  await page.getByLabel('Initial password').fill('correct horse battery');
  await reloadAfter(() => page.getByRole('button', { name: 'Create account' }).click());
  await page.getByLabel('Email of an existing account').fill('grace@example.com');
  await page.locator('#member-role').selectOption('viewer');
  await reloadAfter(() => page.getByRole('button', { name: 'Add member' }).click());
  const role = page.getByLabel('Role of Grace Hopper');
  await role.waitFor();
  assert.equal(await role.inputValue(), 'viewer');
  await reloadAfter(() => role.selectOption('member'));
  await page.getByLabel('Role of Grace Hopper').waitFor();
  assert.equal(await page.getByLabel('Role of Grace Hopper').inputValue(), 'member');
});

test('a new API token is shown once, works, and can be revoked', async () => {
  await page.getByLabel('Token name').fill('laptop CLI');
  await page.getByRole('button', { name: 'Create token' }).click();
  await page.locator('[data-new-token]').waitFor();
  const token = (await page.locator('[data-token]').textContent()).trim();
  assert.match(token, /^keel_/);
  await screenshot(page, 'settings');
  const me = await fetch(`${BASE}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(me.status, 200);
  await page.reload();
  assert.equal(await page.locator('[data-new-token]').isVisible(), false, 'the secret is not shown again');
  assert.equal((await page.locator('[data-token]').textContent()).trim(), '');
  const row = page.locator('[data-token-id]', { hasText: 'laptop CLI' });
  await row.getByRole('button', { name: 'Revoke' }).click();
  await page.locator('[data-token-id]', { hasText: 'laptop CLI' }).waitFor({ state: 'detached' });
  const after = await fetch(`${BASE}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(after.status, 401);
});
