// A feature's user stories (feature_stories.html): listed from the JSON
// API, written with an "As a / I want / so that" form and a Given/When/Then
// criteria editor, and broken down into tasks with one button. Everything
// the server sends is put in the page as text, never as HTML.

import { api, announce, page } from './core.js';

const root = document.querySelector('[data-stories]');
const { ws } = page();
const wsPath = `/api/v1/workspaces/${encodeURIComponent(ws)}`;
const featureId = root.dataset.stories;
const list = root.querySelector('[data-stories-list]');
const form = root.querySelector('[data-story-form]');
// Only writers get the form, so it also says whether to offer breakdowns.
const canWrite = Boolean(form);

/** An element with text content and attributes. */
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

const taskLink = (t) => el('a', { class: 'task-key', href: `/w/${encodeURIComponent(ws)}/t/${encodeURIComponent(t.key)}`, title: t.title }, t.key);

function narrative(s) {
  return `As a ${s.as_a}, I want ${s.i_want}${s.so_that ? ` so that ${s.so_that}` : ''}`;
}

function storyCard(s) {
  const card = el('li', { class: 'card story-card', 'data-story': s.id });
  card.append(el('p', { class: 'story-narrative' }, narrative(s), ' ', el('span', { class: 'pill' }, s.status.replace('_', ' '))));
  if (s.persona) card.append(el('p', { class: 'muted small' }, `Persona: ${s.persona.name}`));
  if (s.acceptance_criteria.length) {
    const ol = el('ol', { class: 'story-criteria', 'aria-label': 'Acceptance criteria' });
    for (const c of s.acceptance_criteria) {
      ol.append(el('li', {}, el('strong', {}, 'Given '), c.given, el('strong', {}, ' when '), c.when, el('strong', {}, ' then '), c.then));
    }
    card.append(ol);
  }
  if (s.technical_requirements.trim()) {
    card.append(el('p', { class: 'muted story-tech' }, s.technical_requirements));
  }
  const tasks = el('p', { class: 'story-tasks', 'data-story-tasks': '' });
  if (s.tasks.length) {
    tasks.append(el('span', { class: 'muted' }, 'Tasks:'));
    for (const t of s.tasks) tasks.append(taskLink(t));
  }
  if (canWrite) {
    const button = el('button', { type: 'button', 'data-breakdown': s.id }, 'Break down into tasks');
    button.addEventListener('click', () => breakDown(s, button, card));
    tasks.append(button);
  }
  card.append(tasks);
  card.append(el('p', { class: 'muted small', 'data-breakdown-result': '', role: 'status' }));
  return card;
}

async function breakDown(s, button, card) {
  button.disabled = true;
  try {
    const r = await api('POST', `${wsPath}/stories/${encodeURIComponent(s.id)}/breakdown`, {});
    const fresh = storyCard(r.story);
    card.replaceWith(fresh);
    const result = fresh.querySelector('[data-breakdown-result]');
    if (r.created.length) {
      result.append(`Created ${r.created.length} task${r.created.length === 1 ? '' : 's'}: `);
      r.created.forEach((t, i) => { if (i) result.append(', '); result.append(taskLink(t)); });
      announce(`Created ${r.created.map((t) => t.key).join(', ')}`);
    } else {
      result.textContent = s.acceptance_criteria.length
        ? 'Every criterion already has a task.'
        : 'No acceptance criteria to break down.';
      announce(result.textContent);
    }
  } catch (err) {
    button.disabled = false;
    announce(`Could not break it down: ${err.message}`);
  }
}

async function load() {
  try {
    const r = await api('GET', `${wsPath}/stories?feature=${encodeURIComponent(featureId)}&limit=500`);
    list.replaceChildren(...r.items.map(storyCard));
    if (!r.items.length) list.append(el('li', { class: 'muted' }, 'No stories yet.'));
  } catch (err) {
    list.replaceChildren(el('li', { class: 'error' }, `Could not load the stories: ${err.message}`));
  }
  list.removeAttribute('aria-busy');
}

// The criteria editor: one row of Given / When / Then inputs per criterion.
const rows = form?.querySelector('[data-criteria]');
let rowSeq = 0;

function criterionRow() {
  const n = ++rowSeq;
  const row = el('div', { class: 'criterion-row', 'data-criterion': '' });
  for (const part of ['given', 'when', 'then']) {
    const id = `st-c${n}-${part}`;
    const label = el('label', { class: 'field compact', for: id }, el('span', {}, part[0].toUpperCase() + part.slice(1)));
    label.append(el('input', { id, 'data-part': part, maxlength: '500', autocomplete: 'off' }));
    row.append(label);
  }
  const remove = el('button', { type: 'button', class: 'link', 'aria-label': 'Remove this criterion' }, 'Remove');
  remove.addEventListener('click', () => row.remove());
  row.append(remove);
  return row;
}

function showErrors(errors) {
  const box = form.querySelector('[data-story-errors]');
  for (const i of form.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
  box.replaceChildren();
  box.hidden = !errors.length;
  const criteria = [...rows.querySelectorAll('[data-criterion]')];
  for (const { field, message } of errors) {
    const m = /^acceptance_criteria\[(\d+)\]\.(given|when|then)$/.exec(field);
    const input = m
      ? criteria[Number(m[1])]?.querySelector(`[data-part="${m[2]}"]`)
      : form.querySelector(`[name="${CSS.escape(field)}"]`);
    input?.setAttribute('aria-invalid', 'true');
    const where = m ? `Criterion ${Number(m[1]) + 1}, ${m[2]}` : field.replace('_', ' ');
    box.append(el('li', {}, `${where}: ${message}`));
  }
}

async function loadPersonas() {
  try {
    const r = await api('GET', `${wsPath}/personas?limit=500`);
    if (!r.items.length) return;
    const select = form.querySelector('[name="persona"]');
    for (const p of r.items) select.append(el('option', { value: p.id }, p.name));
    form.querySelector('[data-persona-field]').hidden = false;
  } catch { /* personas are optional: the form works without them */ }
}

if (form) {
  form.querySelector('[data-add-criterion]').addEventListener('click', () => {
    const row = criterionRow();
    rows.append(row);
    row.querySelector('input').focus();
  });
  rows.append(criterionRow());
  loadPersonas();
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const body = {
      feature: featureId,
      i_want: data.get('i_want'),
      so_that: data.get('so_that'),
      technical_requirements: data.get('technical_requirements'),
      // Rows left wholly empty are ignored; half-filled ones are sent so the
      // server names the missing part.
      acceptance_criteria: [...rows.querySelectorAll('[data-criterion]')]
        .map((r) => Object.fromEntries([...r.querySelectorAll('[data-part]')].map((i) => [i.dataset.part, i.value])))
        .filter((c) => c.given.trim() || c.when.trim() || c.then.trim()),
    };
    if (data.get('as_a').trim() || !data.get('persona')) body.as_a = data.get('as_a');
    if (data.get('persona')) body.persona = data.get('persona');
    // Empty rows were dropped above: the row index the server reports must
    // match what is on screen, so drop them from the editor too.
    for (const r of rows.querySelectorAll('[data-criterion]')) {
      if (![...r.querySelectorAll('input')].some((i) => i.value.trim())) r.remove();
    }
    const res = await fetch(`${wsPath}/stories`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': document.querySelector('meta[name="csrf-token"]')?.content ?? '' },
      body: JSON.stringify(body),
    });
    const out = await res.json().catch(() => null);
    if (!res.ok) {
      showErrors(out?.errors ?? [{ field: 'story', message: out?.detail ?? String(res.status) }]);
      if (!rows.children.length) rows.append(criterionRow());
      return;
    }
    showErrors([]);
    form.reset();
    rows.replaceChildren(criterionRow());
    announce('Story added');
    await load();
  });
}

load();
