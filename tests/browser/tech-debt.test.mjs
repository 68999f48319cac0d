// The tech-debt budget on a cycle's page: a target out of range is refused
// by its field; a valid one (typed in percent) is saved, and the page shows
// it against the actual share of done points on tech debt (3 of 10 here:
// one tech-debt task of 3 points, one feature task of 7). Screenshots.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, signIn, apiToken, apiCall, screenshot } from './helpers.mjs';
const WS = '/api/v1/workspaces/acme';
/** `YYYY-MM-DD`, `days` from today (UTC): the cycle is running now. */
const day = (days) => new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);

test('a cycle shows its tech-debt target against the actual share', async () => {
  const token = await apiToken();
  const t = async (title, extra) => (await apiCall(token, 'POST', `${WS}/tasks`, { product: 'KEEL', title, ...extra })).key;
  const keys = [await t('Upgrade sqlx', { type: 'tech_debt', estimate: 3, status: 'done' }), await t('Export', { type: 'feature', estimate: 7, status: 'done' })];
  const c = await apiCall(token, 'POST', `${WS}/cycles`, { name: 'Cycle TD', product: 'KEEL', start_date: day(-5), end_date: day(7) });
  await apiCall(token, 'POST', `${WS}/cycles/${c.id}/tasks`, { tasks: keys });
  const browser = await launch();
  const page = await newPage(await browser.newContext({ viewport: { width: 1440, height: 900 } }));
  await signIn(page);
  await page.goto(`${BASE}/w/acme/cycles/${c.id}`);
  await page.getByLabel('Target share (%)').fill('150');
  await page.getByRole('button', { name: 'Set target' }).click();
  await page.locator('[data-error-for="target"]:not(:empty)').waitFor();
  await screenshot(page, 'tech-debt-field-error');
  const loaded = page.waitForEvent('load');
  await page.getByLabel('Target share (%)').fill('20');
  await page.getByRole('button', { name: 'Set target' }).click();
  await loaded;
  assert.equal(await page.locator('[data-td-target]').textContent(), '20%');
  assert.equal(await page.locator('[data-td-actual]').textContent(), '30%');
  await screenshot(page, 'tech-debt-cycle');
  assert.deepEqual(page.consoleErrors.filter((e) => !/Failed to load resource/.test(e)), []);
  await browser.close();
});
