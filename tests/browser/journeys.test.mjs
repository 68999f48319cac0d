// Personas and the journey map editor in the browser: create a persona and
// write its goals, pains and jobs; start a map for it from the product's
// Journeys tab; add three stages; type into cells (click, Enter, arrows,
// blur); set emotions and watch the SVG curve's points move; link an
// opportunity to a feature; move, rename and delete stages; hostile text
// stays text. Screenshots at 1440 and 390 px.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, signIn, apiToken, apiCall, screenshot, eventually } from './helpers.mjs';

const WS = '/api/v1/workspaces/acme';
let browser;
let page;
let token;
let feature;
let persona;
let mapUrl;
let mapId;
const errors = (p) => p.consoleErrors.filter((e) => !/Failed to load resource/.test(e));

before(async () => {
  browser = await launch();
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await newPage(ctx);
  token = await apiToken();
  feature = await apiCall(token, 'POST', `${WS}/features`, { product: 'KEEL', title: 'Guided set-up', status: 'planned' });
  await signIn(page);
});

after(async () => { await browser?.close(); });

/** The map as the API sees it. */
const map = () => apiCall(token, 'GET', `${WS}/journeys/${mapId}`);
/** `[name, emotion, cy]` of each point of the wide curve, left to right. */
const points = () => page.locator('svg.emotion-curve-wide circle.ec-point').evaluateAll((cs) =>
  cs.map((c) => [c.querySelector('title').textContent.split(':')[0], Number(c.dataset.emotion), Number(c.getAttribute('cy'))]));
const cellText = (stage, lane) => page.locator(`[data-cell][data-stage="${stage}"][data-lane="${lane}"] [data-cell-text]`);
const stageIds = () => page.locator('[data-stage-head]').evaluateAll((hs) => hs.map((h) => h.dataset.stageHead));

test('a persona is created, its goals, pains and jobs written, its customers shown', async () => {
  await page.goto(`${BASE}/w/acme/p/KEEL`);
  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: 'Personas' }).click();
  await page.waitForURL(/\/w\/acme\/personas$/);
  await page.getByLabel('Name').fill('Ops Olivia');
  await page.getByLabel('Goals').fill('Fewer pages at night');
  await page.getByRole('button', { name: 'Create persona' }).click();
  await page.waitForURL(/\/w\/acme\/personas\/[0-9a-f]+$/);
  persona = page.url().split('/').pop();
  await page.getByLabel('Pains').fill('- Alert storms\n- Flaky dashboards');
  await page.getByLabel('Jobs to be done').fill('Keep the service up while sleeping');
  await page.getByRole('button', { name: 'Save' }).click();
  await eventually(async () => (await page.locator('[data-live-status]').textContent()) === 'Saved');
  const saved = await apiCall(token, 'GET', `${WS}/personas/${persona}`);
  assert.equal(saved.goals, 'Fewer pages at night');
  assert.equal(saved.pains, '- Alert storms\n- Flaky dashboards');
  assert.equal(saved.jobs, 'Keep the service up while sleeping');
  // A customer of this persona appears on its page.
  await apiCall(token, 'POST', `${WS}/customers`, { name: 'Olga Oncall', email: 'olga@ops.test', persona: 'Ops Olivia' });
  await page.reload();
  assert.match(await page.locator('[data-persona-customers]').textContent(), /Olga Oncall/);
  await screenshot(page, 'persona');
  await page.goto(`${BASE}/w/acme/personas`);
  assert.match(await page.locator('.persona-card').first().textContent(), /Ops Olivia[\s\S]*1 customer[\s\S]*Fewer pages at night/);
  assert.deepEqual(errors(page), []);
});

test('a journey map is started from the product tabs, for the persona', async () => {
  await page.goto(`${BASE}/w/acme/p/KEEL`);
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Journeys' }).click();
  await page.waitForURL(/\/p\/KEEL\/journeys$/);
  await page.getByLabel('Title').fill('Onboarding');
  await page.getByLabel('Persona').selectOption({ label: 'Ops Olivia' });
  await page.getByRole('button', { name: 'Create map' }).click();
  await page.waitForURL(/\/w\/acme\/journeys\/[0-9a-f]+$/);
  mapUrl = page.url();
  mapId = mapUrl.split('/').pop();
  assert.match(await page.locator('.jm-meta').textContent(), /Journey of Ops Olivia/);
  assert.equal(await page.locator('svg.emotion-curve-wide').getAttribute('data-points'), '0');
});

test('three stages are added and the curve gets a point for each', async () => {
  for (const name of ['Discover', 'Sign up', 'First board']) {
    await page.getByLabel('Name of the new stage').fill(name);
    await page.keyboard.press('Enter');
    await eventually(async () => (await page.locator('[data-live-status]').textContent()) === `Added stage ${name}`);
  }
  assert.equal(await page.locator('[data-stage-head]').count(), 3);
  // Focus stays in the box for the next one.
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'jm-new-stage');
  const pts = await points();
  assert.deepEqual(pts.map((p) => p[0]), ['Discover', 'Sign up', 'First board']);
  assert.deepEqual(pts.map((p) => p[1]), [0, 0, 0]);
  assert.equal(new Set(pts.map((p) => p[2])).size, 1, 'all neutral: one height');
  const m = await map();
  assert.deepEqual(m.stages.map((s) => s.name), ['Discover', 'Sign up', 'First board']);
});

test('cells are typed into in place: click, Enter, arrows, blur', async () => {
  const [discover, signUp] = await stageIds();
  // Click a cell, type, Enter saves and keeps focus on the cell.
  await cellText(discover, 'actions').click();
  await page.keyboard.type('Reads a review');
  await page.keyboard.press('Enter');
  await eventually(async () => (await map()).stages[0].cells.actions === 'Reads a review');
  await eventually(async () => (await page.evaluate(() => document.activeElement?.dataset.focus)) === `cell:${discover}:actions`);
  // Arrow keys move between cells; Enter edits; Shift+Enter is a new line.
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.focus), `cell:${discover}:touchpoints`);
  await page.keyboard.press('Enter');
  await page.keyboard.type('Review site');
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.type('Blog post');
  await page.keyboard.press('Enter');
  await eventually(async () => (await map()).stages[0].cells.touchpoints === 'Review site\nBlog post');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.focus), `cell:${signUp}:thoughts`);
  // Esc cancels.
  await page.keyboard.press('Enter');
  await page.keyboard.type('never mind');
  await page.keyboard.press('Escape');
  assert.equal(await cellText(signUp, 'thoughts').textContent(), '');
  // Blur saves: type, then click another cell.
  await cellText(signUp, 'pain_points').click();
  await page.keyboard.type('Too many fields');
  await cellText(signUp, 'opportunities').click();
  await page.keyboard.type('Ask for less up front');
  await page.keyboard.press('Enter');
  await eventually(async () => {
    const s = (await map()).stages[1].cells;
    return s.pain_points === 'Too many fields' && s.opportunities === 'Ask for less up front';
  });
  await eventually(async () => (await cellText(signUp, 'pain_points').textContent()) === 'Too many fields');
  assert.equal((await map()).stages[1].cells.thoughts, '', 'the cancelled edit was not saved');
});

test('emotions move the points of the SVG curve', async () => {
  const [discover, signUp, firstBoard] = await stageIds();
  const before = await points();
  const zero = before[0][2];
  // As a person does it: focus the select, pick a score.
  const choose = async (label, value) => {
    const select = page.getByLabel(label);
    await select.focus();
    await select.selectOption(value);
  };
  await choose('Emotion at Sign up', '-2');
  await eventually(async () => (await points())[1][1] === -2);
  await choose('Emotion at First board', '2');
  await eventually(async () => (await points())[2][1] === 2);
  await choose('Emotion at Discover', '1');
  await eventually(async () => (await points())[0][1] === 1);
  const after = await points();
  // SVG y grows downwards: −2 is lowest, +2 highest, +1 between.
  assert.equal(after[1][2] > zero, true, `Sign up below the zero line: ${JSON.stringify(after)}`);
  assert.equal(after[2][2] < after[0][2] && after[0][2] < zero, true, JSON.stringify(after));
  assert.equal(Math.round(after[1][2] - zero), Math.round(zero - after[2][2]), '−2 and +2 are symmetric around 0');
  const line = await page.locator('svg.emotion-curve-wide polyline.ec-curve').getAttribute('points');
  assert.equal(line.split(' ').length, 3);
  assert.equal(Number(line.split(' ')[1].split(',')[1]), after[1][2], 'the curve runs through the points');
  assert.match(await page.locator('svg.emotion-curve-wide desc').textContent(), /2\. Sign up: −2 \(very negative\)/);
  const m = await map();
  assert.deepEqual(m.stages.map((s) => s.emotion), [1, -2, 2]);
  // Focus stays on (or comes back to) the select that was changed.
  await eventually(async () => (await page.evaluate(() => document.activeElement?.dataset.focus)) === `emotion:${discover}`);
  assert.ok(signUp && firstBoard);
});

test('an opportunity is linked to a feature and unlinked', async () => {
  const signUp = (await stageIds())[1];
  await page.getByLabel('Feature or idea to link at Sign up').selectOption({ label: 'Guided set-up' });
  await page.getByRole('button', { name: 'Link the chosen feature at Sign up' }).click();
  const links = page.locator(`[data-cell][data-stage="${signUp}"][data-lane="opportunities"] .jm-link`);
  await eventually(async () => (await links.count()) === 1);
  assert.match(await links.first().textContent(), /Guided set-up[\s\S]*planned/);
  const m = await map();
  assert.equal(m.stages[1].opportunity_links[0].linked_id, feature.id);
  assert.equal(m.stages[1].opportunity_links[0].linked_kind, 'feature');
  assert.equal(await links.first().getByRole('link').getAttribute('href'), `/w/acme/features/${feature.id}`);
  await screenshot(page, 'journey-editor');
  // Unlink, then link again for the screenshots to come.
  await page.getByRole('button', { name: 'Unlink Guided set-up' }).click();
  await eventually(async () => (await links.count()) === 0);
  assert.deepEqual((await map()).stages[1].opportunity_links, []);
  await page.getByLabel('Feature or idea to link at Sign up').selectOption({ label: 'Guided set-up' });
  await page.getByRole('button', { name: 'Link the chosen feature at Sign up' }).click();
  await eventually(async () => (await links.count()) === 1);
});

test('stages are moved, renamed and deleted; hostile names stay text', async () => {
  const [discover] = await stageIds();
  await page.getByRole('button', { name: 'Move Discover right' }).click();
  await eventually(async () => (await stageIds())[1] === discover);
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.focus), `right:${discover}`);
  assert.deepEqual((await points()).map((p) => p[0]), ['Sign up', 'Discover', 'First board']);
  // Rename with Enter.
  const name = page.getByLabel('Name of stage 3');
  await name.fill('First project');
  await name.press('Enter');
  await eventually(async () => (await map()).stages[2].name === 'First project');
  // A hostile name is shown as typed, in the grid and in the SVG.
  const hostile = '<img src=x onerror=alert(1)>"&';
  await page.getByLabel('Name of the new stage').fill(hostile);
  await page.keyboard.press('Enter');
  await eventually(async () => (await page.locator('[data-stage-head]').count()) === 4);
  assert.equal(await page.locator('[data-stage-name]').nth(3).inputValue(), hostile);
  assert.match(await page.locator('svg.emotion-curve-wide desc').textContent(), /4\. <img src=x onerror=alert\(1\)>"&: 0/);
  assert.equal(await page.locator('.jm-grid img, svg img').count(), 0);
  // Delete takes two presses.
  const del = page.locator('[data-delete-stage]').nth(3);
  await del.click();
  assert.equal((await map()).stages.length, 4, 'not yet');
  await page.locator('[data-delete-stage]').nth(3).click();
  await eventually(async () => (await map()).stages.length === 3);
  await eventually(async () => (await page.locator('[data-stage-head]').count()) === 3);
  assert.deepEqual(page.dialogs, []);
  assert.deepEqual(errors(page), []);
  await screenshot(page, 'journey-editor-1440');
  // The list of the product's maps, and the persona's page, show the map.
  await page.goto(`${BASE}/w/acme/p/KEEL/journeys`);
  assert.match(await page.locator('.jm-map-row').first().textContent(), /Onboarding[\s\S]*Ops Olivia[\s\S]*3 stages/);
  await screenshot(page, 'journeys-list');
  await page.goto(`${BASE}/w/acme/personas/${persona}`);
  assert.match(await page.locator('.persona-side').textContent(), /Onboarding/);
});

test('the editor works on a phone, the grid scrolling inside itself', async () => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const phone = await newPage(ctx);
  await signIn(phone);
  await phone.goto(mapUrl);
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `no sideways scrolling of the page (${width}px)`);
  assert.equal(await phone.locator('svg.emotion-curve-narrow').isVisible(), true);
  assert.equal(await phone.locator('svg.emotion-curve-wide').isVisible(), false);
  assert.equal(await phone.locator('svg.emotion-curve-narrow circle.ec-point').count(), 3);
  // A change made elsewhere redraws the curve live.
  const first = (await apiCall(token, 'GET', `${WS}/journeys/${mapId}`)).stages[0];
  await apiCall(token, 'PATCH', `${WS}/journeys/${mapId}/stages/${first.id}`, { emotion: -1 });
  await eventually(async () => (await phone.locator('svg.emotion-curve-narrow circle.ec-point').first().getAttribute('data-emotion')) === '-1');
  // Type into a cell on the phone too.
  const lastStage = await phone.locator('[data-stage-head]').evaluateAll((hs) => hs.at(-1).dataset.stageHead);
  const cell = phone.locator(`[data-cell][data-stage="${lastStage}"][data-lane="thoughts"] [data-cell-text]`);
  await cell.scrollIntoViewIfNeeded();
  await cell.click();
  await phone.keyboard.type('This is it!');
  await phone.keyboard.press('Enter');
  await eventually(async () => (await apiCall(token, 'GET', `${WS}/journeys/${mapId}`)).stages[2].cells.thoughts === 'This is it!');
  await screenshot(phone, 'journey-editor-390');
  await phone.goto(`${BASE}/w/acme/personas/${persona}`);
  const w2 = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w2 <= 390, `persona page fits (${w2}px)`);
  await screenshot(phone, 'persona-390');
  assert.deepEqual(errors(phone), []);
  await ctx.close();
});
