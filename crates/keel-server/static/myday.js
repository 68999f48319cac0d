// My day: check items off, reorder them (drag, or the up/down buttons),
// add tasks, accept or put off the offer of the last day's unfinished
// items, and follow changes from the person's other tabs live. After each
// change the server renders the day again (fetch + swap), so the rules
// stay the server's. The day is the browser's local date.

import { api, announce, page } from './core.js';
import { connect } from './live.js';

const { ws } = page();
const root = document.querySelector('[data-my-day]');
const me = root.dataset.userId;
const pad = (n) => String(n).padStart(2, '0');
const localDate = (d = new Date()) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const today = localDate();
let date = new URLSearchParams(location.search).get('date') || today;
const base = `/api/v1/workspaces/${encodeURIComponent(ws)}/my-day`;
const dismissKey = () => `keel.offer-dismissed.${ws}.${date}`;

const items = () => [...root.querySelectorAll('[data-day-list] > [data-item]')];

/** What has focus, as something that survives re-rendering. */
function focusMemo() {
  const el = document.activeElement;
  if (!el || !root.contains(el)) return null;
  const item = el.closest('[data-item]')?.dataset.item;
  for (const attr of ['data-check', 'data-move', 'data-remove', 'data-complete', 'data-pick-filter', 'data-accept-offer']) {
    if (el.hasAttribute(attr)) return { item, attr, value: el.getAttribute(attr) };
  }
  return null;
}

function restoreFocus(memo) {
  if (!memo) return;
  const scope = memo.item ? root.querySelector(`[data-item="${memo.item}"]`) : root;
  const target = scope?.querySelector(`[${memo.attr}${memo.value ? `="${memo.value}"` : ''}]`);
  if (target && !target.disabled) target.focus();
  else (scope?.querySelector('[data-check]') ?? root.querySelector('[data-pick-filter]'))?.focus();
}

/** Page details that depend on the browser: today's badge, a dismissed offer. */
function localise() {
  const badge = root.querySelector('[data-today-badge]');
  if (badge) badge.hidden = root.dataset.date !== today;
  const offer = root.querySelector('[data-offer]');
  if (offer && localStorage.getItem(dismissKey()) === offer.dataset.offerFrom) offer.hidden = true;
  filterPicks();
}

let refreshing = null;
let pending = false;
/** Renders the day again from the server, keeping focus and the filter. */
function refresh(memo = focusMemo()) {
  if (refreshing) { pending = true; return refreshing; }
  refreshing = (async () => {
    const filter = root.querySelector('[data-pick-filter]')?.value ?? '';
    const res = await fetch(`${location.pathname}?date=${date}`, { credentials: 'same-origin' });
    if (!res.ok) { announce('Could not reload the day; reload the page.'); return; }
    const fresh = new DOMParser().parseFromString(await res.text(), 'text/html').querySelector('[data-my-day]');
    if (!fresh) return;
    root.replaceChildren(...fresh.childNodes);
    root.dataset.date = fresh.dataset.date;
    document.title = `${root.querySelector('[data-day-label]')?.textContent ?? 'My day'} · Keel`;
    const input = root.querySelector('[data-pick-filter]');
    if (input) input.value = filter;
    localise();
    restoreFocus(memo);
  })().finally(() => {
    refreshing = null;
    if (pending) { pending = false; refresh(); }
  });
  return refreshing;
}

/** Runs a write, then re-renders; reports failures. */
async function write(what, call, memo) {
  try {
    await call();
    await refresh(memo);
    if (what) announce(what);
  } catch (err) {
    announce(`Could not save that: ${err.message}`);
    refresh(memo);
  }
}

const patch = (id, body) => api('PATCH', `${base}/items/${id}`, body);

async function move(li, to) {
  const memo = focusMemo() ?? { item: li.dataset.item, attr: 'data-check' };
  await write(`Moved ${li.dataset.task} to position ${to + 1}`, () => patch(li.dataset.item, { position: to }), memo);
}

function addTask(key) {
  return write(`Added ${key}`, () => api('POST', `${base}/items`, { task: key, date }), { attr: 'data-pick-filter' });
}

function filterPicks() {
  const input = root.querySelector('[data-pick-filter]');
  const list = root.querySelector('[data-pick-list]');
  if (!input || !list) return;
  const q = input.value.trim().toLowerCase();
  let shown = 0;
  for (const li of list.children) {
    const match = !q || li.dataset.text.toLowerCase().includes(q);
    li.hidden = !match;
    if (match) shown += 1;
  }
  const none = root.querySelector('[data-pick-none]');
  if (none && list.children.length) none.hidden = shown > 0;
}

root.addEventListener('change', (e) => {
  const box = e.target.closest('[data-check]');
  if (!box) return;
  const li = box.closest('[data-item]');
  li.classList.toggle('done', box.checked);
  write(box.checked ? `Checked off ${li.dataset.task}` : `${li.dataset.task} is open again`,
    () => patch(li.dataset.item, { done: box.checked }));
});

root.addEventListener('click', (e) => {
  const el = e.target.closest('button');
  if (!el || el.disabled) return;
  const li = el.closest('[data-item]');
  if (el.hasAttribute('data-move')) {
    const list = items();
    const to = list.indexOf(li) + Number(el.dataset.move);
    if (to >= 0 && to < list.length) move(li, to);
  } else if (el.hasAttribute('data-remove')) {
    const next = li.nextElementSibling ?? li.previousElementSibling;
    write(`Removed ${li.dataset.task} from this day`, () => api('DELETE', `${base}/items/${li.dataset.item}`),
      next ? { item: next.dataset.item, attr: 'data-check' } : { attr: 'data-pick-filter' });
  } else if (el.hasAttribute('data-complete')) {
    write(`${li.dataset.task} is done`, () => patch(li.dataset.item, { complete_task: true }), { item: li.dataset.item, attr: 'data-check' });
  } else if (el.dataset.add) {
    addTask(el.dataset.add);
  } else if (el.hasAttribute('data-accept-offer')) {
    write('Added the unfinished tasks', () => api('POST', `${base}/carry-over`, { date }), { attr: 'data-check' });
  } else if (el.dataset.acceptOne) {
    write(`Added ${el.dataset.acceptOne}`, () => api('POST', `${base}/carry-over`, { date, tasks: [el.dataset.acceptOne] }), { attr: 'data-accept-offer' });
  } else if (el.hasAttribute('data-dismiss-offer')) {
    const offer = root.querySelector('[data-offer]');
    localStorage.setItem(dismissKey(), offer.dataset.offerFrom);
    offer.hidden = true;
    announce('The unfinished tasks stay where they were.');
  }
});

root.addEventListener('input', (e) => { if (e.target.matches('[data-pick-filter]')) filterPicks(); });
root.addEventListener('submit', (e) => {
  if (!e.target.matches('[data-pick-form]')) return;
  e.preventDefault();
  const value = e.target.querySelector('[data-pick-filter]').value.trim();
  const visible = [...root.querySelectorAll('[data-pick-list] > li:not([hidden])')];
  if (/^[A-Za-z][A-Za-z0-9]*-\d+$/.test(value)) {
    addTask(value.toUpperCase()).then(() => { const i = root.querySelector('[data-pick-filter]'); if (i) { i.value = ''; filterPicks(); } });
  } else if (visible.length === 1) {
    addTask(visible[0].dataset.pick);
  } else if (value) {
    announce(visible.length ? 'Several tasks match: choose one with its Add button.' : 'No task matches.');
  }
});

// ---- Drag to reorder --------------------------------------------------

let dragged = null;
const marker = document.createElement('li');
marker.className = 'drop-marker';
marker.setAttribute('aria-hidden', 'true');

root.addEventListener('dragstart', (e) => {
  const li = e.target.closest?.('[data-item]');
  if (!li) return;
  dragged = li;
  li.classList.add('dragging');
  e.dataTransfer.effectAllowed = 'move';
  e.dataTransfer.setData('text/plain', li.dataset.task);
});
root.addEventListener('dragover', (e) => {
  const list = e.target.closest?.('[data-day-list]');
  if (!dragged || !list) return;
  e.preventDefault();
  const after = items().find((li) => li !== dragged && e.clientY < li.getBoundingClientRect().top + li.offsetHeight / 2);
  list.insertBefore(marker, after ?? null);
});
root.addEventListener('drop', (e) => {
  if (!dragged || !marker.parentNode) return;
  e.preventDefault();
  const li = dragged;
  marker.replaceWith(li);
  const to = items().indexOf(li);
  move(li, to);
});
root.addEventListener('dragend', () => {
  dragged?.classList.remove('dragging');
  dragged = null;
  marker.remove();
});

// ---- Live ---------------------------------------------------------------

document.addEventListener('keel:event', ({ detail: event }) => {
  if (event.kind === 'my_day') {
    if (!event.item || event.item.user === me) refresh();
  } else if (event.kind === 'task') {
    const key = event.key ?? '';
    const shown = [...root.querySelectorAll('[data-task], [data-pick], [data-offer-task]')]
      .some((el) => (el.dataset.task ?? el.dataset.pick ?? el.dataset.offerTask) === key);
    if (shown || event.item?.assignee?.id === me) refresh();
  }
});

localise();
if (root.dataset.date !== date) refresh();
connect(ws, (state) => announce(state === 'live' ? '' : 'Reconnecting…'), Number(document.body.dataset.seq));
