// The task detail page: every field saves on change with `PATCH` and
// `If-Match` (a 412 means someone else changed the task first: the page
// reloads the values and says so), the Markdown description editor,
// sub-task quick-add, comments, and live updates from anyone.

import { api, announce, csrf, page } from './core.js';
import { connect } from './live.js';
import { localizeTimes, setUnread } from './notifications.js';

const root = document.querySelector('[data-task]');
const { ws } = page();
const key = root.dataset.key;
const taskPath = `/api/v1/workspaces/${ws}/tasks/${encodeURIComponent(key)}`;
let deleted = false;

/** A message under the title; `kind` is '', 'error' or 'warn'. Survives refreshes. */
let message = { text: '', kind: '' };
let messageTimer = null;
function say(text, kind = '') {
  message = { text, kind };
  showMessage();
  clearTimeout(messageTimer);
  if (!kind) messageTimer = setTimeout(() => say('', ''), 2500);
}
function showMessage() {
  const el = root.querySelector('[data-save-status]');
  if (!el) return;
  el.textContent = message.text;
  el.className = `save-status ${message.kind}`;
}

/** A field's value as the API takes it. */
function valueOf(input) {
  const v = input.value.trim();
  switch (input.dataset.field) {
    case 'estimate': return v === '' ? null : Number(v);
    case 'labels': return v.split(',').map((l) => l.trim()).filter(Boolean);
    case 'parent': return v === '' ? null : v.toUpperCase();
    case 'assignee': case 'team': case 'due_date': return v === '' ? null : v;
    case 'title': return v.replace(/\s+/g, ' ');
    default: return v;
  }
}

// Changes go out one at a time, each with the version the previous one
// returned: quick successive edits must not refuse each other.
let queue = Promise.resolve();
function patch(body) {
  const run = queue.then(() => send(body));
  queue = run.catch(() => {});
  return run;
}

/** Sends a change with the version this page shows. */
async function send(body) {
  const res = await fetch(taskPath, {
    method: 'PATCH',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrf(), 'if-match': `"${root.dataset.version}"` },
    body: JSON.stringify(body),
  });
  const data = await res.json().catch(() => null);
  if (res.status === 412) {
    await refresh({ keepEdits: false });
    say('Changed by someone else while you were editing — the latest values are shown. Make your change again if it is still needed.', 'warn');
    return null;
  }
  if (!res.ok) {
    const detail = data?.errors?.map((e) => `${e.field} ${e.message}`).join('; ') || data?.detail || `${res.status} ${res.statusText}`;
    await refresh({ keepEdits: false });
    say(`Not saved: ${detail}`, 'error');
    return null;
  }
  root.dataset.version = data.version;
  say('Saved');
  refresh();
  return data;
}

// ---- Live refresh -------------------------------------------------------

/** What the reader is in the middle of, so a refresh does not lose it. */
function captureState(keepEdits) {
  const active = document.activeElement;
  const state = { values: {}, editorOpen: !root.querySelector('[data-description-editor]')?.hidden, focus: null };
  for (const el of root.querySelectorAll('[data-keep]')) {
    // A closed editor holds no draft: take the server's text.
    if (el.id === 'description-input' && !state.editorOpen) continue;
    state.values[el.id] = el.value;
  }
  if (keepEdits && active?.id && root.contains(active) && active.matches('input, textarea') && active.value !== active.defaultValue) {
    state.values[active.id] = active.value;
  }
  if (active?.id && root.contains(active)) {
    state.focus = { id: active.id, start: active.selectionStart ?? null, end: active.selectionEnd ?? null };
  }
  return state;
}

function restoreState(state) {
  for (const [id, value] of Object.entries(state.values)) {
    const el = root.querySelector(`#${CSS.escape(id)}`);
    if (el) el.value = value;
  }
  if (state.editorOpen) openEditor(false);
  if (state.focus) {
    const el = root.querySelector(`#${CSS.escape(state.focus.id)}`);
    if (el) {
      el.focus({ preventScroll: true });
      if (state.focus.start !== null && typeof el.setSelectionRange === 'function') {
        try { el.setSelectionRange(state.focus.start, state.focus.end); } catch { /* not a text field */ }
      }
    }
  }
}

let refreshing = null;
let again = false;
/** Re-renders the page from the server, keeping drafts and focus. */
async function refresh({ keepEdits = true } = {}) {
  if (refreshing) { again = true; return refreshing; }
  refreshing = (async () => {
    const res = await fetch(location.pathname, { credentials: 'same-origin' });
    if (res.status === 404) { gone(); return; }
    if (!res.ok) return;
    const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
    const fresh = doc.querySelector('[data-task]');
    if (!fresh || deleted) return;
    // Rendered before a change this page already made: wait for a newer one.
    if (Number(fresh.dataset.version) < Number(root.dataset.version)) { again = true; return; }
    const state = captureState(keepEdits);
    root.replaceChildren(...fresh.childNodes);
    root.dataset.version = fresh.dataset.version;
    document.title = doc.title;
    restoreState(state);
    showMessage();
    localizeTimes(root);
  })().finally(() => {
    refreshing = null;
    if (again) { again = false; refresh(); }
  });
  return refreshing;
}

let timer = null;
function soon() { clearTimeout(timer); timer = setTimeout(() => refresh(), 40); }

function gone() {
  deleted = true;
  say('This task was deleted.', 'error');
  for (const el of root.querySelectorAll('input, select, textarea, button')) el.disabled = true;
}

document.addEventListener('keel:event', ({ detail: event }) => {
  if (event.kind === 'notification' || deleted) return;
  if (event.kind === 'task' && event.type === 'deleted' && event.id === root.dataset.task) { gone(); return; }
  const thisTask = event.id === root.dataset.task || event.key === key;
  const subtask = event.kind === 'task'
    && (event.item?.parent === key || root.querySelector(`[data-subtask="${CSS.escape(event.id)}"]`));
  if (thisTask || subtask) soon();
});

// ---- Fields ---------------------------------------------------------------

root.addEventListener('change', (e) => {
  const input = e.target.closest('[data-field]');
  if (!input || deleted) return;
  if (input.dataset.field === 'title' && !input.value.trim()) {
    input.value = input.defaultValue;
    say('A task needs a title.', 'error');
    return;
  }
  if (!input.checkValidity()) { say(`Not saved: ${input.validationMessage}`, 'error'); return; }
  patch({ [input.dataset.field]: valueOf(input) });
});

root.addEventListener('keydown', (e) => {
  const input = e.target.closest('input[data-field], textarea[data-field]');
  if (input && e.key === 'Enter') { e.preventDefault(); input.blur(); }
  if (input && e.key === 'Escape') { input.value = input.defaultValue; input.blur(); }
  if (e.target.id === 'description-input' && e.key === 'Escape') closeEditor(true);
  if ((e.target.id === 'comment-input' || e.target.id === 'description-input') && e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    e.target.form.requestSubmit();
  }
});

// ---- Description ----------------------------------------------------------

function openEditor(focus = true) {
  const editor = root.querySelector('[data-description-editor]');
  if (!editor) return;
  editor.hidden = false;
  root.querySelector('[data-description]').hidden = true;
  root.querySelector('[data-edit-description]')?.setAttribute('aria-expanded', 'true');
  if (focus) editor.querySelector('textarea').focus();
}

function closeEditor(discard) {
  const editor = root.querySelector('[data-description-editor]');
  if (!editor) return;
  const textarea = editor.querySelector('textarea');
  if (discard) textarea.value = textarea.defaultValue;
  editor.hidden = true;
  root.querySelector('[data-description]').hidden = false;
  const button = root.querySelector('[data-edit-description]');
  button?.setAttribute('aria-expanded', 'false');
  button?.focus();
}

root.addEventListener('click', (e) => {
  if (e.target.closest('[data-edit-description]')) {
    if (root.querySelector('[data-description-editor]')?.hidden) openEditor(); else closeEditor(true);
  }
  if (e.target.closest('[data-cancel-description]')) closeEditor(true);
});

// ---- Forms: description, sub-task, comment ---------------------------------

root.addEventListener('submit', async (e) => {
  const form = e.target;
  e.preventDefault();
  if (deleted) return;
  if (form.matches('[data-description-editor]')) {
    const textarea = form.elements.description;
    const saved = await patch({ description: textarea.value });
    if (saved) {
      textarea.value = saved.description;
      textarea.defaultValue = saved.description;
      closeEditor(false);
      await refresh();
    }
    return;
  }
  if (form.matches('[data-subtask-add]')) {
    const input = form.elements.title;
    const title = input.value.trim();
    if (!title) return;
    input.disabled = true;
    try {
      const task = await api('POST', `/api/v1/workspaces/${ws}/tasks`, { product: root.dataset.taskProduct, title, parent: key });
      input.value = '';
      announce(`Created sub-task ${task.key}`);
      await refresh();
    } catch (err) {
      say(`Could not add the sub-task: ${err.message}`, 'error');
    } finally {
      const fresh = root.querySelector('#subtask-title');
      if (fresh) { fresh.disabled = false; fresh.focus(); }
    }
    return;
  }
  if (form.matches('[data-comment-form]')) {
    const textarea = form.elements.body;
    const body = textarea.value;
    if (!body.trim()) return;
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      await api('POST', `${taskPath}/comments`, { body });
      textarea.value = '';
      announce('Comment added');
      await refresh();
    } catch (err) {
      say(`Could not add the comment: ${err.message}`, 'error');
    } finally {
      const fresh = root.querySelector('[data-comment-form] button[type="submit"]');
      if (fresh) fresh.disabled = false;
    }
  }
});

// Browsers without `field-sizing: content` grow the title box by hand.
if (!CSS.supports('field-sizing', 'content')) {
  const fit = (el) => { el.style.height = 'auto'; el.style.height = `${el.scrollHeight}px`; };
  root.addEventListener('input', (e) => { if (e.target.id === 'task-title') fit(e.target); });
  const title = root.querySelector('#task-title');
  if (title) fit(title);
}

// Opening the task reads the reader's notifications about it.
if (root.dataset.unreadHere) {
  api('POST', `/api/v1/workspaces/${ws}/notifications/read`, { ids: root.dataset.unreadHere.split(' ') })
    .then((r) => setUnread(r.unread))
    .catch(() => {});
}

localizeTimes(root);
connect(ws, (state) => announce(state === 'live' ? '' : 'Reconnecting…'), Number(document.body.dataset.seq));
