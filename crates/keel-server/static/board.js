// The board: drag cards between and within columns (the new place is
// saved for everyone), quick-add in a column, and live updates from other
// people, the API and the CLI.

import { api, announce, page } from './core.js';
import { connect } from './live.js';

const board = document.querySelector('[data-board]');
const { ws, product } = page();
const canWrite = ['owner', 'admin', 'member'].includes(document.body.dataset.role);
const params = new URLSearchParams(location.search);
// A filtered or grouped board is re-rendered by the server on changes; the
// plain board is patched in place.
const simpleBoard = !['assignee', 'priority', 'label', 'type', 'group'].some((k) => params.get(k));

const cardsOf = (status) => board.querySelector(`.column[data-status="${status}"] [data-cards]`);
const cardById = (id) => board.querySelector(`.task-card[data-id="${id}"]`);

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const initials = (name) => name.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0].toUpperCase()).join('');

/** A card built from a task as the API returns it (text only, never HTML). */
function renderCard(task) {
  const li = el('li', 'card task-card');
  li.draggable = canWrite;
  li.tabIndex = 0;
  Object.assign(li.dataset, { id: task.id, key: task.key, rank: task.rank, version: task.version });
  const key = el('a', 'task-key', task.key);
  key.href = `/w/${ws}/t/${task.key}`;
  const meta = el('p', 'task-meta');
  const prio = el('span', `priority priority-${task.priority}`, task.priority);
  prio.title = `Priority: ${task.priority}`;
  meta.append(prio);
  if (task.type !== 'feature') meta.append(el('span', 'tag type', task.type));
  for (const label of task.labels) meta.append(el('span', 'tag', label));
  if (task.estimate !== null) { const e = el('span', 'estimate', `${task.estimate} pt`); e.title = 'Estimate'; meta.append(e); }
  if (task.due_date) { const d = el('span', 'due', task.due_date); d.title = 'Due'; meta.append(d); }
  if (task.assignee) { const a = el('span', 'avatar small', initials(task.assignee.name)); a.title = task.assignee.name; meta.append(a); }
  li.append(key, el('p', 'task-title', task.title), meta);
  return li;
}

function updateCounts() {
  let total = 0;
  for (const column of board.querySelectorAll('.column')) {
    const n = column.querySelectorAll('.task-card').length;
    total += n;
    column.querySelector('.column-title .count').textContent = n;
  }
  const count = board.querySelector('[data-board-count]');
  if (count) count.textContent = total;
}

/** Puts a card into its column at its rank. */
function place(card, status) {
  const list = cardsOf(status);
  if (!list) { card.remove(); return; }
  const rank = Number(card.dataset.rank);
  const next = [...list.querySelectorAll('.task-card')].find((c) => c !== card && Number(c.dataset.rank) > rank);
  list.insertBefore(card, next ?? null);
}

function upsert(task) {
  const existing = cardById(task.id);
  if (existing && Number(existing.dataset.version) > task.version) return;
  const card = renderCard(task);
  if (existing) existing.replaceWith(card);
  place(card, task.status);
  card.classList.add('flash');
  updateCounts();
}

let refreshing = null;
/** Re-renders the board from the server, keeping the page where it is. */
async function refresh() {
  if (refreshing) return refreshing;
  refreshing = (async () => {
    const res = await fetch(location.href, { credentials: 'same-origin' });
    const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
    const fresh = doc.querySelector('[data-board]');
    if (fresh) { board.replaceChildren(...fresh.childNodes); wire(); }
  })().finally(() => { refreshing = null; });
  return refreshing;
}

document.addEventListener('keel:event', ({ detail: event }) => {
  if (event.kind !== 'task') return;
  if (!simpleBoard) { refresh(); return; }
  if (event.type === 'deleted') { cardById(event.id)?.remove(); updateCounts(); return; }
  if (event.item && event.item.product === product) upsert(event.item);
});

// ---- Drag and drop ------------------------------------------------------

let dragged = null;
const marker = el('li', 'drop-marker');
marker.setAttribute('aria-hidden', 'true');

/** The card the dragged one would be dropped before, for pointer `y`. */
function cardAfter(list, y) {
  for (const card of list.querySelectorAll('.task-card:not(.dragging)')) {
    const box = card.getBoundingClientRect();
    if (y < box.top + box.height / 2) return card;
  }
  return null;
}

async function drop(list) {
  const card = dragged;
  const column = list.closest('.column');
  list.insertBefore(card, marker);
  marker.remove();
  const prev = card.previousElementSibling?.classList.contains('task-card') ? card.previousElementSibling : null;
  const next = card.nextElementSibling?.classList.contains('task-card') ? card.nextElementSibling : null;
  const body = { status: column.dataset.status };
  if (prev) body.after = prev.dataset.key; else if (next) body.before = next.dataset.key;
  updateCounts();
  try {
    const task = await api('POST', `/api/v1/workspaces/${ws}/tasks/${card.dataset.key}/move`, body);
    card.dataset.rank = task.rank;
    card.dataset.version = task.version;
    announce(`${task.key} moved to ${column.querySelector('.column-title').firstChild.nextSibling.textContent.trim()}`);
  } catch (err) {
    announce(`Could not move ${card.dataset.key}: ${err.message}`);
    refresh();
  }
}

function wire() {
  for (const list of board.querySelectorAll('[data-cards]')) {
    list.addEventListener('dragover', (e) => {
      if (!dragged) return;
      e.preventDefault();
      list.classList.add('drop-target');
      list.insertBefore(marker, cardAfter(list, e.clientY));
    });
    list.addEventListener('dragleave', (e) => { if (!list.contains(e.relatedTarget)) list.classList.remove('drop-target'); });
    list.addEventListener('drop', (e) => { e.preventDefault(); list.classList.remove('drop-target'); if (dragged) drop(list); });
  }
  for (const form of board.querySelectorAll('[data-quick-add]')) {
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const input = form.elements.title;
      const title = input.value.trim();
      if (!title) return;
      input.disabled = true;
      try {
        const task = await api('POST', `/api/v1/workspaces/${ws}/tasks`, { product, title, status: form.dataset.status });
        input.value = '';
        if (simpleBoard) upsert(task); else refresh();
        announce(`Created ${task.key}`);
      } catch (err) {
        announce(`Could not create the task: ${err.message}`);
      } finally {
        input.disabled = false;
        input.focus();
      }
    });
  }
}

board.addEventListener('dragstart', (e) => {
  const card = e.target.closest?.('.task-card');
  if (!card || !canWrite) return;
  dragged = card;
  card.classList.add('dragging');
  e.dataTransfer.effectAllowed = 'move';
  e.dataTransfer.setData('text/plain', card.dataset.key);
});
board.addEventListener('dragend', () => {
  dragged?.classList.remove('dragging');
  dragged = null;
  marker.remove();
  for (const l of board.querySelectorAll('.drop-target')) l.classList.remove('drop-target');
});
// Enter on a focused card opens it.
board.addEventListener('keydown', (e) => {
  const card = e.target.closest?.('.task-card');
  if (card && e.key === 'Enter' && e.target === card) location.href = `/w/${ws}/t/${card.dataset.key}`;
});

wire();
connect(ws, (state) => announce(state === 'live' ? '' : 'Reconnecting…'), Number(document.body.dataset.seq));
