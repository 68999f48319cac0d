// The list: select rows (click, shift-click for a range, x on a focused
// row, or all on the page) and change their status, priority or assignee
// in one bulk request; save and delete views; follow live changes by
// re-rendering the results from the server.

import { api, announce, page } from './core.js';
import { connect } from './live.js';

const root = document.querySelector('[data-list]');
const { ws, product } = page();
const bulk = root.querySelector('[data-bulk]');
const selected = new Set();
let lastClicked = null;

const REGIONS = { results: '[data-list-results]', views: '[data-views]' };
const boxes = () => [...root.querySelectorAll('[data-list-results] [data-select]')];

/** Makes checkboxes, row highlights, the select-all box and the bulk bar
 *  agree with `selected` (dropping rows that are no longer on the page). */
function syncSelection() {
  const all = boxes();
  const visible = new Set(all.map((b) => b.value));
  for (const id of [...selected]) if (!visible.has(id)) selected.delete(id);
  for (const b of all) {
    b.checked = selected.has(b.value);
    b.closest('tr')?.classList.toggle('selected', b.checked);
  }
  const head = root.querySelector('[data-select-all]');
  if (head) {
    head.checked = all.length > 0 && selected.size === all.length;
    head.indeterminate = selected.size > 0 && selected.size < all.length;
  }
  if (bulk) {
    bulk.hidden = selected.size === 0;
    bulk.querySelector('[data-bulk-count]').textContent = selected.size;
  }
}

function toggle(box, on) {
  if (on) selected.add(box.value); else selected.delete(box.value);
}

root.addEventListener('click', (e) => {
  const box = e.target.closest?.('[data-select]');
  if (!box) return;
  const all = boxes();
  if (e.shiftKey && lastClicked && all.includes(lastClicked)) {
    const [a, b] = [all.indexOf(lastClicked), all.indexOf(box)].sort((x, y) => x - y);
    for (const other of all.slice(a, b + 1)) toggle(other, box.checked);
  } else {
    toggle(box, box.checked);
  }
  lastClicked = box;
  syncSelection();
});

root.addEventListener('change', (e) => {
  if (!e.target.matches('[data-select-all]')) return;
  for (const b of boxes()) toggle(b, e.target.checked);
  syncSelection();
});

// Keyboard: x toggles the focused row (j/k move, from palette.js), Enter
// opens it.
root.addEventListener('keydown', (e) => {
  const row = e.target.closest?.('tr[data-row]');
  if (!row || e.target !== row || e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === 'Enter') location.href = `/w/${ws}/t/${row.dataset.key}`;
  else if (e.key === 'x') {
    const box = row.querySelector('[data-select]');
    if (box) { e.preventDefault(); toggle(box, !box.checked); syncSelection(); }
  }
});

// Filters: a new sort starts in its own natural direction.
root.querySelector('[data-sort]')?.addEventListener('change', () => {
  const dir = root.querySelector('[data-dir]');
  if (dir) dir.disabled = true;
});
// Search applies on Enter as well as on leaving the field.
root.querySelector('#f-q')?.addEventListener('keydown', (e) => {
  if (e.key !== 'Enter') return;
  e.preventDefault();
  e.target.dispatchEvent(new Event('change', { bubbles: true }));
});

// ---- Re-rendering -------------------------------------------------------

const pending = new Set();
let running = null;

/** Re-fetches this page and swaps the named regions, keeping the selection
 *  and the focused row. Calls made meanwhile are folded into one more
 *  fetch, so a burst of events costs at most two. */
function refresh(names = ['results']) {
  for (const n of names) pending.add(n);
  running ??= (async () => {
    try {
      while (pending.size) {
        const now = [...pending];
        pending.clear();
        const res = await fetch(location.href, { credentials: 'same-origin' });
        if (!res.ok) return;
        const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
        const focused = document.activeElement?.closest?.('tr[data-row]')?.dataset.id;
        for (const n of now) {
          const fresh = doc.querySelector(REGIONS[n]);
          const here = root.querySelector(REGIONS[n]);
          if (fresh && here) here.replaceChildren(...fresh.childNodes);
        }
        const count = doc.querySelector('[data-list-count]');
        if (count) root.querySelector('[data-list-count]').textContent = count.textContent;
        // Times in the fresh rows read like the rest of the page's.
        import('./notifications.js').then((m) => m.localizeTimes?.(root)).catch(() => {});
        if (focused) root.querySelector(`tr[data-row][data-id="${focused}"]`)?.focus();
        syncSelection();
      }
    } finally {
      running = null;
    }
  })();
  return running;
}

document.addEventListener('keel:event', ({ detail: event }) => {
  if (event.kind !== 'task') return;
  if (event.item && event.item.product !== product) return;
  refresh();
});

// ---- Bulk edit ------------------------------------------------------------

bulk?.addEventListener('submit', async (e) => {
  e.preventDefault();
  const f = bulk.elements;
  const set = {};
  if (f.status.value) set.status = f.status.value;
  if (f.priority.value) set.priority = f.priority.value;
  if (f.assignee.value) set.assignee = f.assignee.value === 'none' ? null : f.assignee.value;
  if (!Object.keys(set).length) { announce('Choose a status, priority or assignee to set.'); f.status.focus(); return; }
  const tasks = [...selected];
  const apply = bulk.querySelector('[data-bulk-apply]');
  apply.disabled = true;
  try {
    const res = await api('POST', `/api/v1/workspaces/${ws}/tasks/bulk`, { tasks, set });
    announce(`Updated ${res.changed} of ${tasks.length} ${tasks.length === 1 ? 'task' : 'tasks'}.`);
    selected.clear();
    bulk.reset();
    await refresh();
  } catch (err) {
    announce(`Nothing was changed: ${err.message}`);
  } finally {
    apply.disabled = false;
  }
});

bulk?.querySelector('[data-bulk-clear]').addEventListener('click', () => {
  selected.clear();
  syncSelection();
});

// ---- Saved views ----------------------------------------------------------

function viewsMenu() {
  return root.querySelector('[data-views] details');
}

function viewError(text) {
  const p = root.querySelector('[data-view-error]');
  if (!p) return;
  p.textContent = text;
  p.hidden = !text;
}

root.addEventListener('submit', async (e) => {
  const form = e.target.closest('[data-save-view]');
  if (!form) return;
  e.preventDefault();
  const name = form.elements.name.value.trim();
  if (!name) { viewError('Give the view a name.'); return; }
  try {
    const view = await api('POST', `/api/v1/workspaces/${ws}/views`, { name, product, query: root.dataset.query });
    await refresh(['views']);
    viewsMenu()?.setAttribute('open', '');
    announce(`Saved the view “${view.name}”.`);
  } catch (err) {
    viewError(err.message);
  }
});

root.addEventListener('click', async (e) => {
  const button = e.target.closest?.('[data-delete-view]');
  if (!button) return;
  const name = button.closest('li')?.querySelector('a')?.textContent ?? 'the view';
  try {
    await api('DELETE', `/api/v1/workspaces/${ws}/views/${button.dataset.deleteView}`);
    await refresh(['views']);
    viewsMenu()?.setAttribute('open', '');
    announce(`Deleted the view “${name}”.`);
  } catch (err) {
    viewError(err.message);
  }
});

// Close the views menu on Escape or a click elsewhere.
document.addEventListener('keydown', (e) => {
  const menu = viewsMenu();
  if (e.key === 'Escape' && menu?.open) { menu.open = false; menu.querySelector('summary').focus(); }
});
document.addEventListener('click', (e) => {
  const menu = viewsMenu();
  if (menu?.open && !menu.contains(e.target)) menu.open = false;
});

syncSelection();
connect(ws, (state) => announce(state === 'live' ? '' : 'Reconnecting…'), Number(document.body.dataset.seq));
