// Releases in the browser: a PM writes a feature's customer summary on
// its page, plans a release from the Releases tab, adds two features that
// customers asked for, reads the notes preview (New / Improved), ships it
// after confirming, and sees the customers to notify with their drafted
// messages. Screenshots at 1440 and 390 px.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, signIn, apiToken, apiCall, screenshot, eventually } from './helpers.mjs';

const WS = '/api/v1/workspaces/acme';
const RELEASES = `${BASE}/w/acme/p/REL/releases`;
let browser;
let page;
let token;
const features = {};
const errors = (p) => p.consoleErrors.filter((e) => !/Failed to load resource/.test(e));

async function asks(customer, feature, text) {
  const fb = await apiCall(token, 'POST', `${WS}/feedback`, { product: 'REL', text, source: 'email', customer });
  await apiCall(token, 'POST', `${WS}/feedback/${fb.id}/links`, { feature, importance: 'important' });
}

before(async () => {
  browser = await launch();
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await newPage(ctx);
  token = await apiToken();
  // A product of its own, so other files' counts are untouched.
  await apiCall(token, 'POST', `${WS}/products`, { name: 'Release demo', key: 'REL' });
  for (const [name, title, type] of [['export', 'Streaming CSV exporter', 'new_capability'], ['board', 'Faster board', 'improvement']]) {
    features[name] = (await apiCall(token, 'POST', `${WS}/features`, { product: 'REL', title, type })).id;
  }
  const grace = await apiCall(token, 'POST', `${WS}/customers`, { name: 'Grace Hopper', email: 'grace@navy.example' });
  const alan = await apiCall(token, 'POST', `${WS}/customers`, { name: 'Alan Turing', email: 'alan@bletchley.example' });
  await asks(grace.id, features.export, 'We need to export our board to spreadsheets');
  await asks(alan.id, features.export, 'CSV export please');
  await asks(alan.id, features.board, 'The board is slow with 500 cards');
  await signIn(page);
});

after(async () => { await browser?.close(); });

test('a feature gets a customer summary on its page', async () => {
  await page.goto(`${BASE}/w/acme/features/${features.export}`);
  const input = page.getByLabel(/Customer summary/);
  await input.fill('Export your board to a CSV file <any size>.');
  await page.getByRole('button', { name: 'Save summary' }).click();
  await eventually(async () => (await page.locator('[data-live-status]').textContent()).includes('Summary saved'));
  const saved = await apiCall(token, 'GET', `${WS}/features/${features.export}/customer-summary`);
  assert.equal(saved.customer_summary, 'Export your board to a CSV file <any size>.');
  await page.reload();
  await eventually(async () => (await input.inputValue()) === 'Export your board to a CSV file <any size>.');
  await screenshot(page, 'release-feature-summary');
  assert.deepEqual(errors(page), []);
});

test('a PM plans a release, adds features and reads the notes', async () => {
  await page.goto(`${BASE}/w/acme/p/REL/features`);
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Releases' }).click();
  await page.waitForURL(RELEASES);
  await page.getByLabel('Version').fill('2.0.0');
  await page.getByLabel('Name (optional)').fill('Spring');
  await page.getByLabel('Target date').fill('2030-04-01');
  await page.getByRole('button', { name: 'Plan release' }).click();
  await page.waitForURL(/\/w\/acme\/releases\//);
  for (const title of ['Streaming CSV exporter', 'Faster board']) {
    await page.getByLabel('Add a feature').selectOption({ label: title });
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.locator('[data-scope-feature]', { hasText: title }).waitFor();
  }
  const notes = page.locator('[data-notes-preview]');
  assert.equal(await notes.locator('h1').textContent(), 'Release demo 2.0.0 — Spring');
  assert.deepEqual(await notes.locator('h2').allTextContents(), ['New', 'Improved']);
  // The summary, escaped, in place of the engineering title.
  assert.deepEqual(await notes.locator('li').allTextContents(), ['Export your board to a CSV file <any size>.', 'Faster board']);
  assert.equal(await notes.locator('li').first().locator('*').count(), 0, 'no markup from the text');
  await screenshot(page, 'release-planned');

  await page.goto(RELEASES);
  const row = page.locator('[data-release]', { hasText: '2.0.0' });
  assert.match(await row.textContent(), /planned/);
  assert.match(await row.textContent(), /2030-04-01/);
  await screenshot(page, 'releases-list');
  assert.deepEqual(errors(page), []);
});

test('shipping asks first, then lists the customers to notify with drafted messages', async () => {
  await page.goto(RELEASES);
  await page.getByRole('link', { name: /2\.0\.0/ }).click();
  await page.waitForURL(/\/w\/acme\/releases\//);
  // Dismissing the confirmation ships nothing.
  await page.getByRole('button', { name: 'Ship 2.0.0' }).click();
  await eventually(async () => page.dialogs.length === 1);
  assert.match(page.dialogs[0], /Ship 2\.0\.0\?/);
  const list = await apiCall(token, 'GET', `${WS}/releases?product=REL`);
  assert.equal(list.items[0].status, 'planned');

  page.removeAllListeners('dialog');
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: 'Ship 2.0.0' }).click();
  const notify = page.locator('[data-customers-to-notify]');
  await notify.waitFor();
  assert.equal((await page.locator('[data-release-status]').textContent()).trim(), 'shipped');
  const people = notify.locator('[data-customer]');
  assert.equal(await people.count(), 2);
  const alan = notify.locator('[data-customer]', { hasText: 'Alan Turing' });
  assert.match(await alan.textContent(), /asked for Export your board to a CSV file <any size>\., Faster board/);
  const message = await alan.locator('[data-message]').inputValue();
  assert.match(message, /^Hi Alan Turing,\n/);
  assert.match(message, /- Export your board to a CSV file <any size>\.\n- Faster board\n/);
  const grace = await notify.locator('[data-customer]', { hasText: 'Grace Hopper' }).locator('[data-message]').inputValue();
  assert.doesNotMatch(grace, /Faster board/, 'only what Grace asked for');
  assert.equal(await notify.getByRole('button', { name: 'Copy message' }).count(), 2);
  assert.equal(await page.getByRole('button', { name: /^Ship/ }).count(), 0, 'shipped once');
  for (const id of Object.values(features)) {
    assert.equal((await apiCall(token, 'GET', `${WS}/features/${id}`)).status, 'shipped');
  }
  await screenshot(page, 'release-shipped');

  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await notify.waitFor();
  await screenshot(page, 'release-shipped-phone');
  await page.setViewportSize({ width: 1440, height: 900 });
  assert.deepEqual(errors(page), []);
});
