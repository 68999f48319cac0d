// Customer interviews in the browser: from the feedback inbox to the
// product's Interviews page, a new interview from the built-in Discovery
// guide (its questions as labelled text areas), saved, turned into
// feedback (how many items, each linked in the inbox), turned again
// without duplicates, an answer added later converted alone. Hostile text
// stays text. Screenshots at 1440 and 390 px.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, signIn, apiToken, apiCall, screenshot } from './helpers.mjs';

const WS = '/api/v1/workspaces/acme';
let browser;
let page;
let token;
let interviewUrl;
const errors = (p) => p.consoleErrors.filter((e) => !/Failed to load resource/.test(e));
const HOSTILE = '<img src=x onerror=alert(1)> "quoted" & more';

before(async () => {
  browser = await launch();
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await newPage(ctx);
  token = await apiToken();
  await apiCall(token, 'POST', `${WS}/customers`, { name: 'Iris Interviewee', email: 'iris@interviews.test' });
  await signIn(page);
});

after(async () => { await browser?.close(); });

/** Feedback of KEEL made from interviews, as the API sees it. */
const interviewFeedback = async () =>
  (await apiCall(token, 'GET', `${WS}/feedback?product=KEEL&tag=interview&limit=500`)).items;

test('an interview is filled in from the default guide and saved', async () => {
  await page.goto(`${BASE}/w/acme/p/KEEL/feedback`);
  await page.getByRole('link', { name: 'Interviews', exact: true }).click();
  await page.waitForURL(/\/w\/acme\/p\/KEEL\/interviews$/);
  const form = page.locator('form[data-new-interview]');
  await assert.doesNotReject(form.getByText('Discovery interview').waitFor());
  await form.getByLabel('Title').fill('Iris, first call');
  await form.getByLabel('Held on').fill('2026-11-03');
  await form.getByLabel('Customer').selectOption({ label: 'Iris Interviewee (iris@interviews.test)' });
  await form.getByLabel('What is your role').fill('I run the support team. ' + HOSTILE);
  await form.getByLabel('Tell me about the last time').fill('Yesterday the export was broken and we lost a day.');
  await form.getByLabel('How do you solve it today').fill('A spreadsheet, copied by hand.');
  await form.getByLabel('Other notes').fill('Wants a follow-up in December.');
  await screenshot(page, 'interviews-new');
  await form.getByRole('button', { name: 'Save interview' }).click();
  await page.waitForURL(/\/w\/acme\/interviews\/[0-9a-f]+$/);
  interviewUrl = page.url();
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Iris, first call');
  // The hostile answer is shown as typed, never run.
  assert.match(await page.getByLabel('What is your role').inputValue(), /<img src=x onerror=alert\(1\)>/);
  assert.deepEqual(page.dialogs, []);
  const id = interviewUrl.split('/').pop();
  const saved = await apiCall(token, 'GET', `${WS}/interviews/${id}`);
  assert.equal(saved.answered_count, 3);
  assert.equal(saved.customer.name, 'Iris Interviewee');
  assert.equal(saved.held_on, '2026-11-03');
});

test('turning it into feedback creates one item per answer, linked in the inbox, once', async () => {
  await page.getByRole('button', { name: 'Turn into feedback' }).click();
  const status = page.locator('[data-converted]');
  await status.waitFor();
  assert.match(await status.textContent(), /Created 3 feedback items/);
  const links = status.getByRole('link');
  assert.equal(await links.count(), 3);
  await screenshot(page, 'interviews-converted');
  const items = await interviewFeedback();
  assert.equal(items.length, 3);
  const byText = items.find((f) => f.text.endsWith('A spreadsheet, copied by hand.'));
  assert.equal(byText.text, 'Q: How do you solve it today?\n\nA spreadsheet, copied by hand.');
  assert.equal(byText.source, 'interview');
  assert.equal(byText.received_on, '2026-11-03');
  assert.equal(byText.customer.email, 'iris@interviews.test');
  // Each link opens the item in the inbox.
  const href = await links.nth(2).getAttribute('href');
  assert.match(href, /^\/w\/acme\/p\/KEEL\/feedback\?item=[0-9a-f]+$/);
  await links.nth(2).click();
  await page.waitForURL(/\/feedback\?item=/);
  assert.ok(items.some((f) => href.endsWith(f.id)));

  // Again: nothing new.
  await page.goto(interviewUrl);
  await page.getByRole('button', { name: 'Turn into feedback' }).click();
  await page.locator('[data-converted]').waitFor();
  assert.match(await page.locator('[data-converted]').textContent(), /No new feedback: every answer is in the inbox already \(3\)/);
  assert.equal((await interviewFeedback()).length, 3);
});

test('an answer added later is converted alone', async () => {
  await page.goto(interviewUrl);
  await page.getByLabel('What does it cost you').fill('Two hours every Friday.');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.waitForURL(interviewUrl);
  await page.getByRole('button', { name: 'Turn into feedback' }).click();
  const status = page.locator('[data-converted]');
  await status.waitFor();
  assert.match(await status.textContent(), /Created 1 feedback item \(3 already in the inbox\)/);
  assert.equal((await interviewFeedback()).length, 4);
  assert.equal(await page.getByRole('link', { name: 'In the inbox' }).count(), 4);
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'interviews-390');
  await page.setViewportSize({ width: 1440, height: 900 });
  assert.deepEqual(page.dialogs, []);
  assert.deepEqual(errors(page), []);
});
