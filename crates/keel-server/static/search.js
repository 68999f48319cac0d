// The search box (`/`): one box over tasks, features, feedback, customers,
// companies, personas and goals through the search API, as you type. Hits come
// best first, labelled by kind, matched words marked; arrows move, Enter
// opens, Esc closes. The last entry opens the full results page
// (`/w/{ws}/search`), which works without JavaScript.

import { api, page } from './core.js';

const { ws } = page();
const KINDS = { task: 'Task', feature: 'Feature', feedback: 'Feedback', customer: 'Customer', company: 'Company', persona: 'Persona', goal: 'Goal' };
// Wait this long after the last key before asking: one request per pause,
// not per letter.
const DEBOUNCE_MS = 150;
// The snippet's match markers (see the API's search docs).
const MARKS = /«([^»]*)»/g;

function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The snippet as text nodes and <mark>s: the item's text never becomes HTML. */
export function marked(snippet) {
  const out = [];
  let at = 0;
  for (const m of snippet.matchAll(MARKS)) {
    if (m.index > at) out.push(document.createTextNode(snippet.slice(at, m.index)));
    out.push(el('mark', {}, m[1]));
    at = m.index + m[0].length;
  }
  if (at < snippet.length) out.push(document.createTextNode(snippet.slice(at)));
  return out;
}

/** The web page of a hit. Feedback goes through a redirect that finds its product's inbox. */
export function hrefOf(hit) {
  const base = `/w/${ws}`;
  const id = encodeURIComponent(hit.id);
  switch (hit.kind) {
    case 'task': return `${base}/t/${encodeURIComponent(hit.key ?? hit.id)}`;
    case 'feature': return `${base}/features/${id}`;
    case 'feedback': return `${base}/feedback/${id}`;
    case 'customer': return `${base}/customers/${id}`;
    case 'company': return `${base}/companies/${id}`;
    case 'persona': return `${base}/personas/${id}`;
    case 'goal': return `${base}/goals/${id}`;
    default: return `${base}/search?q=${encodeURIComponent(hit.title)}`;
  }
}

// Names without the word "search": pages have their own Search fields, and
// this box is on every page.
const dialog = el('dialog', { class: 'palette search-box', 'aria-label': 'Find in workspace' });
const input = el('input', { type: 'search', placeholder: 'Search tasks, feedback, features, people…', 'aria-label': 'Find in workspace', role: 'combobox', 'aria-expanded': 'true', 'aria-controls': 'search-results', autocomplete: 'off', maxlength: '1000' });
const list = el('ul', { id: 'search-results', role: 'listbox', 'aria-label': 'Matches' });
const status = el('p', { class: 'search-status muted', role: 'status' });
dialog.append(input, list, status);
document.body.append(dialog);

let entries = [];
let selected = 0;
let seq = 0;
let timer = null;
// The latest search, so Enter opens what the box will show, not what it showed.
let pending = Promise.resolve();

const allResults = (q) => `/w/${ws}/search?q=${encodeURIComponent(q)}`;

function render() {
  list.replaceChildren(...entries.map((entry, i) => {
    const li = el('li', { role: 'option', id: `search-${i}`, 'aria-selected': String(i === selected), 'data-kind': entry.kind });
    li.append(entry.node);
    li.addEventListener('click', () => { selected = i; open(); });
    return li;
  }));
  input.setAttribute('aria-activedescendant', entries.length ? `search-${selected}` : '');
  list.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
}

function hitNode(hit) {
  const node = el('div', { class: 'search-entry' });
  const head = el('span', { class: 'search-entry-head' });
  head.append(el('span', { class: 'tag' }, KINDS[hit.kind] ?? hit.kind));
  if (hit.key) head.append(el('span', { class: 'key' }, hit.key));
  const title = el('span', { class: 'search-entry-title' });
  head.append(title);
  node.append(head);
  // A title-only match's snippet is the title: show it once, marked.
  if (hit.snippet.replace(MARKS, '$1') === hit.title) {
    title.append(...marked(hit.snippet));
  } else {
    title.textContent = hit.title;
    const snippet = el('span', { class: 'search-snippet muted' });
    snippet.append(...marked(hit.snippet));
    node.append(snippet);
  }
  return node;
}

async function search() {
  const q = input.value;
  const mine = ++seq;
  if (!q.trim()) {
    entries = [];
    status.textContent = 'Type to search the whole workspace.';
    render();
    return;
  }
  let found;
  try {
    found = await api('GET', `/api/v1/workspaces/${ws}/search?limit=20&q=${encodeURIComponent(q)}`);
  } catch (e) {
    if (mine !== seq) return;
    entries = [];
    status.textContent = e.message;
    render();
    return;
  }
  // A slower answer to an older query must not overwrite a newer one.
  if (mine !== seq) return;
  entries = found.items.map((hit) => ({ kind: hit.kind, href: hrefOf(hit), node: hitNode(hit) }));
  entries.push({ kind: 'all', href: allResults(q.trim()), node: el('span', { class: 'search-all' }, `See all results for “${q.trim()}”`) });
  selected = 0;
  const n = found.items.length;
  status.textContent = n ? `${n} ${n === 1 ? 'result' : 'results'}` : 'Nothing found.';
  render();
}

function open() {
  const entry = entries[selected];
  if (entry) location.href = entry.href;
}

export function openSearch() {
  if (!ws) return;
  input.value = '';
  entries = [];
  status.textContent = 'Type to search the whole workspace.';
  render();
  if (!dialog.open) dialog.showModal();
  input.focus();
}

input.addEventListener('input', () => {
  clearTimeout(timer);
  timer = setTimeout(() => { timer = null; pending = search(); }, DEBOUNCE_MS);
});
input.addEventListener('keydown', (e) => {
  if (e.key === 'ArrowDown') { e.preventDefault(); selected = Math.min(selected + 1, entries.length - 1); render(); }
  else if (e.key === 'ArrowUp') { e.preventDefault(); selected = Math.max(selected - 1, 0); render(); }
  // A search input's own Escape only clears the text: one press closes.
  else if (e.key === 'Escape') { e.preventDefault(); dialog.close(); }
  else if (e.key === 'Enter') {
    e.preventDefault();
    // Enter before the pause ends searches at once rather than opening a stale hit.
    if (timer) { clearTimeout(timer); timer = null; pending = search(); }
    pending.then(open);
  }
});
