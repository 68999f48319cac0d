// The decision log in the browser: a PM declines a feature from its page
// with a rationale and finds the decision in the log; feedback linked to
// the feature afterwards makes its demand grow until it is listed as
// worth another look; a decision with options is recorded from the log
// and the log filters by outcome. Screenshots at 1440 and 390 px.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, signIn, apiToken, apiCall, screenshot } from './helpers.mjs';

const WS = '/api/v1/workspaces/acme';
const LOG = `${BASE}/w/acme/p/DECI/decisions`;
let browser;
let page;
let token;
let featureId;
const errors = (p) => p.consoleErrors.filter((e) => !/Failed to load resource/.test(e));

before(async () => {
  browser = await launch();
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await newPage(ctx);
  token = await apiToken();
  // A product of its own, so other files' lists are untouched.
  await apiCall(token, 'POST', `${WS}/products`, { name: 'Decision demo', key: 'DECI' });
  const f = await apiCall(token, 'POST', `${WS}/features`, { product: 'DECI', title: 'Fax export' });
  featureId = f.id;
  await linkFeedback('We still fax invoices to the tax office.', 'important');
  await signIn(page);
});

after(async () => { await browser?.close(); });

async function linkFeedback(text, importance) {
  const fb = await apiCall(token, 'POST', `${WS}/feedback`, { product: 'DECI', text, source: 'email' });
  await apiCall(token, 'POST', `${WS}/feedback/${fb.id}/links`, { feature: featureId, importance });
}

test('decline a feature with a rationale and see it in the log', async () => {
  await page.goto(`${BASE}/w/acme/features/${featureId}`);
  await page.getByRole('button', { name: 'Decline…' }).click();
  const dialog = page.locator('[data-decline-dialog]');
  await dialog.getByLabel('Rationale').fill('Fax volume is tiny; <b>PDF</b> export covers it.');
  await dialog.getByLabel(/Who was informed/).fill('Support lead, ada@example.com');
  await screenshot(page, 'decline-dialog');
  await Promise.all([page.waitForEvent('load'), dialog.getByRole('button', { name: 'Decline feature' }).click()]);
  const mine = page.locator('[data-feature-decisions]');
  assert.match(await mine.textContent(), /declined/);
  assert.match(await mine.textContent(), /Fax volume is tiny/);
  assert.equal(await page.getByRole('button', { name: 'Decline…' }).count(), 0, 'a declined feature is not declined twice');
  const f = await apiCall(token, 'GET', `${WS}/features/${featureId}`);
  assert.equal(f.status, 'declined');

  await page.goto(LOG);
  const entry = page.locator('[data-decision]', { hasText: 'Decline: Fax export' });
  await entry.waitFor();
  assert.match(await entry.textContent(), /Fax volume is tiny; <b>PDF<\/b> export covers it\./, 'shown as text, escaped');
  assert.match(await entry.textContent(), /Support lead, Ada/);
  assert.equal(await page.locator('[data-another-look] [data-look]').count(), 0);
  assert.equal(page.dialogs.length, 0);
  await screenshot(page, 'decisions-log');
  assert.deepEqual(errors(page), []);
});

test('demand grows after the decline: worth another look', async () => {
  // 2 → 3: one more item is not enough.
  await linkFeedback('Our auditor wants faxes.', 'nice_to_have');
  await page.goto(LOG);
  assert.equal(await page.locator('[data-another-look] [data-look]').count(), 0);
  // 2 → 4 with two more items: flagged.
  await linkFeedback('Hospitals here only take faxes.', 'nice_to_have');
  await page.goto(LOG);
  const look = page.locator('[data-another-look] [data-look]');
  assert.equal(await look.count(), 1);
  assert.match(await look.textContent(), /Fax export/);
  assert.match(await look.textContent(), /demand 2 → 4/);
  assert.match(await look.textContent(), /feedback 1 → 3/);
  await screenshot(page, 'decisions-another-look');
  assert.deepEqual(errors(page), []);
});

test('record a decision with options; filter the log by outcome', async () => {
  await page.goto(LOG);
  await page.getByText('Record a decision').click();
  await page.getByLabel('Decision', { exact: true }).fill('Keep SQLite as the default database');
  await page.locator('#nd-outcome').selectOption('accepted');
  await page.getByLabel('Context').fill('Self-hosters want one file.');
  await page.getByLabel(/Options considered/).fill('SQLite\nPostgreSQL only\nBoth');
  await page.getByLabel('Rationale').fill('Zero set-up wins.');
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Record decision' }).click()]);
  const entry = page.locator('[data-decision]', { hasText: 'Keep SQLite' });
  await entry.waitFor();
  assert.deepEqual(await entry.locator('.decision-options li').allTextContents(), ['SQLite', 'PostgreSQL only', 'Both']);
  assert.equal(await page.locator('[data-decision]').count(), 2);

  await Promise.all([page.waitForURL(/outcome=declined/), page.locator('#df-outcome').selectOption('declined')]);
  assert.equal(await page.locator('[data-decision]').count(), 1);
  assert.match(await page.locator('[data-decision]').textContent(), /Fax export/);
  await screenshot(page, 'decisions-filtered');

  const phoneCtx = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const phone = await newPage(phoneCtx);
  await signIn(phone);
  await phone.goto(LOG);
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `no sideways scrolling (${width}px)`);
  await screenshot(phone, 'decisions-390');
  await phoneCtx.close();
  assert.deepEqual(errors(page), []);
});
