// The work behind a goal in the browser: start an initiative on the goals
// page (its goal and feature ticked in the form), follow its goal to the
// goal's page and see "What moves this goal" list the feature — through
// the initiative — with its tasks and how many are done; then edit a key
// result's target from its objective's page (a plain form, no script).
// Screenshots of the goals page with the initiative and of the goal's
// page at 1440 and 390 px.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, signIn, apiToken, apiCall, screenshot } from './helpers.mjs';

const WS = '/api/v1/workspaces/acme';
const GOALS = `${BASE}/w/acme/p/KEEL/goals`;
const OBJECTIVE = 'Reports people <i>trust</i>';
const KR = 'Weekly report readers';
const FEATURE = 'Scheduled report emails';
let browser;
let page;
let token;
let objective;
let tasks;

before(async () => {
  browser = await launch();
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await newPage(ctx);
  token = await apiToken();
  await signIn(page);
  objective = await apiCall(token, 'POST', `${WS}/goals`, { product: 'KEEL', title: OBJECTIVE });
  await apiCall(token, 'POST', `${WS}/goals`, {
    product: 'KEEL', title: KR, metric: 'Readers a week', baseline: 10, target: 50, parent: objective.id,
  });
  const feature = await apiCall(token, 'POST', `${WS}/features`, { product: 'KEEL', title: FEATURE });
  tasks = [];
  for (const [title, status] of [['Email template <b>bold</b>', 'done'], ['Send at 9 am', 'in_progress'], ['Unsubscribe link', 'todo']]) {
    tasks.push(await apiCall(token, 'POST', `${WS}/tasks`, {
      product: 'KEEL', title, status, feature: feature.id, assignee: 'ada@example.com',
    }));
  }
});

after(async () => { await browser?.close(); });

test('an initiative is started on the goals page', async () => {
  await page.goto(GOALS);
  const section = page.locator('[data-initiatives]');
  await section.getByText('New initiative').click();
  const form = section.locator('[data-initiative-form="ini-new"]');
  await form.getByLabel('Name').fill('Reporting <script>push</script>');
  await form.getByLabel('Description').fill('Make the weekly report worth opening.');
  await form.getByLabel('Status').selectOption('in_progress');
  await form.locator('[data-goal-choices]').getByLabel(OBJECTIVE, { exact: true }).check();
  await form.locator('[data-feature-choices]').getByLabel(FEATURE).check();
  await Promise.all([
    page.waitForURL(/\/w\/acme\/p\/KEEL\/goals#initiative-/),
    form.getByRole('button', { name: 'Start initiative' }).click(),
  ]);

  const card = page.locator('.initiative', { hasText: 'Reporting <script>push</script>' });
  await card.waitFor();
  assert.equal(await card.locator('script').count(), 0, 'the name is text, not markup');
  assert.match(await card.textContent(), /in progress/);
  assert.match(await card.textContent(), new RegExp(FEATURE));
  assert.equal(page.dialogs.length, 0);
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, 'goal-work-initiative');
});

test('the goal page lists the feature and its tasks', async () => {
  await page.goto(GOALS);
  const card = page.locator('.initiative', { hasText: 'Reporting' });
  await Promise.all([
    page.waitForURL(/\/w\/acme\/goals\//),
    card.getByRole('link', { name: OBJECTIVE }).click(),
  ]);
  const work = page.locator('[data-goal-work]');
  assert.match(await work.locator('h2').textContent(), /What moves this goal/);
  const feature = work.locator('.work-feature', { hasText: FEATURE });
  await feature.waitFor();
  assert.match(await feature.locator('[data-ways]').textContent(), /through initiative Reporting <script>push<\/script>/);
  assert.equal((await feature.locator('[data-done]').textContent()).trim(), '1/3 tasks done');
  const rows = feature.locator('tbody tr');
  assert.equal(await rows.count(), 3);
  const first = rows.first();
  assert.equal((await first.locator('td').nth(0).textContent()).trim(), tasks[0].key);
  assert.equal((await first.locator('td').nth(1).textContent()).trim(), 'Email template <b>bold</b>');
  assert.equal((await first.locator('td').nth(2).textContent()).trim(), 'done');
  assert.equal(await first.locator('b').count(), 0);
  assert.match(await rows.nth(1).textContent(), /in progress/);
  assert.match(await page.locator('[data-goal-initiatives]').textContent(), /Reporting/);
  await screenshot(page, 'goal-work');

  const mobile = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const small = await newPage(mobile);
  await signIn(small);
  await small.goto(page.url());
  await small.locator('[data-goal-work]').waitFor();
  const overflow = await small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `no sideways scrolling at 390 px (${overflow})`);
  await screenshot(small, 'goal-work-mobile');
  await mobile.close();
});

test("a key result's target is edited from its objective's page", async () => {
  const row = page.locator('.kr', { hasText: KR });
  assert.match(await row.locator('[data-kr-target]').textContent(), /of 50/);
  await row.getByText('Edit', { exact: true }).click();
  const form = row.locator('form');
  await form.getByLabel('Target').fill('80');
  const objectiveUrl = page.url();
  await Promise.all([
    page.waitForURL(objectiveUrl),
    form.getByRole('button', { name: 'Save' }).click(),
  ]);
  await page.waitForLoadState('load');
  const saved = page.locator('.kr', { hasText: KR });
  assert.match(await saved.locator('[data-kr-target]').textContent(), /of 80/);
  const kr = (await apiCall(token, 'GET', `${WS}/goals?product=KEEL`)).items.find((g) => g.title === KR);
  assert.equal(kr.target, 80);
  assert.equal(kr.version, 2);

  // A bad value comes back with the error beside its field.
  await saved.getByText('Edit', { exact: true }).click();
  await saved.locator('form').getByLabel('Title').fill('   ');
  await Promise.all([
    page.waitForLoadState('load'),
    saved.locator('form').getByRole('button', { name: 'Save' }).click(),
  ]);
  const error = page.locator('.field-error').first();
  await error.waitFor();
  assert.match(await error.textContent(), /empty/);
  // The 422 of the refused save and the favicon's 404 are resources, not script errors.
  assert.deepEqual(page.consoleErrors.filter((e) => !/Failed to load resource/.test(e)), []);
});
