// Roadmaps in the browser: a PM makes a roadmap, adds three features from
// the page, drags one from later to now (still there after a reload),
// moves one with the keyboard controls, marks two public (one with a
// public title), schedules one and sees it on the timeline; makes a share
// link and opens it in a fresh, logged-out browser, which sees only the
// public items in stakeholder words; revoking the link makes it a 404.
// Screenshots at 1440 and 390 px.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, signIn, apiToken, apiCall, screenshot, eventually } from './helpers.mjs';

const WS = '/api/v1/workspaces/acme';
const PAGE = `${BASE}/w/acme/p/ROAD/roadmaps`;
let browser;
let page;
let token;
let shareUrl;
const errors = (p) => p.consoleErrors.filter((e) => !/Failed to load resource/.test(e));
const lane = (name) => page.locator(`[data-lane="${name}"]`);
const card = (title) => page.locator('[data-item]', { hasText: title });
const titlesIn = async (name) => (await lane(name).locator('.rm-title').allTextContents()).map((t) => t.trim());

/** Runs an action after which the page reloads itself, and waits for that. */
async function reloads(action) {
  const loaded = page.waitForEvent('load');
  await action();
  await loaded;
}

before(async () => {
  browser = await launch();
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await newPage(ctx);
  token = await apiToken();
  // A product of its own, so other files' pages are untouched.
  await apiCall(token, 'POST', `${WS}/products`, { name: 'Roadmap demo', key: 'ROAD' });
  for (const title of ['Bulk export', 'Single sign-on', 'Audit log internals']) {
    await apiCall(token, 'POST', `${WS}/features`, { product: 'ROAD', title });
  }
  await signIn(page);
});

after(async () => { await browser?.close(); });

test('a PM makes a roadmap and adds three features to it', async () => {
  await page.goto(PAGE);
  await page.getByText('No roadmap yet').waitFor();
  await page.getByLabel('New roadmap').fill('2027 plan');
  await page.getByRole('button', { name: 'Create roadmap' }).click();
  await page.locator('h1', { hasText: '2027 plan' }).waitFor();
  for (const title of ['Bulk export', 'Single sign-on', 'Audit log internals']) {
    await page.getByLabel('Add a feature').selectOption({ label: title });
    await reloads(() => page.getByRole('button', { name: 'Add to roadmap' }).click());
    await card(title).waitFor();
  }
  assert.deepEqual(await titlesIn('later'), ['Bulk export', 'Single sign-on', 'Audit log internals']);
  assert.deepEqual(await titlesIn('now'), []);
  assert.deepEqual(errors(page), []);
});

test('dragging a card from later to now is saved', async () => {
  // From the card's padding: its middle holds controls, which do not drag.
  await reloads(() => card('Single sign-on').dragTo(lane('now'), { sourcePosition: { x: 5, y: 5 } }));
  assert.deepEqual(await titlesIn('now'), ['Single sign-on']);
  await page.reload();
  assert.deepEqual(await titlesIn('now'), ['Single sign-on']);
  assert.deepEqual(await titlesIn('later'), ['Bulk export', 'Audit log internals']);
  // The server agrees.
  const [map] = (await apiCall(token, 'GET', `${WS}/roadmaps?product=ROAD`)).items;
  const full = await apiCall(token, 'GET', `${WS}/roadmaps/${map.id}`);
  const sso = full.items.find((i) => i.feature_title === 'Single sign-on');
  assert.equal(sso.lane, 'now');
  assert.equal(sso.position, 0);
});

test('the keyboard controls move a card too', async () => {
  const picker = card('Bulk export').getByLabel('Lane of Bulk export');
  await picker.focus();
  await reloads(() => picker.selectOption('next'));
  await page.reload();
  assert.deepEqual(await titlesIn('next'), ['Bulk export']);
  await screenshot(page, 'roadmap-lanes');
});

test('two items are marked public, one scheduled, and the timeline draws it', async () => {
  await reloads(() => card('Single sign-on').getByRole('button', { name: 'Make public' }).click());
  assert.equal(await card('Single sign-on').getAttribute('data-public'), 'true');
  const bulk = card('Bulk export');
  await bulk.getByText('Edit').click();
  await bulk.getByLabel('Start month').fill('2027-02');
  await bulk.getByLabel('End month').fill('2027-04');
  await bulk.getByLabel('Public title').fill('Export everything in one click');
  await bulk.getByLabel('Public summary').fill('Your whole workspace as CSV, in seconds.');
  await reloads(() => bulk.getByRole('button', { name: 'Save' }).click());
  assert.match(await card('Bulk export').textContent(), /2027-02 – 2027-04/);
  await reloads(() => card('Bulk export').getByRole('button', { name: 'Make public' }).click());
  assert.equal(await card('Bulk export').getAttribute('data-public'), 'true');
  assert.equal(await card('Audit log internals').getAttribute('data-public'), 'false');

  await page.getByRole('link', { name: 'Timeline' }).click();
  const svg = page.locator('svg[data-timeline]');
  await svg.waitFor();
  const bar = svg.locator('[data-bar]');
  assert.equal(await bar.count(), 1);
  assert.match(await bar.locator('title').textContent(), /Bulk export: Feb 2027 – Apr 2027/);
  assert.equal(await svg.locator('[data-today]').count(), 1);
  await page.getByRole('link', { name: 'Quarters' }).click();
  await page.waitForURL(/scale=quarter/);
  assert.match(await page.locator('svg[data-timeline]').textContent(), /Q1 2027/);
  await screenshot(page, 'roadmap-timeline');
  await page.getByRole('link', { name: 'By goal' }).click();
  await page.locator('[data-goal-group]', { hasText: 'No goal' }).waitFor();
  assert.deepEqual(errors(page), []);
});

test('a share link shows only the public items to someone logged out', async () => {
  await page.getByRole('link', { name: 'Now / next / later' }).click();
  await page.getByLabel('For whom (optional)').fill('Board');
  await page.getByRole('button', { name: 'Create share link' }).click();
  const input = page.locator('[data-link-url]');
  await eventually(async () => (await input.inputValue()).includes('/share/roadmaps/'));
  shareUrl = await input.inputValue();
  await screenshot(page, 'roadmap-share-made');

  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const visitor = await newPage(ctx);
  const res = await visitor.goto(shareUrl);
  assert.equal(res.status(), 200);
  assert.match(res.headers()['x-robots-tag'] ?? '', /noindex/);
  assert.equal(new URL(visitor.url()).pathname.startsWith('/share/roadmaps/'), true, 'no redirect to log in');
  const text = await visitor.locator('main').textContent();
  assert.match(text, /Single sign-on/);
  assert.match(text, /Export everything in one click/);
  assert.match(text, /Your whole workspace as CSV/);
  assert.doesNotMatch(text, /Bulk export/, 'the public title replaces the internal one');
  assert.doesNotMatch(text, /Audit log internals/, 'private items stay private');
  assert.equal(await visitor.locator('[data-shared-item]').count(), 2);
  assert.equal(await visitor.locator('[data-shared-lane="Now"] [data-shared-item]').count(), 1);
  assert.equal(await visitor.locator('form').count(), 0, 'nothing to write');
  await screenshot(visitor, 'roadmap-shared');
  const phone = await newPage(await browser.newContext({ viewport: { width: 390, height: 844 } }));
  await phone.goto(shareUrl);
  const frame = phone.locator('.rm-timeline-frame').first();
  const fits = await frame.evaluate((el) => el.getBoundingClientRect().right <= window.innerWidth + 1);
  assert.ok(fits, 'the timeline scrolls inside its frame on a phone');
  await screenshot(phone, 'roadmap-shared-390');
  assert.deepEqual(errors(visitor), []);
});

test('a revoked link is a 404, like one that never existed', async () => {
  await page.reload();
  assert.equal(await page.locator('[data-link]').count(), 1, 'listed, without its secret');
  assert.doesNotMatch(await page.content(), new RegExp(new URL(shareUrl).pathname.split('/').pop()));
  await reloads(() => page.locator('[data-link]', { hasText: 'Board' }).getByRole('button', { name: 'Revoke' }).click());
  assert.equal(await page.locator('[data-link]').count(), 0);
  const visitor = await newPage(await browser.newContext());
  const revoked = await visitor.goto(shareUrl);
  assert.equal(revoked.status(), 404);
  const revokedText = await visitor.locator('main').textContent();
  const unknown = await visitor.goto(`${BASE}/share/roadmaps/keel_not-a-real-secret`);
  assert.equal(unknown.status(), 404);
  assert.equal(await visitor.locator('main').textContent(), revokedText, 'the 404 does not say which');
  await screenshot(visitor, 'roadmap-share-revoked');
});

test('the roadmap page at 390 px', async () => {
  const phone = await newPage(await browser.newContext({ viewport: { width: 390, height: 844 } }));
  await signIn(phone);
  await phone.goto(PAGE);
  await phone.locator('[data-lanes]').waitFor();
  await screenshot(phone, 'roadmap-lanes-390');
  await phone.goto(`${PAGE}?view=timeline`);
  const frame = phone.locator('.rm-timeline-frame');
  const scrolls = await frame.evaluate((el) => el.scrollWidth > el.clientWidth);
  assert.ok(scrolls, 'a long timeline scrolls sideways instead of shrinking');
  await screenshot(phone, 'roadmap-timeline-390');
  assert.deepEqual(errors(phone), []);
});
