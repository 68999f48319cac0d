// Prioritization: the features list's sort selector (kept in the URL), the
// manual order (drag a row, or its ↑/↓ buttons for keyboards, then say why
// in a dialog: POST …/features/{id}/rank), and a feature's score inputs
// (PATCH …/features/{id}, each server field error shown by its field).
// After a write the page reloads, so what you see is the server's ranking.

import { api, announce, csrf, page } from './core.js';
import { localizeTimes } from './notifications.js';

const { ws } = page();
const base = `/api/v1/workspaces/${encodeURIComponent(ws)}/features`;

// ---- Sort selector --------------------------------------------------------

const sortForm = document.querySelector('[data-sort-form]');
sortForm?.elements.sort.addEventListener('change', () => sortForm.requestSubmit());

// ---- Manual order ---------------------------------------------------------

const table = document.querySelector('[data-prio-list][data-manual]');
const dialog = document.querySelector('[data-rank-dialog]');

/** The move waiting for its reason: `{ id, body, dragged }`. */
let pending = null;

function askReason(row, body, what, dragged = false) {
  pending = { id: row.dataset.id, body, dragged };
  dialog.querySelector('[data-rank-title]').textContent = `Move “${row.dataset.title}” ${what}`;
  const reason = dialog.querySelector('textarea[name="reason"]');
  reason.value = '';
  dialog.querySelector('[data-error-for="reason"]').textContent = '';
  dialog.showModal();
  reason.focus();
}

async function confirmMove() {
  const reason = dialog.querySelector('textarea[name="reason"]');
  const error = dialog.querySelector('[data-error-for="reason"]');
  if (!reason.value.trim()) {
    error.textContent = 'Say why it moves: the reason is kept with the rank.';
    reason.setAttribute('aria-invalid', 'true');
    reason.focus();
    return;
  }
  try {
    await api('POST', `${base}/${pending.id}/rank`, { ...pending.body, reason: reason.value.trim() });
    pending = null;
    dialog.close();
    location.reload();
  } catch (err) {
    error.textContent = err.message;
  }
}

/** The rank body that puts `row` where it now is among its siblings. */
function placeOf(row) {
  const prev = row.previousElementSibling;
  const next = row.nextElementSibling;
  if (prev?.dataset.id) return { after: prev.dataset.id };
  if (next?.dataset.id) return { before: next.dataset.id };
  return null;
}

if (table && dialog) {
  const tbody = table.tBodies[0];
  dialog.querySelector('[data-rank-confirm]').addEventListener('click', confirmMove);
  // Enter in the reason confirms (Shift+Enter starts a new line); the
  // Cancel button and Escape close the dialog.
  dialog.querySelector('textarea[name="reason"]').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); confirmMove(); }
  });
  // Cancelled (button or Escape) after a drag: put the rows back as the
  // server has them. A cancelled ↑/↓ changed nothing, and keeps the focus.
  dialog.addEventListener('close', () => {
    if (pending?.dragged) location.reload();
    pending = null;
  });

  tbody.addEventListener('click', (e) => {
    const button = e.target.closest('[data-move]');
    if (!button) return;
    const row = button.closest('[data-row]');
    if (button.dataset.move === 'up') {
      const prev = row.previousElementSibling;
      if (prev) askReason(row, { before: prev.dataset.id }, 'up');
    } else {
      const next = row.nextElementSibling;
      if (next) askReason(row, { after: next.dataset.id }, 'down');
    }
  });

  let dragged = null;
  tbody.addEventListener('dragstart', (e) => {
    dragged = e.target.closest?.('[data-row]');
    if (!dragged) return;
    dragged.classList.add('dragging');
    e.dataTransfer.effectAllowed = 'move';
    e.dataTransfer.setData('text/plain', dragged.dataset.id);
  });
  tbody.addEventListener('dragover', (e) => {
    if (!dragged) return;
    e.preventDefault();
    const over = e.target.closest?.('[data-row]');
    if (!over || over === dragged) return;
    const box = over.getBoundingClientRect();
    tbody.insertBefore(dragged, e.clientY < box.top + box.height / 2 ? over : over.nextElementSibling);
  });
  tbody.addEventListener('drop', (e) => {
    e.preventDefault();
    if (!dragged) return;
    const row = dragged;
    const body = placeOf(row);
    if (body) askReason(row, body, 'here', true);
  });
  tbody.addEventListener('dragend', () => { dragged?.classList.remove('dragging'); dragged = null; });
}

// ---- Score inputs on a feature's page --------------------------------------

const feature = document.querySelector('[data-feature]');
const scoresForm = document.querySelector('[data-scores-form]');

/** A number field: `undefined` when blank, `NaN` when not a number. */
function num(form, name) {
  const raw = form.elements[name].value.trim();
  return raw === '' ? undefined : Number(raw);
}

function showErrors(form, errors) {
  for (const el of form.querySelectorAll('[data-error-for]')) el.textContent = '';
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  for (const { field, message } of errors) {
    const slot = form.querySelector(`[data-error-for="${CSS.escape(field)}"]`);
    if (slot) slot.textContent = message;
    form.elements[field]?.setAttribute('aria-invalid', 'true');
  }
  if (errors.length) form.elements[errors[0].field]?.focus();
}

/** The PATCH body of the form: a whole group, or `null` when it is all blank. */
function scoresBody(form) {
  const errors = [];
  const group = (prefix, names, optional = []) => {
    const values = Object.fromEntries(names.map((n) => [n, num(form, `${prefix}.${n}`)]));
    const given = names.filter((n) => values[n] !== undefined);
    if (given.length === 0) return null;
    for (const n of names) {
      if (values[n] === undefined && !optional.includes(n)) errors.push({ field: `${prefix}.${n}`, message: `needed for ${prefix.toUpperCase()} (or leave all its fields blank)` });
      else if (Number.isNaN(values[n])) errors.push({ field: `${prefix}.${n}`, message: 'must be a number' });
    }
    for (const n of optional) if (values[n] === undefined) delete values[n];
    return values;
  };
  const rating = (name) => {
    const v = num(form, name);
    if (Number.isNaN(v)) errors.push({ field: name, message: 'must be a whole number from 1 to 10' });
    return v === undefined ? null : v;
  };
  const body = {
    rice: group('rice', ['reach', 'impact', 'confidence', 'effort'], ['reach']),
    wsjf: group('wsjf', ['business_value', 'time_criticality', 'risk_reduction', 'job_size']),
    value: rating('value'),
    effort: rating('effort'),
    moscow: form.elements.moscow.value || null,
  };
  const reason = form.elements.reason.value.trim();
  if (reason) body.reason = reason;
  return { body, errors };
}

scoresForm?.addEventListener('submit', async (e) => {
  e.preventDefault();
  const { body, errors } = scoresBody(scoresForm);
  showErrors(scoresForm, errors);
  if (errors.length) { announce('Some scores need fixing.'); return; }
  const res = await fetch(`${base}/${feature.dataset.feature}`, {
    method: 'PATCH',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrf(), 'if-match': `"${feature.dataset.version}"` },
    body: JSON.stringify(body),
  });
  const data = await res.json().catch(() => null);
  if (res.status === 412) { announce('Someone else changed this feature meanwhile; reload to see their change.'); return; }
  if (!res.ok) {
    showErrors(scoresForm, data?.errors ?? []);
    announce(`Could not save the scores: ${data?.detail ?? res.status}`);
    return;
  }
  location.reload();
});

const history = document.querySelector('[data-score-history]');
if (history) localizeTimes(history);
