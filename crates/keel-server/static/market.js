// The market page: matrix cells saved as they change, competitors added and
// edited, the SWOT board (add, edit, delete, move with buttons or by drag),
// trends noted. Every write goes through the JSON API; afterwards, and on
// live events, the page re-reads the server's HTML and swaps the regions
// (`data-region`) that may have changed. User text only ever reaches the
// DOM through the server's escaped HTML or `textContent`/`value`.

import { api, announce, page, csrf } from './core.js';
import { connect } from './live.js';

const root = document.querySelector('[data-market]');
const { ws, product } = page();
const base = `/api/v1/workspaces/${encodeURIComponent(ws)}`;
const canWrite = root.dataset.canWrite === 'true';

/** PATCH or DELETE with If-Match; a stale version is explained, not thrown. */
async function versioned(method, path, version, body) {
  const headers = { 'x-csrf-token': csrf(), 'if-match': `"${version}"` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 412) throw new Error('someone else changed it meanwhile; the page now shows their change');
  if (res.status === 204) return null;
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new Error(data?.detail ?? `${res.status} ${res.statusText}`);
  return data;
}

let refreshing = null;
let again = false;
/** Re-reads the page and swaps the regions matching `prefixes` (all when empty). */
async function refresh(...prefixes) {
  if (refreshing) { again = true; return refreshing; }
  refreshing = (async () => {
    const res = await fetch(location.pathname, { credentials: 'same-origin' });
    if (!res.ok) return;
    const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
    const focusKey = document.activeElement?.dataset?.focusKey;
    for (const fresh of doc.querySelectorAll('[data-region]')) {
      const name = fresh.dataset.region;
      if (prefixes.length && !prefixes.some((p) => name.startsWith(p))) continue;
      const current = root.querySelector(`[data-region="${name}"]`);
      if (!current || busyTyping(current)) continue;
      current.replaceChildren(...fresh.childNodes);
    }
    if (focusKey) root.querySelector(`[data-focus-key="${focusKey}"]`)?.focus();
  })().finally(() => {
    refreshing = null;
    if (again) { again = false; refresh(); }
  });
  return refreshing;
}

/** True while the user is typing in a text field of `region` (or has an
 *  edit form open there): re-rendering would lose what they typed. */
function busyTyping(region) {
  if (region.querySelector('details[open] [data-edit-competitor]')) return true;
  if (region.querySelector('[data-swot-editor]')) return true;
  const a = document.activeElement;
  return Boolean(a && region.contains(a) && (a.tagName === 'TEXTAREA' || (a.tagName === 'INPUT' && a.type !== 'checkbox')));
}

// ---- The comparison matrix ---------------------------------------------

async function saveCell(cell) {
  const level = cell.querySelector('[data-level]').value;
  const note = cell.querySelector('[data-note]').value;
  if (!level) { announce('Choose a level first (has, partly, lacks), then the note is saved with it.'); return; }
  const path = `${base}/competitors/${cell.dataset.competitor}/features/${cell.dataset.feature}`;
  try {
    const saved = await api('PUT', path, { level, note });
    cell.className = `matrix-cell level-${saved.level}`;
    cell.querySelector('[data-level] option[value=""]')?.remove();
    announce('Saved');
  } catch (err) { announce(`Could not save: ${err.message}`); }
}

root.addEventListener('change', (e) => {
  const cell = e.target.closest('[data-cell]');
  if (cell && (e.target.matches('[data-level]') || e.target.matches('[data-note]'))) saveCell(cell);
});
root.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && e.target.matches('[data-note]')) { e.preventDefault(); e.target.blur(); }
});

// ---- Competitors -------------------------------------------------------

const text = (form, name) => (form.elements[name]?.value ?? '');

root.querySelector('[data-add-competitor]')?.addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = e.target;
  const body = {
    name: text(form, 'name'),
    website: text(form, 'website'),
    strengths: text(form, 'strengths'),
    weaknesses: text(form, 'weaknesses'),
    pricing: text(form, 'pricing'),
  };
  if (form.elements.only_here.checked) body.product = product;
  try {
    const c = await api('POST', `${base}/competitors`, body);
    form.reset();
    await refresh('matrix', 'competitors');
    announce(`Added ${c.name}`);
  } catch (err) { announce(`Could not add it: ${err.message}`); }
});

root.addEventListener('submit', async (e) => {
  const form = e.target.closest('[data-edit-competitor]');
  if (!form) return;
  e.preventDefault();
  const card = form.closest('[data-competitor-card]');
  const body = {};
  for (const name of ['name', 'website', 'description', 'strengths', 'weaknesses', 'pricing']) body[name] = text(form, name);
  try {
    await versioned('PATCH', `${base}/competitors/${card.dataset.competitorCard}`, card.dataset.version, body);
    announce('Saved');
  } catch (err) {
    announce(`Could not save: ${err.message}`);
    // Keep what was typed unless it was overtaken by someone else's edit.
    if (!/someone else/.test(err.message)) return;
  }
  form.closest('details').open = false;
  refresh('matrix', 'competitors');
});

// ---- SWOT --------------------------------------------------------------

const itemOf = (el) => el.closest('[data-swot]');

async function move(item, quadrant, position) {
  try {
    await versioned('PATCH', `${base}/swot/${item.dataset.swot}`, item.dataset.version, { quadrant, position });
  } catch (err) { announce(`Could not move it: ${err.message}`); }
  await refresh('swot-');
}

function editItem(item) {
  if (item.querySelector('[data-swot-editor]')) return;
  const span = item.querySelector('[data-swot-text]');
  const input = document.createElement('input');
  input.value = span.textContent;
  input.maxLength = 500;
  input.dataset.swotEditor = '';
  input.setAttribute('aria-label', 'Edit the item (Enter saves, Escape cancels)');
  span.hidden = true;
  span.after(input);
  input.focus();
  const close = () => { input.remove(); span.hidden = false; };
  input.addEventListener('keydown', async (e) => {
    if (e.key === 'Escape') { close(); item.querySelector('[data-act="edit"]')?.focus(); }
    if (e.key !== 'Enter') return;
    e.preventDefault();
    try {
      await versioned('PATCH', `${base}/swot/${item.dataset.swot}`, item.dataset.version, { text: input.value });
      announce('Saved');
    } catch (err) { announce(`Could not save: ${err.message}`); }
    close();
    refresh('swot-');
  });
  input.addEventListener('blur', () => setTimeout(() => { if (input.isConnected) close(); }, 150));
}

root.addEventListener('click', async (e) => {
  const button = e.target.closest('button');
  if (!button) return;
  const item = itemOf(button);
  if (item && button.dataset.act) {
    const position = Number(item.dataset.position);
    const quadrant = item.dataset.quadrant;
    switch (button.dataset.act) {
      case 'up': return move(item, quadrant, Math.max(0, position - 1));
      case 'down': return move(item, quadrant, position + 1);
      case 'to': return move(item, button.dataset.to);
      case 'edit': return editItem(item);
      case 'delete':
        try {
          await versioned('DELETE', `${base}/swot/${item.dataset.swot}`, item.dataset.version);
          announce('Deleted');
        } catch (err) { announce(`Could not delete it: ${err.message}`); }
        return refresh('swot-');
      default: return undefined;
    }
  }
  if (button.dataset.deleteCompetitor) {
    const card = button.closest('[data-competitor-card]');
    try {
      await versioned('DELETE', `${base}/competitors/${button.dataset.deleteCompetitor}`, card.dataset.version);
      announce('Deleted');
    } catch (err) { announce(`Could not delete it: ${err.message}`); }
    return refresh('matrix', 'competitors');
  }
  if (button.dataset.deleteTrend) {
    const li = button.closest('[data-trend]');
    try {
      await versioned('DELETE', `${base}/trends/${button.dataset.deleteTrend}`, li.dataset.version);
      announce('Deleted');
    } catch (err) { announce(`Could not delete it: ${err.message}`); }
    return refresh('trends');
  }
  return undefined;
});

root.addEventListener('submit', async (e) => {
  const form = e.target.closest('[data-add-swot]');
  if (!form) return;
  e.preventDefault();
  const input = form.elements.text;
  try {
    await api('POST', `${base}/swot`, { product, quadrant: form.dataset.addSwot, text: input.value });
    input.value = '';
    await refresh(`swot-${form.dataset.addSwot}`);
    announce('Added');
  } catch (err) { announce(`Could not add it: ${err.message}`); }
});

// Drag and drop between and inside quadrants.
let dragged = null;
const marker = document.createElement('li');
marker.className = 'drop-marker';
marker.setAttribute('aria-hidden', 'true');

/** Where in `list` a drop at `y` lands: the number of items above it. */
function dropIndex(list, y) {
  const items = [...list.querySelectorAll('[data-swot]')].filter((i) => i !== dragged);
  return items.filter((i) => { const r = i.getBoundingClientRect(); return r.top + r.height / 2 < y; }).length;
}

root.addEventListener('dragstart', (e) => {
  const item = e.target.closest?.('[data-swot]');
  if (!item || !canWrite) return;
  dragged = item;
  item.classList.add('dragging');
  e.dataTransfer.effectAllowed = 'move';
  e.dataTransfer.setData('text/plain', item.dataset.swot);
});
root.addEventListener('dragover', (e) => {
  const list = e.target.closest?.('[data-drop]');
  if (!list || !dragged) return;
  e.preventDefault();
  e.dataTransfer.dropEffect = 'move';
  for (const l of root.querySelectorAll('.drop-target')) if (l !== list) l.classList.remove('drop-target');
  list.classList.add('drop-target');
  const items = [...list.querySelectorAll('[data-swot]')].filter((i) => i !== dragged);
  const at = dropIndex(list, e.clientY);
  if (items[at]) list.insertBefore(marker, items[at]); else list.append(marker);
});
root.addEventListener('drop', (e) => {
  const list = e.target.closest?.('[data-drop]');
  if (!list || !dragged) return;
  e.preventDefault();
  const item = dragged;
  const position = dropIndex(list, e.clientY);
  marker.remove();
  list.classList.remove('drop-target');
  if (list.dataset.drop === item.dataset.quadrant && position === Number(item.dataset.position)) return;
  move(item, list.dataset.drop, position);
});
root.addEventListener('dragend', () => {
  dragged?.classList.remove('dragging');
  dragged = null;
  marker.remove();
  for (const l of root.querySelectorAll('.drop-target')) l.classList.remove('drop-target');
});

// ---- Trends ------------------------------------------------------------

root.querySelector('[data-add-trend]')?.addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = e.target;
  const body = { product, title: text(form, 'title'), impact: text(form, 'impact'), body: text(form, 'body'), source_url: text(form, 'source_url') };
  if (text(form, 'observed_on')) body.observed_on = text(form, 'observed_on');
  try {
    await api('POST', `${base}/trends`, body);
    form.reset();
    await refresh('trends');
    announce('Trend added');
  } catch (err) { announce(`Could not add it: ${err.message}`); }
});

// ---- Live --------------------------------------------------------------

const regionsOf = { competitor: ['matrix', 'competitors'], feature: ['matrix'], swot: ['swot-'], trend: ['trends'] };
document.addEventListener('keel:event', ({ detail: event }) => {
  const regions = regionsOf[event.kind];
  if (regions) refresh(...regions);
});
connect(ws, (state) => announce(state === 'live' ? '' : 'Reconnecting…'), Number(document.body.dataset.seq));
