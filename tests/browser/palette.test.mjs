// The command palette and keyboard shortcuts.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, signIn, apiToken, apiCall } from './helpers.mjs';

let browser;
let page;

before(async () => {
  browser = await launch();
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await newPage(ctx);
  const token = await apiToken();
  await apiCall(token, 'POST', '/api/v1/workspaces/acme/tasks', { product: 'KEEL', title: 'Palette target task' });
  await signIn(page);
  await page.goto(`${BASE}/w/acme/p/KEEL`);
});

after(async () => {
  await browser?.close();
});

test('Ctrl-K finds a task by title and opens it', async () => {
  await page.keyboard.press('Control+k');
  const input = page.getByRole('combobox', { name: 'Command' });
  await input.fill('palette target');
  await page.getByRole('option', { name: /Palette target task/ }).waitFor();
  await input.press('Enter');
  await page.waitForURL(/\/w\/acme\/t\/KEEL-\d+$/);
});

test('the palette jumps to a task by key and switches product', async () => {
  await page.goto(`${BASE}/w/acme/p/KEEL`);
  await page.keyboard.press('Control+k');
  const input = page.getByRole('combobox', { name: 'Command' });
  await input.fill('keel-1');
  await page.getByRole('option', { name: /KEEL-1\b/ }).waitFor();
  await input.press('Enter');
  await page.waitForURL(/\/w\/acme\/t\/KEEL-1$/);
  await page.goto(`${BASE}/w/acme/p/KEEL`);
  await page.keyboard.press('Control+k');
  await page.getByRole('combobox', { name: 'Command' }).fill('Keel');
  await page.getByRole('option', { name: /KEEL Keel/ }).click();
  await page.waitForURL(/\/w\/acme\/p\/KEEL$/);
});

test('c creates a task from anywhere on the board', async () => {
  await page.goto(`${BASE}/w/acme/p/KEEL`);
  await page.locator('body').press('c');
  const input = page.getByRole('combobox', { name: 'Command' });
  await input.fill('Made with the c shortcut');
  await page.getByRole('option', { name: /Create/ }).waitFor();
  await input.press('Enter');
  await page.waitForURL(/\/w\/acme\/t\/KEEL-\d+$/);
  await page.goto(`${BASE}/w/acme/p/KEEL`);
  await page.locator('.task-card', { hasText: 'Made with the c shortcut' }).waitFor();
});

test('? lists the shortcuts, j/k move between cards', async () => {
  await page.locator('body').press('?');
  await page.getByRole('heading', { name: 'Keyboard shortcuts' }).waitFor();
  await page.keyboard.press('Escape');
  await page.locator('body').press('j');
  const first = await page.evaluate(() => document.activeElement?.dataset.key);
  assert.ok(first, 'j focuses a card');
  await page.keyboard.press('j');
  const second = await page.evaluate(() => document.activeElement?.dataset.key);
  assert.notEqual(second, first);
  await page.keyboard.press('k');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.key), first);
  assert.deepEqual(page.dialogs, []);
});
