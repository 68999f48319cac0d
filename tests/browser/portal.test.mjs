// Ideas and the public portal in the browser: a PM adds an idea, shows it
// on the portal and opens the portal; a visitor with no account votes and
// sends feedback (the honeypot stays out of sight); the feedback lands in
// the inbox, where a passage is linked to the idea; promoting the idea
// makes a feature that keeps the quote. Screenshots at 1440 and 390 px.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, signIn, apiToken, apiCall, screenshot, eventually } from './helpers.mjs';

const WS = '/api/v1/workspaces/acme';
const IDEAS = `${BASE}/w/acme/p/PORT/ideas`;
const PORTAL = `${BASE}/portal/acme/PORT`;
let browser;
let page;
let token;
const errors = (p) => p.consoleErrors.filter((e) => !/Failed to load resource/.test(e));

before(async () => {
  browser = await launch();
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await newPage(ctx);
  token = await apiToken();
  // A product of its own, so other files' inbox counts are untouched.
  await apiCall(token, 'POST', `${WS}/products`, { name: 'Portal demo', key: 'PORT' });
  await signIn(page);
});

after(async () => { await browser?.close(); });

test('a PM adds an idea, shows it on the portal and opens the portal', async () => {
  await page.goto(IDEAS);
  await page.getByLabel('New idea').fill('Offline mode for field teams');
  await page.getByRole('button', { name: 'Add idea' }).click();
  const row = page.locator('[data-idea]', { hasText: 'Offline mode for field teams' });
  await row.waitFor();
  await row.getByRole('button', { name: 'Show on portal' }).click();
  await eventually(async () => (await page.locator('[data-idea]', { hasText: 'Offline mode' }).textContent()).includes('public'));
  await page.getByRole('button', { name: 'Open the portal' }).click();
  await page.locator('[data-portal-link]').waitFor();
  const product = await apiCall(token, 'GET', `${WS}/products/PORT`);
  assert.equal(product.portal_enabled, true);
  await screenshot(page, 'ideas-page');
  assert.deepEqual(errors(page), []);
});

test('a visitor without an account votes and sends feedback', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const visitor = await newPage(ctx);
  await visitor.goto(PORTAL);
  assert.match(await visitor.locator('h1').textContent(), /Portal demo/);
  const idea = visitor.locator('.portal-idea', { hasText: 'Offline mode for field teams' });
  await idea.getByPlaceholder('you@example.com').fill('field.lead@example.org');
  await idea.getByRole('button', { name: 'Vote' }).click();
  await visitor.locator('[data-thanks]').waitFor();
  assert.match(await visitor.locator('[data-thanks]').textContent(), /your vote counts/);
  assert.equal(await visitor.locator('.portal-idea', { hasText: 'Offline mode' }).locator('[data-votes]').textContent(), '1');

  // The honeypot is in the form but nobody sees it.
  const trap = visitor.locator('#pf-website');
  assert.equal(await trap.count(), 1);
  const box = await trap.boundingBox();
  assert.ok(!box || box.x + box.width < 0, `honeypot off screen: ${JSON.stringify(box)}`);

  await visitor.getByLabel('What happened, or what do you need?').fill('We lose signal on site all day. I need the app to keep working offline and sync later.');
  await visitor.locator('#pf-email').fill('field.lead@example.org');
  await visitor.getByLabel('Your name (optional)').fill('Rosa Field');
  await visitor.getByRole('button', { name: 'Send feedback' }).click();
  await visitor.locator('[data-thanks]').waitFor();
  assert.match(await visitor.locator('[data-thanks]').textContent(), /feedback reached the team/);
  // Nothing private on the page: no emails, no names.
  const html = await visitor.content();
  assert.ok(!html.includes('field.lead@example.org') && !html.includes('Rosa Field'));
  await screenshot(visitor, 'portal');
  assert.deepEqual(errors(visitor), []);
  await ctx.close();

  const phoneCtx = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const phone = await newPage(phoneCtx);
  await phone.goto(PORTAL);
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `no sideways scrolling (${width}px)`);
  await screenshot(phone, 'portal-390');
  await phoneCtx.close();
});

test('portal feedback is linked to the idea, which is promoted with its evidence', async () => {
  await page.goto(`${BASE}/w/acme/p/PORT/feedback`);
  const detail = page.locator('[data-detail]');
  await eventually(async () => (await detail.textContent()).includes('keep working offline'));
  assert.match(await detail.textContent(), /Rosa Field/);
  assert.match(await detail.textContent(), /portal/i);
  const text = page.locator('[data-detail] [data-text]');
  await text.evaluate((el) => {
    const node = el.firstChild;
    const passage = 'keep working offline and sync later';
    const start = node.textContent.indexOf(passage);
    const range = document.createRange();
    range.setStart(node, start);
    range.setEnd(node, start + passage.length);
    window.getSelection().removeAllRanges();
    window.getSelection().addRange(range);
  });
  await text.dispatchEvent('mouseup');
  await eventually(async () => (await page.locator('[data-excerpt]').inputValue()) === 'keep working offline and sync later');
  const ideas = await apiCall(token, 'GET', `${WS}/ideas?product=PORT`);
  const idea = ideas.items[0];
  await page.locator('[data-feature]').selectOption(`idea:${idea.id}`);
  await page.locator('#d-importance').selectOption('critical');
  await page.getByRole('button', { name: /^Link/ }).click();
  await eventually(async () => (await page.locator('[data-links]').textContent()).includes('keep working offline and sync later'));
  assert.match(await page.locator('[data-links]').textContent(), /Offline mode for field teams/);
  await screenshot(page, 'inbox-linked-to-idea');

  await page.goto(IDEAS);
  await page.locator('[data-idea]', { hasText: 'Offline mode' }).getByRole('button', { name: 'Promote to feature' }).click();
  await page.waitForURL(/\/features\//);
  assert.match(await page.locator('.quotes').textContent(), /keep working offline and sync later/);
  assert.match(await page.locator('.quotes').textContent(), /Rosa Field/);
  const promoted = await apiCall(token, 'GET', `${WS}/ideas/${idea.id}`);
  assert.equal(promoted.status, 'promoted');
  await screenshot(page, 'idea-promoted');
  assert.deepEqual(errors(page), []);
});
