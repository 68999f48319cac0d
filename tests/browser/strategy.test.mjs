// Vision and strategy in the browser: the Strategy tab, a first version
// written in the editor, a second saved from it, the comparison of the two
// (added and removed lines), the history with authors and notes, a save
// from a stale page refused with the reason shown and nothing overwritten,
// hostile text kept as text. Screenshots at 1440 and 390 px.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, signIn, apiToken, apiCall, screenshot } from './helpers.mjs';

const WS = '/api/v1/workspaces/acme';
let browser;
let page;
let token;
const errors = (p) => p.consoleErrors.filter((e) => !/Failed to load resource/.test(e));
const HOSTILE = '<img src=x onerror=alert(1)> & "quotes"';

before(async () => {
  browser = await launch();
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await newPage(ctx);
  token = await apiToken();
  await signIn(page);
});

after(async () => { await browser?.close(); });

// Every saved version (the list pages; 500 is a page's most).
const versions = async () => (await apiCall(token, 'GET', `${WS}/products/KEEL/strategy/versions?limit=500`)).items;

test('a PM writes the vision and strategy, then revises it and sees what changed', async () => {
  const before = (await versions()).length;
  await page.goto(`${BASE}/w/acme/p/KEEL`);
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Strategy' }).click();
  await page.waitForURL(/\/w\/acme\/p\/KEEL\/strategy$/);

  const form = page.locator('form[data-strategy-form]');
  if (!(await form.isVisible())) await page.locator('.strategy-edit summary').click();
  await form.getByLabel('Vision (Markdown)').fill('Calm planning for small teams');
  await form.getByLabel('Strategy (Markdown)').fill(`Win agencies first\nStay one binary\n${HOSTILE}`);
  await form.getByLabel('What changed and why').fill('First draft');
  await form.getByRole('button', { name: /^Save version/ }).click();
  await page.waitForURL(/from=\d+&to=\d+$/);
  assert.equal((await versions()).length, before + 1);
  assert.match(await page.locator('[data-current-vision]').innerText(), /Calm planning for small teams/);
  // Hostile text is shown as text, never as an element.
  assert.equal(await page.locator('[data-current-strategy] img').count(), 0);
  assert.match(await page.locator('[data-current-strategy]').innerText(), /<img src=x/);

  await page.locator('.strategy-edit summary').click();
  await form.getByLabel('Strategy (Markdown)').fill(`Win agencies first\nThen studios\n${HOSTILE}`);
  await form.getByLabel('What changed and why').fill('After the Q3 interviews');
  await form.getByRole('button', { name: /^Save version/ }).click();
  await page.waitForURL(/from=\d+&to=\d+$/);

  const cmp = page.locator('[data-comparison]');
  await cmp.waitFor();
  assert.match(await cmp.innerText(), /After the Q3 interviews/);
  assert.deepEqual(await cmp.locator('pre[aria-label="Changes to the strategy"] .diff-removed').allInnerTexts(), ['− Stay one binary']);
  assert.deepEqual(await cmp.locator('pre[aria-label="Changes to the strategy"] .diff-added').allInnerTexts(), ['+ Then studios']);
  assert.equal(await cmp.locator('img').count(), 0);
  const history = page.locator('.strategy-history li');
  assert.equal(await history.count(), before + 2);
  assert.match(await history.first().innerText(), /After the Q3 interviews/);
  await screenshot(page, 'strategy-compare');
  assert.deepEqual(errors(page), []);
});

test('a save from a page that went stale is refused and says why', async () => {
  await page.goto(`${BASE}/w/acme/p/KEEL/strategy`);
  const count = (await versions()).length;
  // Someone else saves meanwhile.
  await apiCall(token, 'POST', `${WS}/products/KEEL/strategy/versions`, { strategy: 'Their edit' });
  await page.locator('.strategy-edit summary').click();
  const form = page.locator('form[data-strategy-form]');
  await form.getByLabel('Strategy (Markdown)').fill('My edit');
  await form.getByRole('button', { name: /^Save version/ }).click();
  const error = page.locator('[data-strategy-error]');
  await error.waitFor();
  assert.match(await error.innerText(), /saved meanwhile/);
  const now = await apiCall(token, 'GET', `${WS}/products/KEEL/strategy`);
  assert.equal(now.strategy, 'Their edit');
  assert.equal((await versions()).length, count + 1);
});

test('the strategy page reads well on a phone', async () => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const phone = await newPage(ctx);
  await signIn(phone);
  await phone.goto(`${BASE}/w/acme/p/KEEL/strategy?from=1&to=2`);
  await phone.locator('[data-comparison]').waitFor();
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px`);
  await screenshot(phone, 'strategy-390');
  await ctx.close();
});
