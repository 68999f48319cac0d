// The journey map editor. Cells are edited in place (click, or Enter on a
// focused cell; Enter saves, Shift+Enter is a new line, Esc cancels, blur
// saves); arrow keys move between cells. Stage names, emotions, moves,
// deletions and opportunity links go through the JSON API; after each
// write, and on live `journey` events, the server renders the page again
// and the editor is swapped (so the SVG curve is always the server's),
// keeping focus on the same control. User text only ever goes into
// `textContent` and `value`.

import { api, announce, csrf, page } from './core.js';
import { connect } from './live.js';

const { ws } = page();
const root = document.querySelector('[data-journey]');
const mapId = root.dataset.journey;
const base = `/api/v1/workspaces/${encodeURIComponent(ws)}/journeys/${mapId}`;

let editing = null;
let stale = false;
let last = Promise.resolve();
let queued = null;

const focusKey = () => document.activeElement?.closest?.('[data-focus]')?.dataset.focus ?? null;
const byFocus = (key) => root.querySelector(`[data-focus="${CSS.escape(key)}"]`);

/** A text field of the editor has focus: a refresh would lose what is typed. */
function typing() {
  const a = document.activeElement;
  return root.contains(a) && (a.tagName === 'TEXTAREA' || (a.tagName === 'INPUT' && a.value !== a.defaultValue));
}

/** Puts focus back on the control `key` names, or the nearest sensible one. */
function restoreFocus(key) {
  if (!key) return;
  const [kind, stage] = key.split(':');
  const fallbacks = [key];
  if (kind === 'left' || kind === 'right') fallbacks.push(`name:${stage}`);
  if (kind === 'pick') fallbacks.push(`cell:${stage}:opportunities`);
  if (kind === 'delete') fallbacks.push('new-stage');
  for (const k of fallbacks) {
    const el = byFocus(k);
    if (el && !el.disabled) { el.focus(); return; }
  }
}

/** Fetches the page and swaps the editor. Focus goes to `focus` (a
 *  `data-focus` key) unless the user moved it since `from` (where it was
 *  when the write began); otherwise it stays on the same control. */
async function render(focus, from) {
  const res = await fetch(location.href, { credentials: 'same-origin' });
  if (res.status === 404) { announce('This journey map was deleted.'); return; }
  if (!res.ok) { announce('Could not reload the map; reload the page.'); return; }
  const fresh = new DOMParser().parseFromString(await res.text(), 'text/html').querySelector('[data-journey]');
  if (!fresh) return;
  if (editing) { stale = true; return; }
  // The version moves with every change to the map or its grid: the same
  // version is the same page, and swapping it would only disturb the user.
  const now = focusKey();
  const moved = now !== null && from !== undefined && now !== from;
  const key = focus === undefined || moved ? now : focus;
  if (fresh.dataset.version === root.dataset.version) {
    if (key !== now) restoreFocus(key);
    return;
  }
  const open = root.querySelector('details.jm-edit')?.open;
  // Text being typed into a field (not yet saved) survives the swap.
  const active = document.activeElement;
  const typed = root.contains(active) && active.tagName === 'INPUT' && active.value !== active.defaultValue
    ? { key: active.dataset.focus, value: active.value } : null;
  const scroll = root.querySelector('.jm-scroll')?.scrollLeft ?? 0;
  // Keep the live region itself, so what it said stays said (once).
  const status = root.querySelector('[data-live-status]');
  if (status) fresh.querySelector('[data-live-status]')?.replaceWith(status);
  root.replaceChildren(...fresh.childNodes);
  root.dataset.version = fresh.dataset.version;
  if (open) root.querySelector('details.jm-edit')?.setAttribute('open', '');
  const grid = root.querySelector('.jm-scroll');
  if (grid) grid.scrollLeft = scroll;
  if (typed?.key) {
    const field = byFocus(typed.key);
    if (field) field.value = typed.value;
  }
  restoreFocus(key);
}

/** Renders the editor again from the server, after any render under way;
 *  calls while one waits to start join it (the last focus asked for
 *  wins). Waits while a cell is being edited (or, unless `force`, while
 *  something is typed elsewhere). */
function refresh(focus = undefined, force = false, from = undefined) {
  if (editing || (!force && typing())) { stale = true; return Promise.resolve(); }
  if (queued) {
    if (focus !== undefined) { queued.focus = focus; queued.from = from; }
    return last;
  }
  const job = { focus, from };
  queued = job;
  last = last.then(() => { queued = null; return render(job.focus, job.from); })
    .catch(() => announce('Could not reload the map; reload the page.'));
  return last;
}

/** Runs one write, renders again, then says what happened. */
async function write(what, call, focus) {
  const from = focusKey();
  try {
    await call();
    await refresh(focus, true, from);
    if (what) announce(what);
    return true;
  } catch (err) {
    announce(`Could not save that: ${err.message}`);
    return false;
  }
}

const stagePath = (id) => `${base}/stages/${encodeURIComponent(id)}`;
const stageName = (id) => root.querySelector(`[data-stage-name="${CSS.escape(id)}"]`)?.value ?? 'the stage';

// --- Cells -----------------------------------------------------------------

function startEdit(el) {
  if (editing || !el) return;
  const cell = el.closest('[data-cell]');
  const box = document.createElement('textarea');
  box.className = 'jm-editor';
  box.value = el.textContent;
  box.rows = Math.min(8, Math.max(3, box.value.split('\n').length + 1));
  box.maxLength = 2000;
  box.setAttribute('aria-label', el.dataset.label ?? 'Cell text');
  box.dataset.focus = el.dataset.focus;
  el.hidden = true;
  el.after(box);
  editing = { el, box, cell, original: el.textContent, done: false };
  box.focus();
  box.setSelectionRange(box.value.length, box.value.length);
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); finishEdit(true, true); }
    if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); finishEdit(false, true); }
  });
  box.addEventListener('blur', () => finishEdit(true, false));
}

async function finishEdit(save, keepFocus) {
  if (!editing || editing.done) return;
  const { el, box, cell, original } = editing;
  editing.done = true;
  const text = box.value.trim();
  box.remove();
  el.hidden = false;
  editing = null;
  if (keepFocus) el.focus();
  if (!save || text === original.trim()) {
    if (stale) { stale = false; refresh(); }
    return;
  }
  // Show it at once; the refresh brings the server's version.
  el.textContent = text;
  el.classList.toggle('empty', !text);
  stale = false;
  const lane = cell.dataset.lane;
  await write(text ? 'Saved' : 'Cleared',
    () => api('PUT', `${stagePath(cell.dataset.stage)}/cells/${lane}`, { text }),
    keepFocus ? el.dataset.focus : undefined);
}

/** The grid's editable cells, by lane row then stage column. */
const gridCells = () => [...root.querySelectorAll('tr[data-lane-row]')]
  .map((tr) => [...tr.querySelectorAll('[data-cell-text]')]);

function moveFocus(from, key) {
  const rows = gridCells();
  const r = rows.findIndex((row) => row.includes(from));
  if (r < 0) return false;
  const c = rows[r].indexOf(from);
  const [dr, dc] = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[key];
  const target = rows[r + dr]?.[c + dc];
  if (!target) return false;
  target.focus();
  target.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  return true;
}

// --- Events ----------------------------------------------------------------

root.addEventListener('click', async (e) => {
  const text = e.target.closest('[data-cell-text]');
  if (text) { startEdit(text); return; }

  const move = e.target.closest('[data-move]');
  if (move && !move.disabled) {
    const id = move.dataset.stage;
    const heads = [...root.querySelectorAll('[data-stage-head]')].map((h) => h.dataset.stageHead);
    const to = heads.indexOf(id) + Number(move.dataset.move);
    const side = Number(move.dataset.move) < 0 ? 'left' : 'right';
    await write(`Moved ${stageName(id)} to place ${to + 1}`, () => api('PATCH', stagePath(id), { position: to }), `${side}:${id}`);
    return;
  }

  const del = e.target.closest('[data-delete-stage]');
  if (del) {
    const id = del.dataset.deleteStage;
    const name = stageName(id);
    if (del.dataset.armed !== 'true') {
      del.dataset.armed = 'true';
      del.classList.add('armed');
      del.setAttribute('aria-label', `Press again to delete stage ${name} with its cells`);
      announce(`Press delete again to remove ${name} with everything in its column.`);
      setTimeout(() => { if (del.isConnected) { del.dataset.armed = 'false'; del.classList.remove('armed'); del.setAttribute('aria-label', `Delete stage ${name}`); } }, 5000);
      return;
    }
    const heads = [...root.querySelectorAll('[data-stage-head]')].map((h) => h.dataset.stageHead);
    const neighbour = heads[heads.indexOf(id) - 1] ?? heads[heads.indexOf(id) + 1];
    await write(`Deleted stage ${name}`, () => api('DELETE', stagePath(id)), neighbour ? `name:${neighbour}` : 'new-stage');
    return;
  }

  const add = e.target.closest('[data-link-add]');
  if (add) {
    const stage = add.dataset.linkAdd;
    const pick = root.querySelector(`[data-link-pick="${CSS.escape(stage)}"]`);
    if (!pick?.value) { announce('Choose a feature or idea to link first.'); pick?.focus(); return; }
    const title = pick.selectedOptions[0]?.textContent ?? 'the feature';
    // Ideas are offered as `idea:ID`; features by their id alone.
    const idea = pick.value.startsWith('idea:');
    const body = idea ? { linked_kind: 'idea', linked_id: pick.value.slice(5) } : { linked_kind: 'feature', linked_id: pick.value };
    await write(`Linked ${title}`, () => api('POST', `${stagePath(stage)}/opportunities`, body), `pick:${stage}`);
    return;
  }

  const unlink = e.target.closest('[data-unlink]');
  if (unlink) {
    const stage = unlink.dataset.stage;
    await write('Unlinked', () => api('DELETE', `${stagePath(stage)}/opportunities/${encodeURIComponent(unlink.dataset.unlink)}`), `pick:${stage}`);
    return;
  }

  const delMap = e.target.closest('[data-delete-map]');
  if (delMap) {
    if (delMap.dataset.armed !== 'true') {
      delMap.dataset.armed = 'true';
      delMap.textContent = 'Press again to delete the map';
      return;
    }
    try {
      await api('DELETE', base);
      location.href = root.querySelector('.crumb a:last-child')?.getAttribute('href') ?? `/w/${encodeURIComponent(ws)}`;
    } catch (err) { announce(`Could not delete it: ${err.message}`); }
  }
});

root.addEventListener('keydown', (e) => {
  const text = e.target.closest?.('[data-cell-text]');
  if (!text || e.target !== text || e.altKey || e.ctrlKey || e.metaKey) return;
  if (e.key === 'Enter' || e.key === ' ' || e.key === 'F2') { e.preventDefault(); startEdit(text); return; }
  if (e.key.startsWith('Arrow') && moveFocus(text, e.key)) e.preventDefault();
});

root.addEventListener('change', async (e) => {
  const name = e.target.closest('[data-stage-name]');
  if (name) {
    const value = name.value.trim();
    if (!value) { name.value = name.defaultValue; announce('A stage needs a name.'); return; }
    await write(`Renamed to ${value}`, () => api('PATCH', stagePath(name.dataset.stageName), { name: value }));
    return;
  }
  const emotion = e.target.closest('[data-emotion]');
  if (emotion) {
    const label = emotion.selectedOptions[0]?.textContent ?? emotion.value;
    await write(`Emotion at ${stageName(emotion.dataset.emotion)}: ${label}`,
      () => api('PATCH', stagePath(emotion.dataset.emotion), { emotion: Number(emotion.value) }),
      `emotion:${emotion.dataset.emotion}`);
  }
});

root.addEventListener('keydown', (e) => {
  // Enter in a stage name saves it (the change event) without leaving it.
  if (e.key === 'Enter' && e.target.matches?.('[data-stage-name]')) { e.preventDefault(); e.target.blur(); e.target.focus(); }
  if (e.key === 'Escape' && e.target.matches?.('[data-stage-name]')) { e.target.value = e.target.defaultValue; }
});

root.addEventListener('submit', async (e) => {
  if (e.target.matches('[data-add-stage]')) {
    e.preventDefault();
    const input = e.target.querySelector('input[name="name"]');
    const name = input.value.trim();
    if (!name) return;
    input.value = '';
    const ok = await write(`Added stage ${name}`, () => api('POST', `${base}/stages`, { name }), 'new-stage');
    if (!ok) { const again = byFocus('new-stage'); if (again) again.value = name; }
    return;
  }
  if (e.target.matches('[data-edit-map]')) {
    e.preventDefault();
    const form = e.target;
    const body = { title: form.elements.title.value, description: form.elements.description.value };
    const persona = form.elements.persona;
    if (persona.value !== (persona.querySelector('option[selected]')?.value ?? '')) body.persona = persona.value || null;
    const res = await fetch(base, {
      method: 'PATCH',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf(), 'if-match': `"${root.dataset.version}"` },
      body: JSON.stringify(body),
    });
    const data = await res.json().catch(() => null);
    if (res.status === 412) { announce('The map changed meanwhile (someone edited it); your edit was not saved. Check it and save again.'); await refresh(null, true); return; }
    if (!res.ok) { announce(`Could not save: ${data?.detail ?? res.status}`); return; }
    await refresh(null, true);
    announce('Saved');
  }
});

// Refresh what waited for a text field to lose focus.
root.addEventListener('focusout', () => {
  setTimeout(() => { if (stale && !editing && !typing()) { stale = false; refresh(); } }, 0);
});

document.addEventListener('keel:event', (e) => {
  const ev = e.detail;
  if (ev.kind !== 'journey' || ev.id !== mapId) return;
  if (ev.type === 'deleted') { announce('This journey map was deleted by someone.'); return; }
  // Our own writes are on the page already.
  if (ev.item && ev.item.version <= Number(root.dataset.version)) return;
  refresh();
});

connect(ws, () => {}, Number(document.body.dataset.seq));
