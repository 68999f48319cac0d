// A cycle's page: add tasks to its scope and take them out, rename it or
// move its dates, and follow changes live (scope, task status, estimates)
// by letting the server render the page again — the burn-up chart is drawn
// there.

import { api, announce, page } from './core.js';
import { connect } from './live.js';

const { ws } = page();
const root = document.querySelector('[data-cycle]');
const id = root.dataset.cycle;
const path = `/api/v1/workspaces/${encodeURIComponent(ws)}/cycles/${id}`;

function filter() {
  const input = root.querySelector('[data-candidate-filter]');
  const list = root.querySelector('[data-candidates]');
  if (!input || !list) return;
  const q = input.value.trim().toLowerCase();
  let shown = 0;
  for (const li of list.children) {
    li.hidden = Boolean(q) && !li.dataset.text.toLowerCase().includes(q);
    if (!li.hidden) shown += 1;
  }
  const none = root.querySelector('[data-candidates-none]');
  if (none && list.children.length) none.hidden = shown > 0;
}

let refreshing = null;
let pending = false;
/** Renders the page again, keeping the filter, open details and focus. */
function refresh(focus) {
  if (refreshing) { pending = true; return refreshing; }
  refreshing = (async () => {
    const value = root.querySelector('[data-candidate-filter]')?.value ?? '';
    const open = [...root.querySelectorAll('details[open]')].map((d) => d.className);
    const res = await fetch(location.href, { credentials: 'same-origin' });
    if (!res.ok) return;
    const fresh = new DOMParser().parseFromString(await res.text(), 'text/html').querySelector('[data-cycle]');
    if (!fresh) return;
    root.replaceChildren(...fresh.childNodes);
    root.dataset.version = fresh.dataset.version;
    const input = root.querySelector('[data-candidate-filter]');
    if (input) input.value = value;
    for (const d of root.querySelectorAll('details')) if (open.includes(d.className)) d.open = true;
    filter();
    if (focus) root.querySelector(focus)?.focus();
  })().finally(() => {
    refreshing = null;
    if (pending) { pending = false; refresh(); }
  });
  return refreshing;
}

async function change(what, call, focus) {
  try {
    await call();
    await refresh(focus);
    announce(what);
  } catch (err) {
    announce(`Could not save that: ${err.message}`);
  }
}

root.addEventListener('click', (e) => {
  const button = e.target.closest('button');
  if (!button) return;
  if (button.dataset.addTask) {
    const key = button.dataset.addTask;
    change(`Added ${key} to the cycle`, () => api('POST', `${path}/tasks`, { tasks: [key] }), '[data-candidate-filter]');
  } else if (button.dataset.removeTask) {
    const key = button.dataset.removeTask;
    const next = button.closest('li').nextElementSibling?.querySelector('[data-remove-task]')?.dataset.removeTask;
    change(`Removed ${key} from the cycle`, () => api('DELETE', `${path}/tasks/${encodeURIComponent(key)}`),
      next ? `[data-remove-task="${next}"]` : '[data-candidate-filter]');
  }
});

root.addEventListener('input', (e) => { if (e.target.matches('[data-candidate-filter]')) filter(); });

root.addEventListener('submit', async (e) => {
  if (!e.target.matches('[data-edit-cycle]')) return;
  e.preventDefault();
  const form = e.target;
  const body = Object.fromEntries(new FormData(form));
  const headers = { 'content-type': 'application/json', 'if-match': `"${root.dataset.version}"`, 'x-csrf-token': document.querySelector('meta[name="csrf-token"]').content };
  const res = await fetch(path, { method: 'PATCH', headers, body: JSON.stringify(body), credentials: 'same-origin' });
  if (res.ok) {
    await refresh();
    announce('Saved');
  } else if (res.status === 412) {
    announce('Someone changed this cycle meanwhile; the page now shows their version.');
    refresh();
  } else {
    const problem = await res.json().catch(() => null);
    announce(`Could not save: ${problem?.detail ?? res.statusText}`);
  }
});

document.addEventListener('keel:event', ({ detail: event }) => {
  if (event.kind === 'cycle' && event.id === id) { refresh(); return; }
  if (event.kind === 'task') {
    const key = event.key ?? '';
    const here = root.querySelector(`[data-scope-task="${CSS.escape(key)}"], [data-candidate="${CSS.escape(key)}"]`);
    if (here || event.item?.product === root.querySelector('.cycle-meta .key')?.textContent) refresh();
  }
});

filter();
connect(ws, (state) => announce(state === 'live' ? '' : 'Reconnecting…'), Number(document.body.dataset.seq));
