// The feedback inbox in the browser: add feedback through the form, move
// through items with j/k, triage with single keys (e, a, t), select a
// passage of the text with the mouse and link it to a feature as evidence,
// act on several items at once, and see the feature's demand grow.
// Screenshots at 1440 and 390 px.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, signIn, apiToken, apiCall, screenshot, eventually } from './helpers.mjs';

const WS = '/api/v1/workspaces/acme';
const INBOX = `${BASE}/w/acme/p/KEEL/feedback`;
let browser;
let page;
let token;
let feature;
const errors = (p) => p.consoleErrors.filter((e) => !/Failed to load resource/.test(e));

before(async () => {
  browser = await launch();
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await newPage(ctx);
  token = await apiToken();
  await apiCall(token, 'POST', `${WS}/companies`, { name: 'Globex', arr: 120000, segment: 'enterprise' });
  await apiCall(token, 'POST', `${WS}/customers`, { name: 'Hank Scorpio', email: 'hank@globex.test', company: 'Globex' });
  feature = await apiCall(token, 'POST', `${WS}/features`, { product: 'KEEL', title: 'Calendar view' });
  for (const text of [
    'Exporting the roadmap to PDF keeps timing out for our big projects',
    'The white screen burns my eyes at night, please add a dark theme',
    'Dates move back by 24 hours once I save. Timezone issue?',
  ]) {
    await apiCall(token, 'POST', `${WS}/feedback`, { product: 'KEEL', text, source: 'support', tags: ['triage-test'] });
  }
  await signIn(page);
});

after(async () => { await browser?.close(); });

const selectedText = () => page.locator('[data-detail] [data-text]').textContent();

test('feedback is added through the form and selected', async () => {
  await page.goto(INBOX);
  await page.getByText('Add feedback').click();
  await page.getByLabel('What did the customer say?').fill('I love the board, but I need a calendar view to see deadlines at a glance');
  await page.locator('#fb-source').selectOption('sales_call');
  await page.getByLabel('Customer email').fill('hank@globex.test');
  await page.locator('#fb-tags').fill('calendar, triage-test');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await eventually(async () => (await selectedText()).includes('calendar view to see deadlines'));
  const meta = await page.locator('[data-detail]').textContent();
  assert.match(meta, /Hank Scorpio/);
  assert.match(meta, /Globex/);
  assert.match(meta, /sales call/);
  await screenshot(page, 'inbox-added');
});

test('a selected passage is linked to a feature and counts as demand', async () => {
  // Select "need a calendar view" inside the text with the mouse.
  const text = page.locator('[data-detail] [data-text]');
  await text.evaluate((el) => {
    const node = el.firstChild;
    const start = node.textContent.indexOf('need a calendar view');
    const range = document.createRange();
    range.setStart(node, start);
    range.setEnd(node, start + 'need a calendar view'.length);
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  });
  await text.dispatchEvent('mouseup');
  await eventually(async () => (await page.locator('[data-excerpt]').inputValue()) === 'need a calendar view');
  await page.locator('[data-feature]').selectOption(feature.id);
  await page.locator('#d-importance').selectOption('critical');
  await page.getByRole('button', { name: /^Link/ }).click();
  await eventually(async () => (await page.locator('[data-links]').textContent()).includes('need a calendar view'));
  const got = await apiCall(token, 'GET', `${WS}/features/${feature.id}`);
  assert.equal(got.demand.feedback_count, 1);
  assert.equal(got.demand.score, 3);
  assert.equal(got.demand.arr, 120000);
  const row = page.locator('[data-row][aria-current="true"]');
  assert.match(await row.textContent(), /linked/);
  await screenshot(page, 'inbox-linked');
});

test('the keyboard moves through the inbox and triages', async () => {
  await page.goto(`${INBOX}?tag=triage-test`);
  const rows = page.locator('[data-row]');
  assert.equal(await rows.count(), 4);
  await rows.first().focus();
  await page.keyboard.press('j');
  await eventually(async () => (await rows.nth(1).getAttribute('aria-current')) === 'true');
  const second = await rows.nth(1).getAttribute('data-item');
  await eventually(async () => (await page.locator('[data-detail]').getAttribute('data-id')) === second);
  await page.keyboard.press('e');
  await eventually(async () => (await apiCall(token, 'GET', `${WS}/feedback/${second}`)).status === 'triaged');
  // Act again only once the page shows it, as a person would.
  await eventually(async () => (await page.locator(`[data-row][data-item="${second}"]`).textContent()).includes('triaged'));
  // Tags: t focuses the tag box.
  await page.locator(`[data-row][data-item="${second}"]`).focus();
  await page.keyboard.press('t');
  assert.equal(await page.evaluate(() => document.activeElement?.hasAttribute('data-tags')), true);
  await page.keyboard.press('End');
  await page.keyboard.type(', pdf');
  await page.keyboard.press('Tab');
  await eventually(async () => (await apiCall(token, 'GET', `${WS}/feedback/${second}`)).tags.includes('pdf'));
  await eventually(async () => (await page.locator('[data-detail] [data-tags]').inputValue()).includes('pdf'));
  await page.waitForLoadState('networkidle');
  // a archives and moves on to the next item.
  await page.locator(`[data-row][data-item="${second}"]`).focus();
  await page.keyboard.press('a');
  await eventually(async () => (await apiCall(token, 'GET', `${WS}/feedback/${second}`)).status === 'archived');
  await eventually(async () => (await page.locator(`[data-row][data-item="${second}"]`).count()) === 0);
  await eventually(async () => (await page.locator('[data-detail]').getAttribute('data-id')) !== second);
  assert.deepEqual(errors(page), []);
  await screenshot(page, 'inbox-triaged');
});

test('a reload on its way keeps the tag box and what was typed in it', async () => {
  await page.goto(`${INBOX}?tag=triage-test`);
  await page.locator('[data-row]').first().focus();
  await page.waitForLoadState('networkidle');
  const tags = page.locator('[data-detail] [data-tags]');
  const before = await tags.inputValue();
  // The inbox's next reload is held until the person has started typing.
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  let caught;
  const reloading = new Promise((resolve) => { caught = resolve; });
  let first = true;
  await page.route('**/w/acme/**', async (route) => {
    if (route.request().resourceType() === 'fetch' && first) {
      first = false;
      caught();
      await held;
    }
    await route.continue();
  });
  await page.evaluate(() => {
    document.querySelector('[data-detail]').dataset.old = '1';
    document.dispatchEvent(new CustomEvent('keel:event', { detail: { kind: 'feedback' } }));
  });
  await reloading;
  await tags.focus();
  await page.keyboard.press('End');
  await page.keyboard.type(', later');
  release();
  await eventually(async () => (await page.locator('[data-detail][data-old]').count()) === 0);
  await page.unroute('**/w/acme/**');
  assert.equal(await page.evaluate(() => document.activeElement?.hasAttribute('data-tags')), true);
  assert.equal(await tags.inputValue(), `${before}, later`);
});

test('bulk actions change every picked item at once', async () => {
  await page.goto(`${INBOX}?tag=triage-test`);
  const boxes = page.locator('[data-pick]');
  const n = await boxes.count();
  assert.ok(n >= 2);
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  await eventually(async () => (await page.locator('[data-bulk-count]').textContent()) === '2');
  await page.locator('[data-bulk-tag]').fill('bulk-done');
  await page.getByRole('button', { name: 'Add tag' }).click();
  await eventually(async () => (await apiCall(token, 'GET', `${WS}/feedback?tag=bulk-done`)).items.length === 2);
});

test('the inbox reads well on a phone', async () => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const phone = await newPage(ctx);
  await signIn(phone);
  await phone.goto(INBOX);
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `no sideways scrolling (${width}px)`);
  await screenshot(phone, 'inbox-390');
  await ctx.close();
});

test('features are ranked by demand and show their evidence', async () => {
  await page.goto(`${BASE}/w/acme/p/KEEL/features`);
  const first = page.locator('.features-table tbody tr').first();
  assert.match(await first.textContent(), /Calendar view/);
  assert.match(await first.textContent(), /120k/);
  await first.getByRole('link', { name: 'Calendar view' }).click();
  await page.waitForURL(/\/features\//);
  assert.match(await page.locator('.quotes').textContent(), /need a calendar view/);
  assert.match(await page.locator('.quotes').textContent(), /Hank Scorpio, Globex/);
  assert.match(await page.locator('.notify').textContent(), /hank@globex.test/);
  await page.locator('#ft-status').selectOption('planned');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await eventually(async () => (await apiCall(token, 'GET', `${WS}/features/${feature.id}`)).status === 'planned');
  await screenshot(page, 'feature-evidence');
  assert.deepEqual(errors(page), []);
});
