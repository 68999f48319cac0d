// The feedback inbox: move through items with j/k (the focused row is the
// selected one), triage with single keys (e triaged, a archive, t tags,
// l link), select a passage of the text and link it to a feature, act on
// several items at once, and see similar feedback. Writes go through the
// JSON API; after each, the server renders the inbox again (fetch + swap).

import { api, announce, page } from './core.js';
import { connect } from './live.js';

const { ws, product } = page();
const root = document.querySelector('[data-inbox]');
const base = `/api/v1/workspaces/${encodeURIComponent(ws)}`;
const detail = () => root.querySelector('[data-detail]');
const rows = () => [...root.querySelectorAll('[data-inbox-list] [data-row]')];
const selectedId = () => detail()?.dataset.id;

let refreshing = null;
let pending = false;
/** Renders the inbox again for the current address, keeping focus on the
 *  selected row (or the control named by `focus`). */
function refresh(focus = null) {
  if (refreshing) { pending = true; return refreshing; }
  refreshing = (async () => {
    const url = location.href;
    const res = await fetch(url, { credentials: 'same-origin' });
    if (!res.ok) { announce('Could not reload the inbox; reload the page.'); return; }
    const html = await res.text();
    // Another item was chosen meanwhile: this answer is stale; go again.
    if (url !== location.href) { pending = true; return; }
    const fresh = new DOMParser().parseFromString(html, 'text/html').querySelector('[data-inbox]');
    if (!fresh) return;
    // Where the person is now, not when the reload began: they may have
    // moved on (pressed t for the tags, typed) while it was on its way.
    const keepRow = document.activeElement?.closest?.('[data-row]')?.dataset.item ?? null;
    // A field being typed in keeps its text and caret across the swap, as
    // long as the same item is shown.
    const active = document.activeElement;
    const typed = active && root.contains(active) && active.id && active.matches('input:not([type="checkbox"]), textarea')
      ? { id: active.id, value: active.value, start: active.selectionStart, end: active.selectionEnd, item: selectedId() }
      : null;
    const open = root.querySelector('details.add-feedback')?.open;
    root.replaceChildren(...fresh.childNodes);
    const add = root.querySelector('details.add-feedback');
    if (add && open !== undefined) add.open = open;
    updateBulk();
    loadSimilar();
    const field = typed && typed.item === selectedId() ? root.querySelector(`#${typed.id}`) : null;
    if (field) {
      field.value = typed.value;
      field.focus();
      field.setSelectionRange?.(typed.start, typed.end);
    } else if (focus) root.querySelector(focus)?.focus();
    else if (keepRow) root.querySelector(`[data-row][data-item="${keepRow}"]`)?.focus();
  })().finally(() => {
    refreshing = null;
    if (pending) { pending = false; refresh(); }
  });
  return refreshing;
}

/** Selects a row: its address becomes the page's, and the detail follows. */
function select(row) {
  if (!row || row.dataset.item === selectedId()) return;
  history.replaceState(null, '', row.dataset.href);
  for (const r of rows()) {
    r.classList.toggle('selected', r === row);
    r.toggleAttribute('aria-current', r === row);
  }
  refresh();
}

async function write(what, call, focus) {
  try {
    const result = await call();
    await refresh(focus);
    if (what) announce(what);
    return result;
  } catch (err) {
    announce(`Could not save that: ${err.message}`);
    return null;
  }
}

const patch = (id, body) => api('PATCH', `${base}/feedback/${id}`, body);

function splitTags(text) {
  return text.split(',').map((t) => t.trim()).filter(Boolean);
}

/** The next row after the selected one (or the previous at the end). */
function neighbour() {
  const all = rows();
  const at = all.findIndex((r) => r.dataset.item === selectedId());
  return all[at + 1] ?? all[at - 1] ?? null;
}

async function setStatus(status) {
  const id = selectedId();
  if (!id) return;
  // Archived items leave the open inbox: move on to the next one first.
  const next = status === 'archived' ? neighbour() : null;
  await patch(id, { status }).then(() => {
    announce(status === 'archived' ? 'Archived' : `Marked ${status}`);
    if (next) { history.replaceState(null, '', next.dataset.href); }
    return refresh();
  }).catch((err) => announce(`Could not save that: ${err.message}`));
  const row = root.querySelector(`[data-row][data-item="${selectedId()}"]`);
  row?.focus();
}

/** Puts the words selected inside the feedback text into the passage box. */
function takeSelection() {
  const text = root.querySelector('[data-text]');
  const sel = window.getSelection();
  if (!text || !sel || sel.isCollapsed || !text.contains(sel.anchorNode) || !text.contains(sel.focusNode)) return false;
  const chosen = sel.toString().trim();
  const box = root.querySelector('[data-excerpt]');
  if (!chosen || !box) return false;
  box.value = chosen;
  return true;
}

root.addEventListener('mouseup', (e) => {
  if (e.target.closest('[data-text]') && takeSelection()) announce('Passage chosen; pick the feature and press Link.');
});

root.addEventListener('focusin', (e) => {
  const row = e.target.closest('[data-row]');
  if (row && e.target === row) select(row);
});

root.addEventListener('click', async (e) => {
  const row = e.target.closest('[data-row]');
  if (row && !e.target.closest('input')) {
    e.preventDefault();
    row.focus();
    return;
  }
  const status = e.target.closest('[data-set-status]');
  if (status) { setStatus(status.dataset.setStatus); return; }
  const unlinkIdea = e.target.closest('[data-unlink-idea]');
  if (unlinkIdea) {
    const [idea, link] = unlinkIdea.dataset.unlinkIdea.split('|');
    write('Link removed', () => api('DELETE', `${base}/ideas/${idea}/links/${link}`));
    return;
  }
  const unlink = e.target.closest('[data-unlink]');
  if (unlink) {
    write('Link removed', () => api('DELETE', `${base}/feedback/${selectedId()}/links/${unlink.dataset.unlink}`));
    return;
  }
  if (e.target.closest('[data-create-feature]')) {
    const input = root.querySelector('[data-new-feature]');
    const title = input.value.trim();
    if (!title) { input.focus(); return; }
    try {
      const f = await api('POST', `${base}/features`, { product, title });
      const select = root.querySelector('[data-feature]');
      select.append(new Option(f.title, f.id, true, true));
      input.value = '';
      announce(`Created the feature ${f.title}`);
      select.focus();
    } catch (err) { announce(`Could not create it: ${err.message}`); }
    return;
  }
  const bulk = e.target.closest('[data-bulk-status], [data-bulk-add-tag]');
  if (bulk) runBulk(bulk);
});

root.addEventListener('change', (e) => {
  const id = selectedId();
  if (e.target.matches('[data-sentiment]')) {
    write(`Sentiment set to ${e.target.value}`, () => patch(id, { sentiment: e.target.value }), '[data-sentiment]');
  } else if (e.target.matches('[data-tags]')) {
    write('Tags saved', () => patch(id, { tags: splitTags(e.target.value) }), '[data-tags]');
  } else if (e.target.matches('[data-pick]')) {
    updateBulk();
  }
});

root.addEventListener('submit', async (e) => {
  if (e.target.matches('[data-add-feedback]')) {
    e.preventDefault();
    const form = new FormData(e.target);
    const body = { product, text: form.get('text'), source: form.get('source') };
    const customer = (form.get('customer') ?? '').trim();
    if (customer) body.customer = customer;
    const tags = splitTags(form.get('tags') ?? '');
    if (tags.length) body.tags = tags;
    try {
      const created = await api('POST', `${base}/feedback`, body);
      e.target.reset();
      if (root.querySelector('[data-inbox-list]')) {
        const url = new URL(location.href);
        url.searchParams.set('item', created.id);
        history.replaceState(null, '', url);
        await refresh('#fb-text');
      }
      announce('Feedback added');
    } catch (err) { announce(`Could not add it: ${err.message}`); }
  } else if (e.target.matches('[data-link-form]')) {
    e.preventDefault();
    const form = new FormData(e.target);
    // The picker holds features (their ids) and ideas (`idea:` and the id).
    const target = String(form.get('feature'));
    const body = { importance: form.get('importance') };
    const excerpt = (form.get('excerpt') ?? '').trim();
    if (excerpt) body.excerpt = excerpt;
    const row = `[data-row][data-item="${selectedId()}"]`;
    if (target.startsWith('idea:')) {
      body.feedback = selectedId();
      await write('Linked to the idea as evidence', () => api('POST', `${base}/ideas/${target.slice(5)}/links`, body), row);
    } else {
      body.feature = target;
      await write('Linked as evidence', () => api('POST', `${base}/feedback/${selectedId()}/links`, body), row);
    }
  }
});

// ---- Keyboard triage --------------------------------------------------------

function typing(target) {
  return target.closest?.('input, textarea, select, [contenteditable="true"]');
}

document.addEventListener('keydown', (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target) || document.querySelector('dialog[open]')) return;
  if (!detail()?.dataset.id || !root.querySelector('[data-set-status]')) return;
  if (e.key === 'e') { e.preventDefault(); setStatus('triaged'); }
  else if (e.key === 'a') { e.preventDefault(); setStatus('archived'); }
  else if (e.key === 't') { e.preventDefault(); root.querySelector('[data-tags]')?.focus(); }
  else if (e.key === 'l') {
    e.preventDefault();
    takeSelection();
    root.querySelector('[data-feature]')?.focus();
  }
});

// ---- Bulk actions ---------------------------------------------------------

const picked = () => [...root.querySelectorAll('[data-pick]:checked')].map((b) => b.value);

function updateBulk() {
  const bar = root.querySelector('[data-bulk]');
  if (!bar) return;
  const n = picked().length;
  bar.hidden = n === 0;
  bar.querySelector('[data-bulk-count]').textContent = String(n);
}

async function runBulk(button) {
  const ids = picked();
  const status = button.dataset.bulkStatus;
  const tag = root.querySelector('[data-bulk-tag]')?.value.trim();
  if (!status && !tag) { root.querySelector('[data-bulk-tag]')?.focus(); return; }
  const body = status ? { ids, status } : { ids, add_tags: [tag] };
  await write(`${ids.length} updated`, () => api('POST', `${base}/feedback/bulk`, body));
}

// ---- Similar feedback -------------------------------------------------------

async function loadSimilar() {
  const list = root.querySelector('[data-similar]');
  const id = selectedId();
  if (!list || !id) return;
  try {
    const data = await api('GET', `${base}/feedback/${id}/similar`);
    list.replaceChildren();
    for (const item of data.items) {
      const li = document.createElement('li');
      const a = document.createElement('a');
      const url = new URL(location.href);
      url.searchParams.set('item', item.feedback.id);
      url.searchParams.set('status', 'all');
      a.href = url.pathname + url.search;
      a.textContent = item.feedback.text;
      const score = document.createElement('span');
      score.className = 'muted';
      score.textContent = ` ${Math.round(item.score * 100)}% alike`;
      const dup = document.createElement('button');
      dup.type = 'button';
      dup.className = 'link';
      dup.textContent = 'Mark as duplicate of this';
      dup.addEventListener('click', () => write('Marked as a duplicate', () => patch(id, { duplicate_of: item.feedback.id, status: 'triaged' })));
      li.append(a, score, ' ', dup);
      list.append(li);
    }
    if (!data.items.length) list.innerHTML = '<li class="muted">Nothing similar yet.</li>';
    list.dataset.method = data.method;
  } catch {
    list.innerHTML = '<li class="muted">Similar feedback is not available.</li>';
  }
}

loadSimilar();
connect(ws, () => {}, Number(document.body.dataset.seq));
// A change arriving live while someone types in the inbox waits until
// they leave the field: re-rendering under them would drop what they typed.
let liveWaiting = false;
const editing = () => {
  const el = document.activeElement;
  return el && root.contains(el) && el.matches('input:not([type="checkbox"]), textarea, select');
};
document.addEventListener('keel:event', (e) => {
  if (e.detail.kind !== 'feedback' && e.detail.kind !== 'feature') return;
  if (editing()) liveWaiting = true;
  else refresh();
});
root.addEventListener('focusout', () => {
  setTimeout(() => {
    if (liveWaiting && !editing()) { liveWaiting = false; refresh(); }
  }, 0);
});
