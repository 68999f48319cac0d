// Global search and the feedback import page in the browser: `/` opens the
// search box, typing finds a feedback item and a task with the words
// marked, arrows and Enter open a hit, "see all" opens the results page,
// hostile feedback text stays text; a CSV file is mapped, checked and
// imported with the progress bar reaching done, and a bad file names the
// line and column. Screenshots at 1440 px (and the box at 390 px).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, signIn, apiToken, apiCall, screenshot, eventually } from './helpers.mjs';

const WS = '/api/v1/workspaces/acme';
let browser;
let page;
const errors = (p) => p.consoleErrors.filter((e) => !/Failed to load resource/.test(e));

before(async () => {
  browser = await launch();
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await newPage(ctx);
  const token = await apiToken();
  await apiCall(token, 'POST', `${WS}/tasks`, { product: 'KEEL', title: 'Zeppelin docking checklist' });
  await apiCall(token, 'POST', `${WS}/feedback`, { product: 'KEEL', text: 'Zeppelin mooring times are confusing on the roadmap', source: 'support' });
  await apiCall(token, 'POST', `${WS}/feedback`, { product: 'KEEL', text: 'Zeppelin cabin <img src=x onerror=alert(1)> looks odd', source: 'support' });
  await signIn(page);
});

after(async () => { await browser?.close(); });

const box = () => page.getByRole('combobox', { name: 'Find in workspace' });
const option = (kind) => page.locator(`#search-results [role="option"][data-kind="${kind}"]`);

/** Opens the box with `/` from the board and types `q`. */
async function searchFor(q) {
  await page.goto(`${BASE}/w/acme/p/KEEL`);
  await page.locator('body').press('/');
  await box().waitFor();
  await box().fill(q);
}

/** Moves the selection to the first option of `kind` with the arrow keys. */
async function arrowTo(kind) {
  const kinds = await page.locator('#search-results [role="option"]').evaluateAll((els) => els.map((e) => e.dataset.kind));
  const at = kinds.indexOf(kind);
  assert.ok(at >= 0, `no ${kind} among ${kinds}`);
  for (let i = 0; i < at; i++) await box().press('ArrowDown');
  assert.equal(await page.locator('#search-results [aria-selected="true"]').getAttribute('data-kind'), kind);
}

test('/ opens search; typing finds feedback and a task, marked; Enter opens the task', async () => {
  await searchFor('zeppelin');
  await option('task').first().waitFor();
  await option('feedback').first().waitFor();
  assert.equal(await option('feedback').count(), 2);
  const marks = await page.locator('#search-results mark').allTextContents();
  assert.ok(marks.length >= 2 && marks.every((m) => m.toLowerCase() === 'zeppelin'), `marks: ${marks}`);
  // The hostile text is shown as text, never run.
  const odd = await option('feedback').filter({ hasText: 'cabin' }).textContent();
  assert.match(odd, /<img src=x onerror=alert\(1\)>/);
  assert.equal(await page.locator('#search-results img').count(), 0);
  await screenshot(page, 'search-box');
  await arrowTo('task');
  await box().press('Enter');
  await page.waitForURL(/\/w\/acme\/t\/KEEL-\d+$/);
  await page.getByText('Zeppelin docking checklist').first().waitFor();
});

test('Enter on a feedback hit opens it in the inbox', async () => {
  await searchFor('mooring');
  await option('feedback').first().waitFor();
  await arrowTo('feedback');
  await box().press('Enter');
  await page.waitForURL(/\/w\/acme\/p\/KEEL\/feedback\?status=all&item=/);
  await eventually(async () => (await page.locator('[data-detail] [data-text]').textContent()).includes('mooring times'));
});

test('typing fast searches once and shows the newest answer; Esc closes', async () => {
  await page.goto(`${BASE}/w/acme/p/KEEL`);
  const asked = [];
  page.on('request', (r) => { if (r.url().includes('/search?')) asked.push(r.url()); });
  await page.locator('body').press('/');
  await box().pressSequentially('docking', { delay: 20 });
  await option('task').first().waitFor();
  assert.equal(asked.length, 1, `requests: ${asked}`);
  assert.equal(await option('feedback').count(), 0);
  await box().press('Escape');
  assert.equal(await box().isVisible(), false);
});

test('"see all results" opens the results page, which works on its own', async () => {
  await searchFor('zeppelin');
  await option('task').first().waitFor();
  await arrowTo('all');
  await box().press('Enter');
  await page.waitForURL(/\/w\/acme\/search\?q=zeppelin$/);
  const hits = page.locator('.search-hit');
  assert.equal(await hits.count(), 3);
  assert.equal(await page.locator('.search-hit img').count(), 0);
  await page.getByLabel('Kind').selectOption('task');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.waitForURL(/kind=task/);
  assert.equal(await hits.count(), 1);
  await screenshot(page, 'search-page');
  await page.setViewportSize({ width: 390, height: 800 });
  await searchFor('zeppelin');
  await option('task').first().waitFor();
  await screenshot(page, 'search-box-390');
  await page.setViewportSize({ width: 1440, height: 900 });
  assert.deepEqual(page.dialogs, []);
  assert.deepEqual(errors(page), []);
});

const GOOD = 'Comment,Email,Customer Name,Date,Tags\n'
  + '"Imported: the calendar needs week numbers",wk@import.test,Wanda Week,2026-01-05,calendar\n'
  + '"Imported: exports, again, time out",,,2026-01-06,export;perf\n'
  + '"Imported: love the ""My day"" page",wk@import.test,,2026-01-07,\n';

test('a CSV file is mapped, checked and imported with a progress bar', async () => {
  await page.goto(`${BASE}/w/acme/p/KEEL/feedback`);
  await page.getByRole('link', { name: 'Import CSV' }).click();
  await page.waitForURL(/\/feedback\/import$/);
  await page.getByLabel('CSV file').setInputFiles({ name: 'feedback.csv', mimeType: 'text/csv', buffer: Buffer.from(GOOD) });
  // Fields guessed from the header names.
  await page.getByLabel('Field for column Comment').waitFor();
  assert.equal(await page.getByLabel('Field for column Comment').inputValue(), 'text');
  assert.equal(await page.getByLabel('Field for column Email').inputValue(), 'customer_email');
  assert.equal(await page.getByLabel('Field for column Customer Name').inputValue(), 'customer_name');
  assert.equal(await page.getByLabel('Field for column Date').inputValue(), 'received_on');
  assert.equal(await page.getByLabel('Field for column Tags').inputValue(), 'tags');
  assert.equal(await page.getByRole('button', { name: 'Import' }).isDisabled(), true);

  await page.getByRole('button', { name: 'Check' }).click();
  await page.getByText('Ready: 3 feedback items to import, 1 new customer.').waitFor();
  await screenshot(page, 'import-checked');

  // Every state the page passes through on the real import.
  await page.evaluate(() => {
    const root = document.querySelector('[data-feedback-import]');
    window.importStates = [];
    new MutationObserver(() => window.importStates.push(root.dataset.state)).observe(root, { attributes: true, attributeFilter: ['data-state'] });
  });
  await page.getByRole('button', { name: 'Import' }).click();
  await page.getByText('Imported 3 feedback items, 1 new customer.').waitFor();
  const states = await page.evaluate(() => window.importStates);
  assert.deepEqual(states.filter((s, i) => s !== states[i - 1]), ['uploading', 'processing', 'done']);
  assert.equal(await page.locator('[data-progress]').evaluate((p) => p.value), 100);
  assert.equal(await page.getByRole('button', { name: 'Import' }).isDisabled(), true, 'no second import by accident');
  await screenshot(page, 'import-done');
  await page.getByRole('link', { name: 'Open the inbox' }).click();
  await page.waitForURL(/\/w\/acme\/p\/KEEL\/feedback$/);
  await page.getByText('Imported: the calendar needs week numbers').first().waitFor();
  assert.deepEqual(errors(page), []);
});

test('a bad CSV file names the line and column, and imports nothing', async () => {
  await page.goto(`${BASE}/w/acme/p/KEEL/feedback/import`);
  const bad = 'Comment,Date\n"Bad file: fine row",2026-01-05\n"Bad file: wrong date",yesterday\n';
  await page.getByLabel('CSV file').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await page.getByLabel('Field for column Date').waitFor();
  await page.getByRole('button', { name: 'Check' }).click();
  const list = page.locator('[data-import-errors]');
  await list.waitFor();
  assert.match(await list.textContent(), /Line 3, column “Date”/);
  assert.match(await page.locator('[data-import-status]').textContent(), /nothing was imported/);
  assert.equal(await page.getByRole('button', { name: 'Import' }).isDisabled(), true);
  await screenshot(page, 'import-error');
  const token = await apiToken();
  const found = await apiCall(token, 'GET', `${WS}/search?q=${encodeURIComponent('bad file')}&kind=feedback`);
  assert.equal(found.items.length, 0);
});
