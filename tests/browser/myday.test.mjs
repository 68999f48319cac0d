// My day and cycles in the browser: pick tasks for the day, check one off
// (still checked after a reload), reorder with the keyboard, accept the
// offer of yesterday's unfinished items, follow a change made elsewhere
// live; create a cycle through the form, add tasks, see the burn-up chart.
// Screenshots at 1440 and 390 px, light and dark.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, signIn, apiToken, apiCall, screenshot, eventually } from './helpers.mjs';

const WS = '/api/v1/workspaces/acme';
const pad = (n) => String(n).padStart(2, '0');
const localDay = (offset = 0) => {
  const d = new Date();
  d.setDate(d.getDate() + offset);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
};

let browser;
let page;
let token;
const keys = {};
// The browser's own favicon request may 404: not the page's doing.
const errors = (p) => p.consoleErrors.filter((e) => !/Failed to load resource/.test(e));

before(async () => {
  browser = await launch();
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await newPage(ctx);
  token = await apiToken();
  const mk = async (name, title, extra = {}) => {
    const t = await apiCall(token, 'POST', `${WS}/tasks`, { product: 'KEEL', title, assignee: 'me', ...extra });
    keys[name] = t.key;
  };
  await mk('notes', 'Write the release notes for 0.4', { estimate: 2, priority: 'medium' });
  await mk('review', 'Review the burn-up chart pull request', { estimate: 3, priority: 'high', status: 'in_review' });
  await mk('flaky', 'Fix the flaky sign-in test', { estimate: 1, priority: 'urgent', status: 'in_progress' });
  await mk('docs', 'Document the My day API', { estimate: 5, priority: 'low' });
  await mk('left', 'Answer the accessibility audit', { estimate: 2, priority: 'medium' });
  // Yesterday (local): two items, one finished — the other is offered today.
  const done = await apiCall(token, 'POST', `${WS}/my-day/items`, { task: keys.docs, date: localDay(-1) });
  await apiCall(token, 'PATCH', `${WS}/my-day/items/${done.id}`, { done: true });
  await apiCall(token, 'POST', `${WS}/my-day/items`, { task: keys.left, date: localDay(-1) });
  await signIn(page);
});

after(async () => {
  await browser?.close();
});

const item = (p, key) => p.locator(`[data-day-list] > [data-task="${key}"]`);
const order = (p) => p.locator('[data-day-list] > [data-item]').evaluateAll((els) => els.map((e) => e.dataset.task));

test('My day: pick tasks, check one off, reorder, and it all persists', async () => {
  await page.goto(`${BASE}/w/acme/my-day`);
  await page.getByRole('heading', { level: 1 }).getByText('Today').waitFor();
  assert.equal(await page.locator('[data-my-day]').getAttribute('data-date'), localDay());

  for (const k of [keys.flaky, keys.review, keys.notes]) {
    await page.getByRole('button', { name: `Add ${k} to this day` }).click();
    await item(page, k).waitFor();
  }
  assert.deepEqual(await order(page), [keys.flaky, keys.review, keys.notes]);

  // Check one off: the task itself stays as it was.
  const saved = page.waitForResponse((r) => r.url().includes('/my-day/items/') && r.request().method() === 'PATCH');
  await item(page, keys.flaky).getByRole('checkbox').check();
  assert.equal((await saved).status(), 200);
  await page.reload();
  assert.equal(await item(page, keys.flaky).getByRole('checkbox').isChecked(), true);
  assert.equal(await item(page, keys.review).getByRole('checkbox').isChecked(), false);
  const flaky = await apiCall(token, 'GET', `${WS}/tasks/${keys.flaky}`);
  assert.equal(flaky.status, 'in_progress');

  // Reorder with the keyboard: notes up one place; focus follows the item.
  await page.getByRole('button', { name: `Move ${keys.notes} up` }).focus();
  await page.keyboard.press('Enter');
  await eventually(async () => (await order(page))[1] === keys.notes);
  await page.keyboard.press('Enter');
  await eventually(async () => (await order(page))[0] === keys.notes);
  await page.reload();
  assert.deepEqual(await order(page), [keys.notes, keys.flaky, keys.review]);
});

test('yesterday\'s unfinished items are offered, not copied', async () => {
  await page.goto(`${BASE}/w/acme/my-day`);
  const offer = page.locator('[data-offer]');
  await offer.getByText('1 unfinished').waitFor();
  assert.equal(await item(page, keys.left).count(), 0, 'not added by itself');
  assert.equal(await offer.locator(`[data-offer-task="${keys.docs}"]`).count(), 0, 'the checked-off one is not offered');
  await offer.getByRole('button', { name: 'Add to today' }).click();
  await item(page, keys.left).waitFor();
  assert.equal(await page.locator('[data-offer]').count(), 0);
  assert.deepEqual(await order(page), [keys.notes, keys.flaky, keys.review, keys.left]);
  // The history shows yesterday: one of two checked off.
  const history = page.locator('.history-list > li').first();
  await history.getByText('1/2').waitFor();
});

test('a change made elsewhere shows up live, and marking the task done', async () => {
  await page.goto(`${BASE}/w/acme/my-day`);
  await item(page, keys.left).waitFor();
  // Another tab (here: the API) takes an item off the day.
  const day = await apiCall(token, 'GET', `${WS}/my-day?date=${localDay()}`);
  const left = day.items.find((i) => i.task === keys.left);
  await apiCall(token, 'DELETE', `${WS}/my-day/items/${left.id}`);
  await eventually(async () => (await item(page, keys.left).count()) === 0);
  // "Mark task done" finishes the task and checks the item off.
  await item(page, keys.review).getByRole('button', { name: /Mark task done/ }).click();
  await eventually(async () => (await item(page, keys.review).getByRole('checkbox').isChecked()));
  assert.equal((await apiCall(token, 'GET', `${WS}/tasks/${keys.review}`)).status, 'done');
  assert.deepEqual(errors(page), []);
});

test('screenshots of My day: wide and phone, light and dark', async () => {
  await page.goto(`${BASE}/w/acme/my-day`);
  await item(page, keys.notes).waitFor();
  await page.locator('.history details').first().evaluate((d) => { d.open = true; });
  await screenshot(page, 'my-day');
  for (const [name, options] of [
    ['my-day-390', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }],
    ['my-day-dark', { viewport: { width: 1440, height: 900 }, colorScheme: 'dark' }],
    ['my-day-390-dark', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme: 'dark' }],
  ]) {
    const ctx = await browser.newContext(options);
    const p = await newPage(ctx);
    await signIn(p);
    await p.goto(`${BASE}/w/acme/my-day`);
    await item(p, keys.notes).waitFor();
    await screenshot(p, name);
    assert.deepEqual(errors(p), [], name);
    await ctx.close();
  }
});

test('a cycle: created through the form, tasks added, burn-up drawn', async () => {
  await page.goto(`${BASE}/w/acme/cycles`);
  await page.getByLabel('Name').fill('Cycle 1: Release 0.4');
  await page.getByLabel('Product').selectOption('KEEL');
  await page.getByLabel('Starts').fill(localDay(-3));
  await page.getByLabel('Ends').fill(localDay(8));
  await page.getByRole('button', { name: 'Create cycle' }).click();
  await page.waitForURL(/\/w\/acme\/cycles\/[0-9a-f]{32}$/);
  await page.getByRole('heading', { level: 1, name: /Cycle 1: Release 0.4/ }).waitFor();

  // The finished review (not offered: the picker lists open tasks) goes
  // in through the API, and shows up live.
  const cycleId = page.url().split('/').pop();
  await apiCall(token, 'POST', `${WS}/cycles/${cycleId}/tasks`, { tasks: [keys.review] });
  await page.locator(`[data-scope-task="${keys.review}"]`).waitFor();
  for (const k of [keys.notes, keys.flaky, keys.docs]) {
    await page.getByRole('button', { name: `Add ${k} to the cycle` }).click();
    await page.locator(`[data-scope-task="${k}"]`).waitFor();
  }
  // 2 + 3 + 1 + 5 points; the review is done already.
  await page.locator('.stat', { hasText: 'Scope' }).getByText('11 pt').waitFor();
  await page.locator('.stat', { hasText: 'Completed' }).getByText('3 pt').waitFor();
  // A task finished elsewhere moves the chart live.
  await apiCall(token, 'PATCH', `${WS}/tasks/${keys.flaky}`, { status: 'done' });
  await page.locator('.stat', { hasText: 'Completed' }).getByText('4 pt').waitFor();

  const chart = page.locator('svg.burnup-wide');
  assert.equal(await chart.isVisible(), true);
  assert.match(await chart.locator('title').textContent(), /Burn-up of Cycle 1/);
  assert.match(await chart.locator('desc').textContent(), /scope 11 pt, completed 4 pt/);
  // Four days so far (three before today and today): four points per line.
  assert.equal((await chart.locator('polyline.done').getAttribute('points')).split(' ').length, 4);
  assert.equal(await chart.locator('line.ideal').count(), 1);
  assert.equal(await page.locator('svg.burnup-narrow').isVisible(), false);

  // Taking a task out.
  await page.getByRole('button', { name: `Remove ${keys.docs} from the cycle` }).click();
  await page.locator('.stat', { hasText: 'Scope' }).getByText('6 pt').waitFor();
  await screenshot(page, 'cycle');
  assert.deepEqual(errors(page), []);

  const url = page.url();
  for (const [name, options] of [
    ['cycle-390', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }],
    ['cycle-dark', { viewport: { width: 1440, height: 900 }, colorScheme: 'dark' }],
    ['cycle-390-dark', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme: 'dark' }],
  ]) {
    const ctx = await browser.newContext(options);
    const p = await newPage(ctx);
    await signIn(p);
    await p.goto(url);
    await p.locator('svg.burnup:visible').first().waitFor();
    if (name.includes('390')) assert.equal(await p.locator('svg.burnup-narrow').isVisible(), true, name);
    await screenshot(p, name);
    assert.deepEqual(errors(p), [], name);
    await ctx.close();
  }
  await page.goto(`${BASE}/w/acme/cycles`);
  await page.locator('.cycle-row', { hasText: 'Cycle 1: Release 0.4' }).locator('.cycle-done', { hasText: '4 of 6 pt' }).waitFor();
  await screenshot(page, 'cycles');
});
