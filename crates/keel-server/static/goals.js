// Goals: add an objective or a key result, check in a value, delete a
// goal. Writes go through the JSON API; the page reloads afterwards so the
// server's progress, health, forecast and chart are what you see.

import { api, announce, page } from './core.js';

const { ws, product } = page();
const base = `/api/v1/workspaces/${encodeURIComponent(ws)}`;

/** A goal's fields from one of the goal forms; empty inputs are left out. */
function goalBody(form) {
  const data = new FormData(form);
  const body = { product, title: data.get('title') };
  for (const key of ['metric', 'unit', 'deadline', 'owner']) {
    const v = String(data.get(key) ?? '').trim();
    if (v) body[key] = v;
  }
  for (const key of ['baseline', 'target']) {
    const v = String(data.get(key) ?? '').trim();
    if (v) body[key] = Number(v);
  }
  return body;
}

async function run(action, failure) {
  try {
    await action();
    location.reload();
  } catch (err) { announce(`${failure}: ${err.message}`); }
}

document.querySelector('[data-new-goal-form]')?.addEventListener('submit', (e) => {
  e.preventDefault();
  run(() => api('POST', `${base}/goals`, goalBody(e.target)), 'Could not add the objective');
});

document.querySelector('[data-objective-list]')?.addEventListener('submit', (e) => {
  const form = e.target.closest('[data-new-kr-form]');
  if (!form) return;
  e.preventDefault();
  const body = { ...goalBody(form), parent: form.dataset.parent };
  run(() => api('POST', `${base}/goals`, body), 'Could not add the key result');
});

const goalPage = document.querySelector('[data-goal-page]');
const goalPath = goalPage && `${base}/goals/${encodeURIComponent(goalPage.dataset.goalPage)}`;

goalPage?.querySelector('[data-checkin-form]')?.addEventListener('submit', (e) => {
  e.preventDefault();
  const data = new FormData(e.target);
  const body = { value: Number(data.get('value')), date: String(data.get('date')) };
  const note = String(data.get('note') ?? '').trim();
  if (note) body.note = note;
  run(() => api('POST', `${goalPath}/checkins`, body), 'Could not check in');
});

goalPage?.querySelector('[data-delete-goal]')?.addEventListener('click', async () => {
  if (!confirm('Delete this goal with its check-ins?')) return;
  try {
    await api('DELETE', goalPath);
    location.href = `/w/${encodeURIComponent(ws)}/p/${encodeURIComponent(product)}/goals`;
  } catch (err) { announce(`Could not delete it: ${err.message}`); }
});
