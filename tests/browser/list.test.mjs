// The list view: filter, sort and group; save a view and open it again;
// bulk-change the status of two tasks; live updates without reload; and
// screenshots at 1440 and 390 px, light and dark.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, screenshot, signIn, apiToken, apiCall, eventually } from './helpers.mjs';

const LIST = `${BASE}/w/acme/p/KEEL/list`;
const MINE = `${LIST}?label=list-e2e`;
let browser;
let page;
let token;
/** Task key by title. */
const keys = {};

const TASKS = [
  { title: 'Write release notes for 1.0', status: 'todo', priority: 'high', type: 'chore', estimate: 2, due_date: '2026-01-20', labels: ['list-e2e', 'docs'] },
  { title: 'Crash when saving an empty view', status: 'in_progress', priority: 'urgent', type: 'bug', assignee: 'ada@example.com', estimate: 3, labels: ['list-e2e'] },
  { title: 'Keyboard navigation in the list', status: 'todo', priority: 'medium', type: 'feature', assignee: 'ada@example.com', estimate: 5, due_date: '2027-09-01', labels: ['list-e2e', 'web'] },
  { title: 'Measure list rendering at 10k tasks', status: 'backlog', priority: 'low', type: 'spike', labels: ['list-e2e'] },
  { title: 'Tidy up the CSS variables', status: 'in_review', priority: 'none', type: 'tech_debt', estimate: 1, labels: ['list-e2e', 'web'] },
];

before(async () => {
  browser = await launch();
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await newPage(ctx);
  token = await apiToken();
  for (const t of TASKS) {
    const task = await apiCall(token, 'POST', '/api/v1/workspaces/acme/tasks', { product: 'KEEL', ...t });
    keys[t.title] = task.key;
  }
  await signIn(page);
});

after(async () => {
  await browser?.close();
});

const rowKeys = () => page.locator('tr[data-row]').evaluateAll((rows) => rows.map((r) => r.dataset.key));
const key = (title) => keys[title];

test('filter, sort and group the list', async () => {
  await page.goto(MINE);
  await page.getByRole('heading', { name: /List/ }).waitFor();
  assert.equal((await rowKeys()).length, 5);

  await page.getByRole('combobox', { name: /^Priority/ }).selectOption('urgent,high');
  await page.waitForURL(/priority=urgent%2Chigh/);
  assert.deepEqual(new Set(await rowKeys()), new Set([key('Write release notes for 1.0'), key('Crash when saving an empty view')]));

  await page.goto(MINE);
  await page.getByRole('link', { name: 'Priority' }).click();
  await page.waitForURL(/sort=priority/);
  assert.deepEqual(await rowKeys(), TASKS.map((t) => t).sort((a, b) => rank(a) - rank(b)).map((t) => key(t.title)), 'urgent first, none last');
  assert.equal(await page.locator('th[aria-sort="ascending"]').textContent(), 'Priority↑');
  await page.getByRole('link', { name: /Priority/ }).click();
  await page.waitForURL(/dir=desc/);
  assert.equal((await rowKeys())[0], key('Tidy up the CSS variables'), 'descending: no priority first');

  await page.getByRole('combobox', { name: /^Group by/ }).selectOption('status');
  await page.waitForURL(/group=status/);
  const groups = await page.locator('.group-row').allTextContents();
  assert.deepEqual(groups.map((g) => g.replace(/\s+/g, ' ').trim()), ['Backlog 1', 'Todo 2', 'In progress 1', 'In review 1']);

  await page.getByLabel('Search').fill('release');
  await page.getByLabel('Search').press('Enter');
  await page.waitForURL(/q=release/);
  assert.deepEqual(await rowKeys(), [key('Write release notes for 1.0')]);
  assert.match(page.url(), /group=status/, 'filters keep the grouping');
});

function rank(t) {
  return ['urgent', 'high', 'medium', 'low', 'none'].indexOf(t.priority);
}

test('save a view, then open it again from the menu', async () => {
  await page.goto(`${MINE}&sort=priority&group=status`);
  await page.getByText('Saved views').click();
  await page.getByLabel('Save the current list as').fill('E2E by status');
  await page.getByRole('button', { name: 'Save view' }).click();
  await page.locator('.views-current', { hasText: 'E2E by status' }).waitFor();
  await page.locator('.views-menu').evaluate((d) => { d.open = true; });
  await screenshot(page, 'list-views');

  await page.goto(LIST);
  assert.ok((await rowKeys()).length > 5, 'the plain list has every task');
  await page.getByText('Saved views').click();
  await page.getByRole('link', { name: 'E2E by status' }).click();
  await page.waitForURL(/label=list-e2e/);
  assert.match(page.url(), /sort=priority/);
  assert.match(page.url(), /group=status/);
  assert.equal((await rowKeys()).length, 5);
  assert.equal(await page.locator('.views-current').textContent(), 'E2E by status');
  assert.equal(await page.locator('.group-row').count(), 4);
});

test('bulk-change the status of two tasks', async () => {
  await page.goto(`${MINE}&sort=key&dir=asc`);
  const bar = page.locator('[data-bulk]');
  assert.equal(await bar.isVisible(), false, 'no bar before a selection');
  const a = key('Write release notes for 1.0');
  const b = key('Keyboard navigation in the list');
  await page.getByLabel(`Select ${a}`, { exact: true }).check();
  await page.getByLabel(`Select ${b}`, { exact: true }).check();
  await bar.waitFor({ state: 'visible' });
  assert.equal(await bar.locator('[data-bulk-count]').textContent(), '2');
  await screenshot(page, 'list-bulk');
  await page.getByRole('combobox', { name: /^Set status/ }).selectOption('done');
  await page.getByRole('button', { name: 'Apply' }).click();
  await eventually(async () => (await page.locator(`tr[data-key="${a}"] .c-status`).textContent()) === 'Done'
    && (await page.locator(`tr[data-key="${b}"] .c-status`).textContent()) === 'Done');
  await bar.waitFor({ state: 'hidden' });
  for (const k of [a, b]) {
    const t = await apiCall(token, 'GET', `/api/v1/workspaces/acme/tasks/${k}`);
    assert.equal(t.status, 'done', k);
  }
  const other = await apiCall(token, 'GET', `/api/v1/workspaces/acme/tasks/${key('Crash when saving an empty view')}`);
  assert.equal(other.status, 'in_progress', 'unselected tasks are untouched');
  // Put them back for the screenshots.
  await apiCall(token, 'POST', '/api/v1/workspaces/acme/tasks/bulk', { tasks: [a, b], set: { status: 'todo' } });
});

test('changes made elsewhere appear without a reload', async () => {
  await page.goto(`${MINE}&sort=key&dir=asc`);
  const k = key('Measure list rendering at 10k tasks');
  await apiCall(token, 'PATCH', `/api/v1/workspaces/acme/tasks/${k}`, { title: 'Measure list rendering at 20k tasks', status: 'todo' });
  await eventually(async () => (await page.locator(`tr[data-key="${k}"] .c-title`).textContent()) === 'Measure list rendering at 20k tasks');
  assert.equal(await page.locator(`tr[data-key="${k}"] .c-status`).textContent(), 'Todo');
  // (The browser's own favicon request is a 404: not the page's doing.)
  assert.deepEqual(page.consoleErrors.filter((e) => !/Failed to load resource/.test(e)), []);
});

test('screenshots: wide and phone, light and dark', async () => {
  await page.goto(`${LIST}?group=status&sort=priority`);
  await screenshot(page, 'list');
  for (const [name, options] of [
    ['list-390', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }],
    ['list-dark', { viewport: { width: 1440, height: 900 }, colorScheme: 'dark' }],
    ['list-390-dark', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme: 'dark' }],
  ]) {
    const ctx = await browser.newContext(options);
    const p = await newPage(ctx);
    await signIn(p);
    await p.goto(`${MINE}&sort=priority&group=status`);
    await p.locator('tr[data-row]').first().waitFor();
    await screenshot(p, name);
    assert.deepEqual(p.consoleErrors, [], name);
    await ctx.close();
  }
});
