// Goals in the browser: set an objective and a key result through the
// forms, check in two values on the key result's page, and see the chart
// the server draws (check-ins, the ideal line, the dashed forecast), the
// health and the SMART check; a viewer sees it all without the forms.
// Screenshots of the goals page and a goal's page at 1440 and 390 px.
//
// The check-ins are dated relative to today (20 and 10 days ago, deadline
// in 20 days), so the goal is half-way through its time whatever the day:
// 30 of 100 trails that by 0.2, which is "at risk", and the trend (2 a
// day) forecasts 90 on the deadline.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, signIn, apiToken, apiCall, screenshot } from './helpers.mjs';

const WS = '/api/v1/workspaces/acme';
const GOALS = `${BASE}/w/acme/p/KEEL/goals`;
const OBJECTIVE = 'Onboarding <em>delights</em>';
let browser;
let page;
let token;

/** The date `days` from today (UTC) as YYYY-MM-DD. */
const day = (days) => new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);

/** Runs `action` and waits for the page it reloads to load. */
async function reloadAfter(action) {
  const loaded = page.waitForEvent('load');
  await action();
  await loaded;
}

before(async () => {
  browser = await launch();
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await newPage(ctx);
  token = await apiToken();
  await signIn(page);
});

after(async () => { await browser?.close(); });

test('an objective and a key result are set through the forms', async () => {
  await page.goto(GOALS);
  const tab = page.getByRole('link', { name: 'Goals', exact: true });
  assert.equal(await tab.getAttribute('aria-current'), 'page');
  const form = page.locator('[data-new-goal-form]');
  if (!(await form.isVisible())) await page.getByText('New objective').click();
  await form.getByLabel('Title').fill(OBJECTIVE);
  await reloadAfter(() => form.getByRole('button', { name: 'Add objective' }).click());

  const card = page.locator('.objective', { hasText: 'Onboarding <em>delights</em>' });
  await card.waitFor();
  assert.equal(await card.locator('em').count(), 0, 'the title is text, not markup');
  await card.getByText('Add a key result').click();
  const kr = card.locator('[data-new-kr-form]');
  await kr.getByLabel('Title').fill('Activation rate');
  await kr.getByLabel('Metric').fill('Activated sign-ups');
  await kr.getByLabel('Baseline').fill('0');
  await kr.getByLabel('Target').fill('100');
  await kr.getByLabel('Unit').fill('%');
  await kr.getByLabel('Deadline').fill(day(20));
  await kr.getByLabel('Owner').selectOption({ index: 1 });
  await reloadAfter(() => kr.getByRole('button', { name: 'Add key result' }).click());

  const row = page.locator('.kr', { hasText: 'Activation rate' });
  await row.waitFor();
  assert.equal((await row.locator('[data-health]').textContent()).trim(), 'not started');
  assert.equal(await row.locator('progress').getAttribute('value'), '0');
});

test('two check-ins draw the chart and set the health', async () => {
  await page.goto(GOALS);
  await reloadAfter(() => page.getByRole('link', { name: 'Activation rate' }).click());
  assert.match(page.url(), /\/w\/acme\/goals\/[0-9a-f]{32}$/);
  assert.match(await page.locator('[data-smart]').textContent(), /This goal is SMART/);
  assert.match(await page.locator('.chart-card').textContent(), /Ideal/);
  for (const [value, date, note] of [['10', day(-20), 'First cohort'], ['30', day(-10), 'Checklist <b>shipped</b>']]) {
    const form = page.locator('[data-checkin-form]');
    await form.getByLabel(/^Value/).fill(value);
    await form.getByLabel('Date').fill(date);
    await form.getByLabel('Note').fill(note);
    await reloadAfter(() => form.getByRole('button', { name: 'Check in' }).click());
  }
  assert.equal((await page.locator('h1 [data-health]').textContent()).trim(), 'at risk');
  assert.equal((await page.locator('[data-progress]').textContent()).trim(), '30%');
  assert.equal((await page.locator('[data-current]').textContent()).trim(), '30 %');
  assert.equal((await page.locator('[data-forecast]').textContent()).trim(), '90 %');
  const chart = page.locator('svg.goal-chart-wide');
  assert.equal(await chart.locator('circle.actual-dot').count(), 2);
  assert.equal(await chart.locator('line.ideal').count(), 1);
  assert.equal(await chart.locator('line.forecast').getAttribute('stroke-dasharray'), '6 5');
  assert.ok(await chart.isVisible());
  const rows = page.locator('[data-checkins] tbody tr');
  assert.equal(await rows.count(), 2);
  assert.match(await rows.first().textContent(), /Checklist <b>shipped<\/b>/, 'notes shown as text');
  await screenshot(page, 'goal');

  const goal = await apiCall(token, 'GET', `${WS}/goals?product=KEEL`);
  const api = goal.items.find((g) => g.title === 'Activation rate');
  assert.equal(api.health, 'at_risk');
  assert.equal(api.forecast, 90);

  await page.setViewportSize({ width: 390, height: 844 });
  assert.ok(await page.locator('svg.goal-chart-narrow').isVisible());
  assert.ok(!(await chart.isVisible()));
  await screenshot(page, 'goal-mobile');
  await page.setViewportSize({ width: 1440, height: 900 });
});

test('the objective names each missing SMART part with why it matters', async () => {
  await page.goto(GOALS);
  await reloadAfter(() => page.getByRole('link', { name: OBJECTIVE }).click());
  const smart = page.locator('[data-smart]');
  for (const field of ['metric', 'target', 'deadline', 'owner', 'baseline']) {
    assert.equal(await smart.locator(`[data-missing="${field}"]`).count(), 1, field);
  }
  assert.match(await smart.textContent(), /without a deadline progress cannot be judged against time/);
  assert.match(await page.locator('.kr-list').textContent(), /Activation rate/);
  await page.goto(GOALS);
  assert.match(await page.locator('.kr', { hasText: 'Activation rate' }).textContent(), /at risk/);
  await screenshot(page, 'goals');
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'goals-mobile');
  await page.setViewportSize({ width: 1440, height: 900 });
  assert.deepEqual(page.dialogs, []);
  assert.deepEqual(page.consoleErrors.filter((e) => !/Failed to load resource/.test(e)), []);
});

test('a viewer reads goals without the forms', async () => {
  const viewer = { email: 'vic.goals@example.com', password: 'correct horse battery' };
  await apiCall(token, 'POST', '/api/v1/admin/users', { email: viewer.email, name: 'Vic Viewer', password: viewer.password });
  await apiCall(token, 'POST', `${WS}/members`, { email: viewer.email, role: 'viewer' });
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const other = await newPage(ctx);
  await signIn(other, viewer);
  await other.goto(GOALS);
  assert.match(await other.locator('[data-objective-list]').textContent(), /Activation rate/);
  assert.equal(await other.locator('[data-new-goal-form], [data-new-kr-form]').count(), 0);
  await other.getByRole('link', { name: 'Activation rate' }).click();
  await other.locator('svg.goal-chart-wide').waitFor();
  assert.equal(await other.locator('[data-checkin-form], [data-delete-goal]').count(), 0);
  await ctx.close();
});
