// Customers and companies in the browser: create a company and a customer
// through the pages (company picked by name, custom attributes), see what
// they said and what shipped for them, edit, download their data, see the
// company's demand, then delete them and find their feedback anonymised in
// the inbox. Guests do not see customer data. Screenshots at 1440 and 390 px.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { BASE, launch, newPage, signIn, apiToken, apiCall, screenshot, eventually } from './helpers.mjs';

const WS = '/api/v1/workspaces/acme';
let browser;
let page;
let token;
let customerUrl;
let companyUrl;
const said = {};
const features = {};
const errors = (p) => p.consoleErrors.filter((e) => !/Failed to load resource/.test(e));
const customerId = () => new URL(customerUrl).pathname.split('/').pop();

before(async () => {
  browser = await launch();
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await newPage(ctx);
  token = await apiToken();
  await signIn(page);
});

after(async () => { await browser?.close(); });

test('a company is created on the companies page', async () => {
  await page.goto(`${BASE}/w/acme/companies`);
  await page.getByLabel('Name').fill('Initech');
  await page.getByLabel('Segment').fill('enterprise');
  await page.getByLabel('Plan').fill('Gold');
  await page.getByLabel('ARR').fill('250000');
  await page.getByLabel(/Custom attributes/).fill('region=EMEA\naccount manager = Bill');
  await page.getByRole('button', { name: 'Add company' }).click();
  await page.waitForURL(/\/w\/acme\/companies\/[^/]+$/);
  companyUrl = page.url();
  assert.equal(await page.locator('h1').textContent(), 'Initech');
  const facts = await page.locator('.person-facts').textContent();
  assert.match(facts, /enterprise/);
  assert.match(facts, /Gold plan/);
  assert.match(facts, /ARR 250k/);
  assert.equal(await page.getByLabel(/Custom attributes/).inputValue(), 'account manager=Bill\nregion=EMEA');
});

test('a customer is created with a company picked by name and custom attributes', async () => {
  await page.goto(`${BASE}/w/acme/customers`);
  // The list starts empty, so the form is open.
  await page.locator('#nc-name').fill('Peter Gibbons');
  await page.locator('#nc-email').fill('Peter@Initech.test');
  await page.locator('#nc-company').fill('initech');
  await page.getByLabel(/Custom attributes/).fill('role=Engineer\nseats=12');
  await page.getByRole('button', { name: 'Add customer' }).click();
  await page.waitForURL(/\/w\/acme\/customers\/[^/]+$/);
  customerUrl = page.url();
  assert.equal(await page.locator('h1').textContent(), 'Peter Gibbons');
  const facts = await page.locator('.person-facts').textContent();
  assert.match(facts, /peter@initech\.test/);
  assert.match(facts, /Initech \(ARR 250k\)/);
  assert.match(facts, /enterprise/, 'the segment comes from the company');
  const stored = await apiCall(token, 'GET', `${WS}/customers/${customerId()}`);
  assert.deepEqual(stored.attributes, { role: 'Engineer', seats: '12' });

  // A bad attribute line is refused in the page, naming the line.
  await page.goto(`${BASE}/w/acme/customers`);
  await page.getByText('Add a customer').click();
  await page.locator('#nc-name').fill('Milton Waddams');
  await page.getByLabel(/Custom attributes/).fill('stapler');
  await page.getByRole('button', { name: 'Add customer' }).click();
  await eventually(async () => /line 1: write it as key=value/.test(await page.locator('[data-live-status]').textContent()));
  // An unknown company is the server's 422, shown as said.
  await page.getByLabel(/Custom attributes/).fill('');
  await page.locator('#nc-company').fill('Initrode');
  await page.getByRole('button', { name: 'Add customer' }).click();
  await eventually(async () => /company/.test(await page.locator('[data-live-status]').textContent()));
  assert.match(page.url(), /\/customers$/);
});

test('the list searches and filters by company and segment', async () => {
  await apiCall(token, 'POST', `${WS}/customers`, { name: 'Joanna <b>Bold</b> <img src=x onerror=alert(1)>', email: 'joanna@chotchkies.test', segment: 'smb', attributes: { note: '<script>alert(2)</script>' } });
  await page.goto(`${BASE}/w/acme/customers`);
  const rows = page.locator('.people-table tbody tr');
  assert.equal(await rows.count(), 2);
  assert.match(await page.locator('.people-table').textContent(), /Joanna <b>Bold<\/b> <img src=x onerror=alert\(1\)>/);
  await page.getByLabel('Search').fill('gibbons');
  await page.getByLabel('Search').press('Enter');
  await page.waitForURL(/q=gibbons/);
  assert.equal(await rows.count(), 1);
  assert.match(await rows.first().textContent(), /Peter Gibbons/);
  await page.goto(`${BASE}/w/acme/customers`);
  await page.locator('#f-company').selectOption({ label: 'Initech' });
  await page.waitForURL(/company=/);
  assert.equal(await rows.count(), 1);
  await page.goto(`${BASE}/w/acme/customers`);
  await page.locator('#f-segment').selectOption('smb');
  await page.waitForURL(/segment=smb/);
  assert.equal(await rows.count(), 1);
  assert.match(await rows.first().textContent(), /Joanna/);
  await rows.first().getByRole('link').click();
  await page.waitForURL(/\/customers\/[^/]+$/);
  assert.equal(await page.getByLabel(/Custom attributes/).inputValue(), 'note=<script>alert(2)</script>');
  assert.deepEqual(page.dialogs, [], 'user text never runs');
  assert.deepEqual(errors(page), []);
});

test('their page shows everything they said and what shipped for them', async () => {
  for (const [key, text] of [
    ['sso', 'We cannot roll Keel out until it signs in through our Okta: SSO is a must'],
    ['tps', 'Every TPS report needs a cover sheet, please let us attach one'],
  ]) {
    said[key] = await apiCall(token, 'POST', `${WS}/feedback`, { product: 'KEEL', text, source: 'sales_call', customer: 'peter@initech.test' });
  }
  features.sso = await apiCall(token, 'POST', `${WS}/features`, { product: 'KEEL', title: 'Single sign-on' });
  features.tps = await apiCall(token, 'POST', `${WS}/features`, { product: 'KEEL', title: 'Report cover sheets' });
  await apiCall(token, 'POST', `${WS}/feedback/${said.sso.id}/links`, { feature: features.sso.id, importance: 'important', excerpt: 'SSO is a must' });
  await apiCall(token, 'POST', `${WS}/feedback/${said.tps.id}/links`, { feature: features.tps.id, importance: 'nice_to_have' });
  await apiCall(token, 'PATCH', `${WS}/features/${features.sso.id}`, { status: 'shipped' });

  await page.goto(customerUrl);
  const saidList = page.locator('[data-said]');
  assert.match(await saidList.textContent(), /signs in through our Okta/);
  assert.match(await saidList.textContent(), /TPS report needs a cover sheet/);
  assert.match(await page.locator('#said-title').textContent(), /2/);
  const wanted = page.locator('[data-wanted] li');
  assert.equal(await wanted.count(), 2);
  // Shipped first, marked for them.
  assert.match(await wanted.first().textContent(), /Single sign-on/);
  assert.match(await wanted.first().textContent(), /Shipped for them/);
  assert.match(await wanted.first().textContent(), /SSO is a must/);
  assert.doesNotMatch(await wanted.nth(1).textContent(), /Shipped for them/);
  assert.match(await wanted.nth(1).textContent(), /idea/);
  assert.match(await page.locator('.shipped-note').textContent(), /1 shipped for them/);
  await screenshot(page, 'customer');

  // Each thing they said opens in the inbox.
  await saidList.getByRole('link', { name: /cover sheet/ }).click();
  await page.waitForURL((u) => u.pathname === '/w/acme/p/KEEL/feedback' && u.searchParams.get('item') === said.tps.id && u.searchParams.get('status') === 'all');
  assert.match(await page.locator('[data-detail] [data-text]').textContent(), /TPS report/);
  assert.match(await page.locator('[data-detail]').textContent(), /Peter Gibbons/);
});

test('their details are edited in place', async () => {
  await page.goto(customerUrl);
  await page.getByLabel('Segment').fill('mid-market');
  await page.getByLabel(/Custom attributes/).fill('role=Senior Engineer\nseats=12');
  const loaded = page.waitForEvent('load');
  await page.getByRole('button', { name: 'Save' }).click();
  await loaded;
  await eventually(async () => (await page.locator('[data-live-status]').textContent()) === 'Saved');
  assert.match(await page.locator('.person-facts').textContent(), /mid-market/);
  const stored = await apiCall(token, 'GET', `${WS}/customers/${customerId()}`);
  assert.equal(stored.segment, 'mid-market');
  assert.equal(stored.attributes.role, 'Senior Engineer');
  assert.equal(stored.company.name, 'Initech', 'the company stays');
  assert.deepEqual(errors(page), []);
});

test('their data downloads as one JSON document', async () => {
  await page.goto(customerUrl);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download their data' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^keel-customer-.+\.json$/);
  const data = JSON.parse(await readFile(await download.path(), 'utf8'));
  assert.equal(data.customer.email, 'peter@initech.test');
  assert.equal(data.company.name, 'Initech');
  assert.equal(data.feedback.length, 2);
  assert.deepEqual(data.features.map((f) => f.title).sort(), ['Report cover sheets', 'Single sign-on']);
});

test('the company page shows its customers and the demand they represent', async () => {
  await page.goto(companyUrl);
  assert.match(await page.locator('[data-company-customers]').textContent(), /Peter Gibbons/);
  const rows = page.locator('#demand-title ~ .table-scroll tbody tr');
  assert.equal(await rows.count(), 2);
  assert.match(await rows.first().textContent(), /Single sign-on/);
  assert.match(await rows.first().textContent(), /2/);
  assert.match(await page.locator('#demand-title + p').textContent(), /2 feedback items.*demand 3 in all/);
  await page.getByLabel('ARR').fill('300000');
  const loaded = page.waitForEvent('load');
  await page.getByRole('button', { name: 'Save' }).click();
  await loaded;
  assert.match(await page.locator('.person-facts').textContent(), /ARR 300k/);
  await screenshot(page, 'company');
  await page.goto(`${BASE}/w/acme/companies`);
  assert.match(await page.locator('.people-table').textContent(), /Initech.*enterprise.*Gold.*300k.*1/s);
  assert.deepEqual(errors(page), []);
});

test('the pages read well on a phone', async () => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const phone = await newPage(ctx);
  await signIn(phone);
  for (const [url, name] of [[`${BASE}/w/acme/customers`, 'customers-390'], [`${BASE}/w/acme/companies`, 'companies-390'], [customerUrl, 'customer-390'], [companyUrl, 'company-390']]) {
    await phone.goto(url);
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `no sideways scrolling on ${name} (${width}px)`);
    await screenshot(phone, name);
  }
  await ctx.close();
});

test('deleting asks first, then erases them and keeps their feedback anonymously', async () => {
  await page.goto(customerUrl);
  await page.getByRole('button', { name: 'Delete and anonymise' }).click();
  const dialog = page.locator('[data-delete-dialog]');
  await dialog.waitFor();
  assert.match(await dialog.textContent(), /2 feedback items stay/);
  await screenshot(page, 'customer-delete');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await eventually(async () => !(await dialog.isVisible()));
  assert.equal((await apiCall(token, 'GET', `${WS}/customers/${customerId()}`)).name, 'Peter Gibbons');

  await page.getByRole('button', { name: 'Delete and anonymise' }).click();
  await dialog.getByRole('button', { name: 'Delete and anonymise' }).click();
  await page.waitForURL(/\/w\/acme\/customers\?deleted=1$/);
  assert.match(await page.locator('.notice').textContent(), /feedback is kept, without their name/);
  assert.doesNotMatch(await page.locator('.people-table').textContent(), /Peter Gibbons/);
  const gone = await fetch(`${BASE}${WS}/customers/${customerId()}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(gone.status, 404);

  await page.goto(`${BASE}/w/acme/p/KEEL/feedback?status=all&item=${said.sso.id}`);
  const detail = page.locator('[data-detail]');
  assert.match(await detail.locator('[data-text]').textContent(), /signs in through our Okta/, 'the text is kept');
  assert.match(await detail.textContent(), /Anonymous/);
  assert.doesNotMatch(await detail.textContent(), /Peter|initech\.test/i);
  assert.match(await detail.locator('[data-links]').textContent(), /Single sign-on/, 'the evidence stays');
  await screenshot(page, 'customer-anonymised');
  assert.deepEqual(errors(page), []);
});

test('guests see neither the pages nor the links', async () => {
  const guest = { email: 'guest-customers@example.com', password: 'correct horse battery' };
  await apiCall(token, 'POST', '/api/v1/admin/users', { email: guest.email, name: 'Gus Guest', password: guest.password });
  await apiCall(token, 'POST', `${WS}/members`, { email: guest.email, role: 'guest' });
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const gpage = await newPage(ctx);
  await signIn(gpage, guest);
  for (const path of ['/w/acme/customers', '/w/acme/companies', new URL(companyUrl).pathname]) {
    const res = await gpage.goto(`${BASE}${path}`);
    assert.equal(res.status(), 403, path);
    assert.match(await gpage.locator('body').textContent(), /guests/);
  }
  await gpage.goto(`${BASE}/w/acme/my-day`);
  assert.equal(await gpage.locator('nav[aria-label="Workspace"] a', { hasText: 'Customers' }).count(), 0);
  assert.equal(await gpage.locator('nav[aria-label="Workspace"] a', { hasText: 'Companies' }).count(), 0);
  await ctx.close();
  // Members see the links.
  await page.goto(`${BASE}/w/acme/my-day`);
  assert.equal(await page.locator('nav[aria-label="Workspace"] a', { hasText: 'Customers' }).count(), 1);
});
