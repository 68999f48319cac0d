// Feasibility on a feature's page: its risk and cost are shown, a
// dependency is added with the plain form (no script) and listed with its
// status — flagged "not shipped yet" while this feature is in progress —
// and the other feature lists this one under "Blocks". A dependency that
// would close a cycle is refused with the path named. Screenshots.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, signIn, apiToken, apiCall, screenshot } from './helpers.mjs';
const WS = '/api/v1/workspaces/acme';

test('a dependency is added from the feature page and listed', async () => {
  const token = await apiToken();
  const f = (body) => apiCall(token, 'POST', `${WS}/features`, { product: 'KEEL', ...body });
  const index = await f({ title: 'Search index rebuild', status: 'planned' });
  const debt = await f({ title: 'Retire the legacy ORM', type: 'tech_debt', status: 'in_progress', risk: 'high',
    risk_note: 'touches every query', rice: { impact: 1, confidence: 0.5, effort: 2 } });
  const browser = await launch();
  const page = await newPage(await browser.newContext({ viewport: { width: 1440, height: 1000 } }));
  await signIn(page);
  await page.goto(`${BASE}/w/acme/features/${debt.id}`);
  const box = page.locator('[data-feasibility]');
  assert.match(await box.textContent(), /2 person-months \(RICE effort\)/);
  assert.equal((await page.locator('[data-risk]').textContent()).trim(), 'high');
  await page.getByLabel('Add a dependency').selectOption(index.id);
  const loaded = page.waitForEvent('load');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await loaded;
  const deps = page.locator('[data-depends-on]');
  await deps.getByText('Search index rebuild').waitFor();
  assert.match(await deps.textContent(), /not shipped yet/);
  await box.scrollIntoViewIfNeeded();
  await screenshot(page, 'feasibility-dependency');
  const got = await apiCall(token, 'GET', `${WS}/features/${debt.id}`);
  assert.deepEqual(got.depends_on, [index.id]);

  // The other way round would be a cycle: refused, the path named.
  await page.goto(`${BASE}/w/acme/features/${index.id}`);
  assert.match(await page.locator('[data-blocks]').textContent(), /Retire the legacy ORM/);
  await page.getByLabel('Add a dependency').selectOption(debt.id);
  const again = page.waitForEvent('load');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await again;
  const err = page.locator('[data-error-for="depends_on"]');
  assert.match(await err.textContent(), /cycle: Search index rebuild .* → Retire the legacy ORM .* → Search index rebuild/);
  await screenshot(page, 'feasibility-cycle-refused');

  // The tech-debt view lists the item with its risk and cost.
  await page.goto(`${BASE}/w/acme/p/KEEL/tech-debt`);
  const row = page.locator('tr[data-row]', { hasText: 'Retire the legacy ORM' });
  assert.match(await row.textContent(), /high/);
  assert.match(await row.textContent(), /2 person-months/);
  await screenshot(page, 'feasibility-tech-debt-view');
  assert.deepEqual(page.consoleErrors.filter((e) => !/Failed to load resource/.test(e)), []);
  await browser.close();
});
