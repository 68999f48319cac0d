// The task detail page and notifications: open a task from the board, edit
// fields in place (saved for good; a stale edit is refused and says so), a
// Markdown description that stays inert, sub-tasks, live updates, and a
// comment @mentioning someone who then sees it in their notifications.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, signIn, apiToken, apiCall, screenshot, eventually } from './helpers.mjs';

const WS = '/api/v1/workspaces/acme';
const MARY = { email: 'mary@example.com', password: 'correct horse battery', name: 'Mary Jackson' };
const TITLE = 'Detail page target';

let browser;
let page;
let token;
let key;

before(async () => {
  browser = await launch();
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await newPage(ctx);
  token = await apiToken();
  await apiCall(token, 'POST', '/api/v1/admin/users', MARY);
  await apiCall(token, 'POST', `${WS}/members`, { email: MARY.email, role: 'member' });
  const task = await apiCall(token, 'POST', `${WS}/tasks`, { product: 'KEEL', title: TITLE, status: 'todo' });
  key = task.key;
  await signIn(page);
});

after(async () => {
  await browser?.close();
});

const saved = () => page.locator('[data-save-status]', { hasText: 'Saved' }).waitFor();

test('a card on the board opens the task', async () => {
  await page.goto(`${BASE}/w/acme/p/KEEL`);
  await page.locator('.task-card', { hasText: TITLE }).locator('a.task-key').click();
  await page.waitForURL(new RegExp(`/w/acme/t/${key}$`));
  assert.equal(await page.getByLabel('Title').inputValue(), TITLE);
  await eventually(() => page.evaluate(() => document.querySelector('[data-live-status]')?.textContent === ''));
});

test('fields are edited in place and persist after reload', async () => {
  await page.getByLabel('Status').selectOption('in_progress');
  await saved();
  await page.getByLabel('Priority').selectOption('high');
  await page.getByLabel('Type').selectOption('bug');
  await page.getByLabel('Assignee').selectOption(MARY.email);
  await page.getByLabel('Estimate').fill('3');
  await page.getByLabel('Estimate').press('Enter');
  await page.getByLabel('Labels').fill('web, ux');
  await page.getByLabel('Labels').press('Enter');
  await page.getByLabel('Due date').fill('2026-12-01');
  await page.getByLabel('Due date').blur();
  const title = page.getByLabel('Title');
  await title.fill('Detail page target, edited');
  await title.press('Enter');
  await eventually(async () => (await apiCall(token, 'GET', `${WS}/tasks/${key}`)).due_date === '2026-12-01');
  await page.waitForLoadState('networkidle');

  await page.reload();
  assert.equal(await page.getByLabel('Status').inputValue(), 'in_progress');
  assert.equal(await page.getByLabel('Priority').inputValue(), 'high');
  assert.equal(await page.getByLabel('Type').inputValue(), 'bug');
  assert.equal(await page.getByLabel('Assignee').inputValue(), MARY.email);
  assert.equal(await page.getByLabel('Estimate').inputValue(), '3');
  assert.equal(await page.getByLabel('Labels').inputValue(), 'web, ux');
  assert.equal(await page.getByLabel('Due date').inputValue(), '2026-12-01');
  assert.equal(await page.getByLabel('Title').inputValue(), 'Detail page target, edited');
  const history = page.locator('[data-activity]');
  await history.getByText(/changed status from\s+Todo\s+to\s+In progress/).waitFor();
  await history.getByText(/assigned it\s+to\s+Mary Jackson/).waitFor();
  const task = await apiCall(token, 'GET', `${WS}/tasks/${key}`);
  assert.deepEqual(task.labels, ['web', 'ux']);
  assert.equal(task.estimate, 3);
  assert.equal(task.assignee.email, MARY.email);
});

test('an edit based on an old version is refused and the latest values are shown', async () => {
  // Someone else changes the priority (this page follows live) …
  await apiCall(token, 'PATCH', `${WS}/tasks/${key}`, { priority: 'urgent' });
  await eventually(async () => (await page.getByLabel('Priority').inputValue()) === 'urgent');
  // … and this page's edit is sent as if it had not seen that change.
  await page.evaluate(() => {
    const root = document.querySelector('[data-task]');
    root.dataset.version = String(Number(root.dataset.version) - 1);
  });
  await page.getByLabel('Type').selectOption('chore');
  await page.locator('[data-save-status]', { hasText: 'Changed by someone else' }).waitFor();
  assert.equal(await page.getByLabel('Type').inputValue(), 'bug', 'the refused value is replaced by the saved one');
  assert.equal(await page.getByLabel('Priority').inputValue(), 'urgent');
  assert.equal((await apiCall(token, 'GET', `${WS}/tasks/${key}`)).type, 'bug');
});

test('a hostile Markdown description renders inert', async () => {
  await page.getByRole('button', { name: 'Edit' }).click();
  const editor = page.getByLabel('Description (Markdown)');
  await editor.fill('## Plan\n\n[x](javascript:alert(1)) and <script>alert(2)</script> <img src=x onerror=alert(3)>\n\n**bold** and [docs](https://example.com/docs)');
  await page.getByRole('button', { name: 'Save' }).click();
  const description = page.locator('[data-description]');
  await description.locator('strong', { hasText: 'bold' }).waitFor();
  for (const pass of ['after saving', 'after reload']) {
    assert.equal(await page.locator('.task-page script').count(), 0, `no script element ${pass}`);
    assert.equal(await description.locator('img').count(), 0, `no img element ${pass}`);
    const href = await description.getByRole('link', { name: 'x', exact: true }).getAttribute('href');
    assert.ok(!/^\s*javascript:/i.test(href), `href ${href} ${pass}`);
    assert.equal(await description.getByRole('link', { name: 'docs' }).getAttribute('href'), 'https://example.com/docs');
    await description.getByText('<script>alert(2)</script>').waitFor();
    await description.getByRole('link', { name: 'x', exact: true }).click();
    await page.waitForTimeout(100);
    assert.deepEqual(page.dialogs, [], `no script ran ${pass}`);
    if (pass === 'after saving') await page.goto(`${BASE}/w/acme/t/${key}`);
  }
});

test('a sub-task is added in place and links back to its parent', async () => {
  const input = page.getByLabel('New sub-task');
  await input.fill('Write the release notes');
  await input.press('Enter');
  const row = page.locator('.subtask', { hasText: 'Write the release notes' });
  await row.waitFor();
  const subKey = (await row.locator('.task-key').textContent()).trim();
  assert.equal((await apiCall(token, 'GET', `${WS}/tasks/${subKey}`)).parent, key);
  await page.locator('#sub-heading', { hasText: '0/1 done' }).waitFor();
  // Done elsewhere, seen here live.
  await apiCall(token, 'PATCH', `${WS}/tasks/${subKey}`, { status: 'done' });
  await page.locator('#sub-heading', { hasText: '1/1 done' }).waitFor();
});

test('changes made elsewhere appear live', async () => {
  await apiCall(token, 'PATCH', `${WS}/tasks/${key}`, { title: 'Detail page target, renamed by the API' });
  await eventually(async () => (await page.getByLabel('Title').inputValue()) === 'Detail page target, renamed by the API');
  await apiCall(token, 'POST', `${WS}/tasks/${key}/comments`, { body: 'Posted from the *CLI*' });
  await page.locator('.comment', { hasText: 'Posted from the CLI' }).locator('em').waitFor();
});

test('a comment @mentions a member, who sees it in their notifications', async () => {
  const box = page.getByLabel('Add a comment');
  await box.fill('@Mary Jackson can you check the **copy** before we ship?');
  await page.getByRole('button', { name: 'Comment' }).click();
  await page.locator('.comment', { hasText: 'can you check the copy' }).locator('strong', { hasText: 'copy' }).waitFor();
  assert.equal(await box.inputValue(), '', 'the box is cleared');
  await page.locator('[data-activity]').getByText('commented').first().waitFor();
  assert.equal(await page.locator('[data-unread-badge]').isVisible(), false, 'the author is not notified');

  await page.setViewportSize({ width: 1440, height: 900 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, 'detail');
  await page.emulateMedia({ colorScheme: 'dark' });
  await screenshot(page, 'detail-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'detail-390');
  await page.setViewportSize({ width: 1440, height: 900 });

  const ctxM = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const mary = await newPage(ctxM);
  await signIn(mary, MARY);
  await mary.goto(`${BASE}/w/acme/notifications`);
  const badge = mary.locator('[data-unread-badge]');
  assert.equal((await badge.locator('[data-unread-count]').textContent()).trim(), '1');
  const item = mary.locator('.notification.unread', { hasText: 'can you check' });
  await item.getByText('@Mary Jackson can you check the copy before we ship?').waitFor();
  await item.getByRole('link', { name: new RegExp(key) }).waitFor();
  await eventually(() => mary.evaluate(() => document.querySelector('[data-live-status]')?.textContent === ''));

  // A second mention arrives live: the list and the badge follow.
  await apiCall(token, 'POST', `${WS}/tasks/${key}/comments`, { body: 'Thanks @mary@example.com!' });
  await mary.locator('.notification.unread', { hasText: 'Thanks @mary@example.com!' }).waitFor();
  await eventually(async () => (await badge.locator('[data-unread-count]').textContent()).trim() === '2');
  await screenshot(mary, 'notifications');
  await mary.emulateMedia({ colorScheme: 'dark' });
  await mary.setViewportSize({ width: 390, height: 844 });
  await screenshot(mary, 'notifications-390-dark');
  await mary.setViewportSize({ width: 1440, height: 900 });
  await mary.emulateMedia({ colorScheme: 'light' });

  // Opening one lands on the comment and reads every notification about that task.
  await item.getByRole('link', { name: new RegExp(key) }).click();
  await mary.waitForURL(new RegExp(`/w/acme/t/${key}#comment-`));
  await mary.locator('.comment:target', { hasText: 'can you check the copy' }).waitFor();
  await eventually(async () => !(await badge.isVisible()));

  // A mention on another task; "Mark all read" clears it.
  const other = await apiCall(token, 'POST', `${WS}/tasks`, { product: 'KEEL', title: 'Another task' });
  await mary.goto(`${BASE}/w/acme/notifications?unread=1`);
  assert.equal(await mary.locator('.notification').count(), 0);
  await eventually(() => mary.evaluate(() => document.querySelector('[data-live-status]')?.textContent === ''));
  await apiCall(token, 'POST', `${WS}/tasks/${other.key}/comments`, { body: '@mary ping' });
  await mary.locator('.notification.unread', { hasText: 'Another task' }).waitFor();
  await eventually(async () => (await badge.locator('[data-unread-count]').textContent()).trim() === '1');
  await mary.getByRole('button', { name: 'Mark all read' }).click();
  await eventually(async () => !(await badge.isVisible()));
  await eventually(async () => (await mary.locator('.notification.unread').count()) === 0);
  const inbox = await apiCall(await apiToken(MARY), 'GET', `${WS}/notifications`);
  assert.equal(inbox.unread, 0);
  assert.equal(inbox.items.length, 3);
  assert.deepEqual(mary.consoleErrors, []);
  await ctxM.close();
});

test('no script errors or CSP violations on the page', async () => {
  assert.deepEqual(page.dialogs, []);
  assert.deepEqual(page.consoleErrors.filter((e) => !/Failed to load resource/.test(e)), []);
});
