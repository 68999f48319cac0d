// User stories in the browser: on a feature's page, write a story ("As a /
// I want / so that") with two Given/When/Then criteria (a half-filled one
// is refused, naming the row and part), break it down into tasks with one
// button (the created keys are shown; a second press makes nothing new),
// then open a created task and read its "why": story → feature → goal →
// the customers who asked. Hostile text stays text. Screenshots at 1440
// and 390 px.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, signIn, apiToken, apiCall, screenshot, eventually } from './helpers.mjs';

const WS = '/api/v1/workspaces/acme';
let browser;
let page;
let token;
let feature;
let goal;
let createdKeys = [];
const errors = (p) => p.consoleErrors.filter((e) => !/Failed to load resource/.test(e));

before(async () => {
  browser = await launch();
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await newPage(ctx);
  token = await apiToken();
  goal = await apiCall(token, 'POST', `${WS}/goals`, { product: 'KEEL', title: 'Close the books in a day' });
  feature = await apiCall(token, 'POST', `${WS}/features`, { product: 'KEEL', title: 'Invoice CSV export', status: 'planned', goals: [goal.id] });
  // A company of its own: other browser tests share this workspace.
  await apiCall(token, 'POST', `${WS}/companies`, { name: 'Ledgerline' });
  const carla = await apiCall(token, 'POST', `${WS}/customers`, { name: 'Carla Count', company: 'Ledgerline' });
  for (const text of ['We need invoices as CSV for the month end', 'CSV export please, Excel chokes on PDFs']) {
    const fb = await apiCall(token, 'POST', `${WS}/feedback`, { product: 'KEEL', text, source: 'email', customer: carla.id });
    await apiCall(token, 'POST', `${WS}/feedback/${fb.id}/links`, { feature: feature.id, importance: 'important' });
  }
  await signIn(page);
});

after(async () => { await browser?.close(); });

const criterion = (i) => page.locator('[data-criterion]').nth(i);

test('a story with two acceptance criteria is written on the feature page', async () => {
  await page.goto(`${BASE}/w/acme/features/${feature.id}`);
  const section = page.getByRole('region', { name: 'User stories' });
  await eventually(async () => (await section.locator('[data-stories-list]').textContent()).includes('No stories yet.'));
  await page.getByLabel('As a').fill('finance admin');
  await page.getByLabel('I want').fill('to export <b>invoices</b> as CSV');
  await page.getByLabel('so that').fill('I can close the month in a day');
  await criterion(0).getByLabel('Given').fill('a month with 3 paid invoices');
  await criterion(0).getByLabel('When').fill('I press Export');
  // Half a criterion: the server names the row and the part.
  await page.getByRole('button', { name: 'Add story' }).click();
  const errorBox = page.locator('[data-story-errors]');
  await eventually(async () => (await errorBox.isVisible()) && (await errorBox.textContent()).includes('Criterion 1, then'));
  assert.equal(await criterion(0).getByLabel('Then').getAttribute('aria-invalid'), 'true');
  assert.equal((await apiCall(token, 'GET', `${WS}/stories?feature=${feature.id}`)).items.length, 0, 'nothing written');

  await criterion(0).getByLabel('Then').fill('a CSV with 3 rows downloads');
  await page.getByRole('button', { name: '+ Add Given / When / Then' }).click();
  await criterion(1).getByLabel('Given').fill('a month without invoices');
  await criterion(1).getByLabel('When').fill('I press Export');
  await criterion(1).getByLabel('Then').fill('the CSV has only its header row');
  // A third row added and removed again is not sent.
  await page.getByRole('button', { name: '+ Add Given / When / Then' }).click();
  await criterion(2).getByRole('button', { name: 'Remove this criterion' }).click();
  await page.getByLabel('Technical requirements (Markdown)').fill('- Stream rows\n- UTF-8 with BOM for Excel');
  await page.getByRole('button', { name: 'Add story' }).click();

  const card = section.locator('[data-story]');
  await eventually(async () => (await card.count()) === 1);
  assert.equal(await errorBox.isVisible(), false);
  assert.equal(await card.locator('.story-narrative').textContent(),
    'As a finance admin, I want to export <b>invoices</b> as CSV so that I can close the month in a day draft');
  assert.equal(await card.locator('.story-narrative b').count(), 0, 'hostile text stays text');
  const items = await card.locator('.story-criteria li').allTextContents();
  assert.deepEqual(items, [
    'Given a month with 3 paid invoices when I press Export then a CSV with 3 rows downloads',
    'Given a month without invoices when I press Export then the CSV has only its header row',
  ]);
  const [stored] = (await apiCall(token, 'GET', `${WS}/stories?feature=${feature.id}`)).items;
  assert.equal(stored.technical_requirements, '- Stream rows\n- UTF-8 with BOM for Excel');
  assert.equal(stored.acceptance_criteria.length, 2);
  // The form is empty again, with one blank row.
  assert.equal(await page.getByLabel('I want').inputValue(), '');
  assert.equal(await page.locator('[data-criterion]').count(), 1);
  await screenshot(page, 'stories-written');
  assert.deepEqual(errors(page), []);
  assert.deepEqual(page.dialogs, []);
});

test('one press breaks the story down into a task per criterion, once', async () => {
  const card = page.locator('[data-story]');
  await card.getByRole('button', { name: 'Break down into tasks' }).click();
  const result = page.locator('[data-breakdown-result]');
  await eventually(async () => (await result.textContent()).startsWith('Created 2 tasks: '));
  createdKeys = await result.locator('a').allTextContents();
  assert.equal(createdKeys.length, 2);
  // The story's task list shows the same keys, and the API agrees.
  assert.deepEqual(await page.locator('[data-story-tasks] a').allTextContents(), createdKeys);
  const task = await apiCall(token, 'GET', `${WS}/tasks/${createdKeys[0]}`);
  assert.equal(task.title, 'Given a month with 3 paid invoices, when I press Export, then a CSV with 3 rows downloads');
  assert.equal(task.feature, feature.id);
  await screenshot(page, 'stories-broken-down');

  await page.getByRole('button', { name: 'Break down into tasks' }).click();
  await eventually(async () => (await page.locator('[data-breakdown-result]').textContent()) === 'Every criterion already has a task.');
  assert.equal((await apiCall(token, 'GET', `${WS}/stories?feature=${feature.id}`)).items[0].tasks.length, 2);
  assert.deepEqual(errors(page), []);
});

test('a created task shows why it exists: story, feature, goal, customers', async () => {
  await page.locator('[data-story-tasks] a', { hasText: createdKeys[0] }).click();
  await page.waitForURL(new RegExp(`/w/acme/t/${createdKeys[0]}$`));
  const why = page.getByRole('region', { name: 'Why' });
  assert.equal(await why.locator('[data-why-story]').textContent(),
    'As a finance admin, I want to export <b>invoices</b> as CSV so that I can close the month in a day');
  const featureLink = why.getByRole('link', { name: 'Invoice CSV export' });
  assert.equal(await featureLink.getAttribute('href'), `/w/acme/features/${feature.id}`);
  assert.equal(await why.locator('[data-why-goals]').textContent(), 'Close the books in a day');
  assert.equal((await why.locator('[data-why-customers]').textContent()).replace(/\s+/g, ' '), 'Carla Count (Ledgerline) ×2');
  await screenshot(page, 'stories-task-why');

  // Narrow screens keep the chain readable.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  assert.ok(await why.isVisible());
  await screenshot(page, 'stories-task-why-narrow');
  await featureLink.click();
  await page.waitForURL(new RegExp(`/w/acme/features/${feature.id}$`));
  await eventually(async () => (await page.locator('[data-story]').count()) === 1);
  await screenshot(page, 'stories-feature-narrow');
  await page.setViewportSize({ width: 1440, height: 900 });
  assert.deepEqual(errors(page), []);
  assert.deepEqual(page.dialogs, []);
});
