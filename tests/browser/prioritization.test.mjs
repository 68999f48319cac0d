// Prioritization in the browser: a PM scores three features on their pages
// (a bad input gets its error next to the field), sorts the list by RICE
// (the sort stays in the URL), switches to the manual order, drags one
// feature to the top and moves another with the keyboard, each with a
// reason that then shows in the feature's score history, and finds every
// rated feature on the value/effort 2×2. Screenshots at 1440 and 390 px.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, signIn, apiToken, apiCall, screenshot, eventually } from './helpers.mjs';

const WS = '/api/v1/workspaces/acme';
const LIST = `${BASE}/w/acme/p/PRIO/features`;
let browser;
let page;
let token;
const ids = {};
const errors = (p) => p.consoleErrors.filter((e) => !/Failed to load resource/.test(e));
/** Runs `action` and waits for the page load it causes (writes reload). */
async function reloadAfter(action) {
  const loaded = page.waitForEvent('load');
  await action();
  await loaded;
}
const rowTitles = async () => page.locator('tr[data-row]').evaluateAll((rows) => rows.map((r) => r.dataset.title));

before(async () => {
  browser = await launch();
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await newPage(ctx);
  token = await apiToken();
  // A product of its own, so other files' features do not join the ranking.
  await apiCall(token, 'POST', `${WS}/products`, { name: 'Prioritization demo', key: 'PRIO' });
  for (const title of ['Bulk export', 'Single sign-on', 'Dark mode']) {
    ids[title] = (await apiCall(token, 'POST', `${WS}/features`, { product: 'PRIO', title })).id;
  }
  await signIn(page);
});

after(async () => { await browser?.close(); });

/** Fills the score form of a feature's page and saves it. */
async function score(title, s) {
  await page.goto(`${BASE}/w/acme/features/${ids[title]}`);
  await page.getByLabel('Reach').fill(String(s.reach));
  await page.getByLabel('Impact').selectOption(String(s.impact));
  await page.getByLabel('Confidence (0–1)').fill(String(s.confidence));
  await page.getByLabel('Effort (person-months)').fill(String(s.effort));
  await page.getByLabel('Value (1–10)').fill(String(s.value));
  await page.getByLabel('Effort (1–10)').fill(String(s.rating));
  await page.getByLabel('MoSCoW').selectOption(s.moscow);
  await reloadAfter(() => page.getByRole('button', { name: 'Save scores' }).click());
  assert.equal(await page.locator('[data-score="rice"]').textContent(), s.rice);
}

test('scores are set on three features, and a bad one is refused by its field', async () => {
  await page.goto(`${BASE}/w/acme/features/${ids['Bulk export']}`);
  // Blank reach: the hint says where it comes from.
  assert.match(await page.locator('[data-reach-hint]').textContent(), /from 0 linked customers/);
  await page.getByLabel('Impact').selectOption('2');
  await page.getByLabel('Confidence (0–1)').fill('0.5');
  await page.getByLabel('Effort (person-months)').fill('0');
  await page.getByRole('button', { name: 'Save scores' }).click();
  const effortError = page.locator('[data-error-for="rice.effort"]');
  await eventually(async () => /more than 0/.test(await effortError.textContent()));
  assert.equal(await page.getByLabel('Effort (person-months)').getAttribute('aria-invalid'), 'true');
  await screenshot(page, 'prioritization-field-error');
  const stored = await apiCall(token, 'GET', `${WS}/features/${ids['Bulk export']}`);
  assert.equal(stored.rice, null, 'nothing saved while a field is wrong');

  await score('Bulk export', { reach: 100, impact: 2, confidence: 0.5, effort: 1, value: 8, rating: 2, moscow: 'must', rice: '100' });
  await score('Single sign-on', { reach: 1000, impact: 3, confidence: 0.8, effort: 4, value: 9, rating: 9, moscow: 'should', rice: '600' });
  await score('Dark mode', { reach: 20, impact: 1, confidence: 1, effort: 0.5, value: 3, rating: 2, moscow: 'could', rice: '40' });
  assert.equal(await page.locator('[data-score="value_effort"]').textContent(), '1.5');
  assert.match(await page.locator('[data-score-history]').textContent(), /RICE reach\s+—\s+→\s+20/);
  await screenshot(page, 'prioritization-feature-scores');
  assert.deepEqual(errors(page), []);
});

test('the list sorts by RICE, and the sort stays in the URL', async () => {
  await page.goto(LIST);
  await page.getByLabel('Sort by').selectOption('rice');
  await page.waitForURL(/sort=rice/);
  assert.deepEqual(await rowTitles(), ['Single sign-on', 'Bulk export', 'Dark mode']);
  const rice = await page.locator('td[data-col="rice"]').allTextContents();
  assert.deepEqual(rice, ['600', '100', '40']);
  await page.reload();
  assert.equal(await page.getByLabel('Sort by').inputValue(), 'rice');
  await screenshot(page, 'prioritization-rice');
  assert.deepEqual(errors(page), []);
});

test('in manual order a drag asks for a reason, which lands in the history', async () => {
  await page.getByLabel('Sort by').selectOption('manual');
  await page.waitForURL(/sort=manual/);
  // Never ordered by hand: demand order, all equal, newest first.
  assert.deepEqual(await rowTitles(), ['Dark mode', 'Single sign-on', 'Bulk export']);
  const rows = page.locator('tr[data-row]');
  await rows.nth(2).dragTo(rows.nth(0), { targetPosition: { x: 40, y: 3 } });
  const dialog = page.locator('[data-rank-dialog]');
  await dialog.waitFor({ state: 'visible' });
  assert.match(await dialog.textContent(), /Move “Bulk export” here/);
  // No reason, no move.
  await page.getByRole('button', { name: 'Move it' }).click();
  assert.match(await dialog.locator('[data-error-for="reason"]').textContent(), /Say why/);
  await page.getByLabel(/Why does it move/).fill('Our biggest renewal depends on it');
  await screenshot(page, 'prioritization-rank-dialog');
  await reloadAfter(() => page.getByRole('button', { name: 'Move it' }).click());
  assert.deepEqual(await rowTitles(), ['Bulk export', 'Dark mode', 'Single sign-on']);

  // The keyboard way: the row's ↓/↑ buttons.
  await page.getByRole('button', { name: 'Move Single sign-on up' }).focus();
  await page.keyboard.press('Enter');
  await dialog.waitFor({ state: 'visible' });
  await page.keyboard.type('Security review needs it before dark mode');
  await reloadAfter(() => page.keyboard.press('Enter'));
  assert.deepEqual(await rowTitles(), ['Bulk export', 'Single sign-on', 'Dark mode']);
  await screenshot(page, 'prioritization-manual');

  await page.getByRole('link', { name: 'Bulk export' }).first().click();
  const history = page.locator('[data-score-history] li.rank-move');
  await history.first().waitFor();
  assert.match(await history.first().textContent(), /Manual rank\s+3\s+→\s+1\s+“?Our biggest renewal depends on it/);
  assert.match(await history.first().textContent(), /Ada/);
  await screenshot(page, 'prioritization-history');
  const api = await apiCall(token, 'GET', `${WS}/features/${ids['Bulk export']}/score-history`);
  assert.equal(api.items.at(-1).reason, 'Our biggest renewal depends on it');
  assert.deepEqual(errors(page), []);
});

test('the value/effort 2×2 places every rated feature in its quadrant', async () => {
  await page.goto(LIST);
  const chart = page.locator('[data-value-effort] svg');
  await chart.waitFor();
  for (const name of ['Quick wins', 'Big bets', 'Fill-ins', 'Money pits']) {
    assert.ok((await chart.textContent()).includes(name), name);
  }
  assert.equal(await page.locator('[data-dot]').count(), 3);
  assert.equal(await page.locator(`[data-dot="${ids['Single sign-on']}"]`).getAttribute('aria-label'), 'Single sign-on: value 9, effort 9 (Big bets)');
  await page.locator('[data-value-effort]').scrollIntoViewIfNeeded();
  await screenshot(page, 'prioritization-value-effort');
  await page.locator(`[data-dot="${ids['Dark mode']}"]`).click();
  await page.waitForURL(new RegExp(`/features/${ids['Dark mode']}$`));

  const phoneCtx = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const phone = await newPage(phoneCtx);
  await signIn(phone);
  await phone.goto(`${LIST}?sort=wsjf`);
  await phone.locator('[data-value-effort] svg').waitFor();
  await screenshot(phone, 'prioritization-phone');
  await phone.goto(`${BASE}/w/acme/features/${ids['Bulk export']}`);
  await screenshot(phone, 'prioritization-feature-phone');
  assert.deepEqual(errors(phone), []);
  await phoneCtx.close();
});
