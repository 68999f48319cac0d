// The market page in the browser: set a cell of the comparison matrix (level
// and note), add a competitor through the form, add a SWOT item and move it
// with a button, by drag and drop and up the quadrant, note a trend — with
// user text shown as text, never run. Screenshots at 1440 and 390 px.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, signIn, apiToken, apiCall, screenshot, eventually } from './helpers.mjs';

const WS = '/api/v1/workspaces/acme';
const MARKET = `${BASE}/w/acme/p/KEEL/market`;
const RIVAL = 'Rival <b>One</b> & Co';
let browser;
let page;
let token;
let feature;
let rival;
const errors = (p) => p.consoleErrors.filter((e) => !/Failed to load resource/.test(e));

before(async () => {
  browser = await launch();
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await newPage(ctx);
  token = await apiToken();
  feature = await apiCall(token, 'POST', `${WS}/features`, { product: 'KEEL', title: 'Offline sync (market)', status: 'planned' });
  rival = await apiCall(token, 'POST', `${WS}/competitors`, {
    name: RIVAL, product: 'KEEL', website: 'https://rival.example',
    strengths: 'Fast **sync**\n\n<script>alert("x")</script><img src=x onerror=alert(1)>',
    weaknesses: 'No offline mode',
  });
  await signIn(page);
});

after(async () => { await browser?.close(); });

/** The SWOT board of KEEL, as the API sees it. */
const board = () => apiCall(token, 'GET', `${WS}/swot?product=KEEL`);
const texts = (items) => items.map((i) => i.text);

test('a matrix cell is set with a level and a note', async () => {
  await page.goto(MARKET);
  const head = await page.locator('.matrix-table thead').textContent();
  assert.ok(head.includes(RIVAL), 'the name is shown as text');
  const level = page.getByLabel(`${RIVAL}: Offline sync (market)`, { exact: true });
  await level.selectOption('partial');
  await eventually(async () => {
    const c = await apiCall(token, 'GET', `${WS}/competitors/${rival.id}`);
    return c.features.some((f) => f.feature === feature.id && f.level === 'partial');
  });
  const note = page.getByLabel(`Note on ${RIVAL}: Offline sync (market)`, { exact: true });
  await note.fill('Read-only when offline');
  await note.press('Enter');
  await eventually(async () => {
    const c = await apiCall(token, 'GET', `${WS}/competitors/${rival.id}`);
    return c.features.some((f) => f.feature === feature.id && f.level === 'partial' && f.note === 'Read-only when offline');
  });
  const cell = page.locator(`[data-cell][data-competitor="${rival.id}"][data-feature="${feature.id}"]`);
  assert.match(await cell.getAttribute('class'), /level-partial/);
  // The matrix says where we stand: the feature's own status.
  const row = page.locator('.matrix-table tbody tr', { hasText: 'Offline sync (market)' });
  assert.match(await row.textContent(), /planned/);
  const m = await apiCall(token, 'GET', `${WS}/competitors/matrix?product=KEEL`);
  const r = m.rows.find((x) => x.feature === feature.id);
  assert.equal(r.us, 'planned');
  const at = m.competitors.findIndex((c) => c.id === rival.id);
  assert.deepEqual(r.cells[at], { competitor: rival.id, level: 'partial', note: 'Read-only when offline' });
  // Markdown renders, raw HTML shows as text and runs nothing.
  const card = page.locator(`[data-competitor-card="${rival.id}"]`);
  assert.equal(await card.locator('strong', { hasText: 'sync' }).count(), 1);
  assert.match(await card.textContent(), /<script>alert\("x"\)<\/script>/);
  assert.equal(await card.locator('img, script').count(), 0);
  assert.deepEqual(page.dialogs, []);
});

test('a competitor is added through the form and edited', async () => {
  await page.goto(MARKET);
  const form = page.locator('[data-add-competitor]');
  if (!(await form.isVisible())) await page.getByText('Add a competitor').click();
  await page.locator('#nc-name').fill('Acme Roadmaps');
  await page.locator('#nc-web').fill('https://acme-roadmaps.example');
  await page.locator('#nc-str').fill('Cheap');
  await page.locator('#nc-weak').fill('Slow to load');
  await page.locator('#nc-price').fill('$5 per seat');
  await page.getByRole('button', { name: 'Add competitor' }).click();
  const card = page.locator('[data-competitor-card]', { hasText: 'Acme Roadmaps' });
  await eventually(async () => (await card.count()) === 1);
  assert.match(await card.textContent(), /Slow to load/);
  assert.match(await card.textContent(), /\$5 per seat/);
  await eventually(async () => (await page.locator('.matrix-table thead').textContent()).includes('Acme Roadmaps'));
  const list = await apiCall(token, 'GET', `${WS}/competitors?product=KEEL&limit=500`);
  const added = list.items.find((c) => c.name === 'Acme Roadmaps');
  assert.equal(added.product, 'KEEL');
  assert.equal(added.website, 'https://acme-roadmaps.example');
  // Edit its weaknesses (PATCH with If-Match).
  await card.getByText('Edit Acme Roadmaps').click();
  await card.getByLabel('Weaknesses').fill('Slow to load; no API');
  await card.getByRole('button', { name: 'Save' }).click();
  await eventually(async () => (await apiCall(token, 'GET', `${WS}/competitors/${added.id}`)).weaknesses === 'Slow to load; no API');
  await eventually(async () => (await card.textContent()).includes('no API'));
  assert.deepEqual(errors(page), []);
});

test('a SWOT item is added, then moved by button, by drag and up its quadrant', async () => {
  await page.goto(MARKET);
  await page.getByLabel('New item in Strengths').fill('Loved by engineers');
  await page.getByLabel('New item in Strengths').press('Enter');
  const item = page.locator('[data-swot]', { hasText: 'Loved by engineers' });
  await eventually(async () => (await item.getAttribute('data-quadrant')) === 'strength');
  assert.ok(texts((await board()).strengths).includes('Loved by engineers'));

  // A button moves it to another quadrant.
  await page.getByRole('button', { name: 'Move to Opportunities: Loved by engineers' }).click();
  await eventually(async () => texts((await board()).opportunities).includes('Loved by engineers'));
  await eventually(async () => (await item.getAttribute('data-quadrant')) === 'opportunity');
  assert.ok(!texts((await board()).strengths).includes('Loved by engineers'));

  // Dragging it onto the threats quadrant moves it there (both in view,
  // as a person would have them).
  await page.locator('.swot').evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await item.dragTo(page.locator('[data-drop="threat"]'));
  await eventually(async () => texts((await board()).threats).includes('Loved by engineers'));
  await eventually(async () => (await item.getAttribute('data-quadrant')) === 'threat');

  // A second threat, moved above the first with ↑.
  await page.getByLabel('New item in Threats').fill('Price war');
  await page.getByRole('button', { name: 'Add to Threats' }).click();
  await eventually(async () => texts((await board()).threats).includes('Price war'));
  const threats = texts((await board()).threats);
  assert.ok(threats.indexOf('Price war') > threats.indexOf('Loved by engineers'));
  await page.getByRole('button', { name: 'Move up: Price war' }).click();
  await eventually(async () => {
    const t = texts((await board()).threats);
    return t.indexOf('Price war') === t.indexOf('Loved by engineers') - 1;
  });
  // The page shows the same order, positions from 0.
  await eventually(async () => {
    const shown = await page.locator('[data-drop="threat"] [data-swot-text]').allTextContents();
    return shown.indexOf('Price war') === shown.indexOf('Loved by engineers') - 1;
  });
  const positions = (await board()).threats.map((i) => i.position);
  assert.deepEqual(positions, positions.map((_, i) => i));
  assert.deepEqual(errors(page), []);
});

test('a trend is noted', async () => {
  await page.goto(MARKET);
  const form = page.locator('[data-add-trend]');
  if (!(await form.isVisible())) await page.getByText('Note a trend').click();
  await page.locator('#nt-title').fill('Teams want local-first tools');
  await page.locator('#nt-impact').selectOption('high');
  await page.locator('#nt-date').fill('2026-05-04');
  await page.locator('#nt-source').fill('https://example.com/local-first');
  await page.locator('#nt-body').fill('Seen in *three* interviews');
  await page.getByRole('button', { name: 'Add trend' }).click();
  const trend = page.locator('[data-trend]', { hasText: 'Teams want local-first tools' });
  await eventually(async () => (await trend.count()) === 1);
  assert.match(await trend.textContent(), /high impact/);
  assert.match(await trend.textContent(), /2026-05-04/);
  assert.equal(await trend.locator('em', { hasText: 'three' }).count(), 1);
  const list = await apiCall(token, 'GET', `${WS}/trends?product=KEEL`);
  const t = list.items.find((x) => x.title === 'Teams want local-first tools');
  assert.equal(t.impact, 'high');
  assert.equal(t.observed_on, '2026-05-04');
  await screenshot(page, 'market-1440');
  assert.deepEqual(errors(page), []);
  assert.deepEqual(page.dialogs, []);
});

test('the market page reads well on a phone', async () => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const phone = await newPage(ctx);
  await signIn(phone);
  await phone.goto(MARKET);
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `no sideways scrolling (${width}px)`);
  // The SWOT quadrants stack.
  const [a, b] = await Promise.all(['strength', 'weakness'].map((q) => phone.locator(`.swot-${q}`).boundingBox()));
  assert.ok(b.y > a.y + a.height - 1, 'quadrants stack on a phone');
  await screenshot(phone, 'market-390');
  assert.deepEqual(errors(phone), []);
  await ctx.close();
});
