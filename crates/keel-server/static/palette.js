// The command palette (Ctrl/Cmd-K) and keyboard shortcuts: jump to a task
// by key or title, switch product, create a task; `c` create, `/` search
// everything (search.js), `j`/`k` move between cards or rows, `?` lists the
// shortcuts.

import { api, page } from './core.js';

const { ws, product } = page();
const canWrite = ['owner', 'admin', 'member'].includes(document.body.dataset.role);
const KEY_PATTERN = /^[A-Za-z][A-Za-z0-9]{1,9}-\d+$/;

function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

// ---- Palette --------------------------------------------------------------

const dialog = el('dialog', { class: 'palette', 'aria-label': 'Command palette' });
const input = el('input', { type: 'search', placeholder: 'Jump to a task, switch product, or create…', 'aria-label': 'Command', role: 'combobox', 'aria-expanded': 'true', 'aria-controls': 'palette-results', autocomplete: 'off' });
const list = el('ul', { id: 'palette-results', role: 'listbox', 'aria-label': 'Results' });
dialog.append(input, list);
document.body.append(dialog);

let items = [];
let selected = 0;
let mode = 'search';
let seq = 0;

function products() {
  return [...document.querySelectorAll('.nav-list a')].map((a) => ({ href: a.getAttribute('href'), label: a.textContent.trim() }));
}

function render() {
  list.replaceChildren(...items.map((item, i) => {
    const li = el('li', { role: 'option', id: `palette-${i}`, 'aria-selected': String(i === selected) });
    li.append(el('span', { class: 'muted' }, item.kind), el('span', {}, item.label));
    li.addEventListener('click', () => { selected = i; choose(); });
    return li;
  }));
  input.setAttribute('aria-activedescendant', items.length ? `palette-${selected}` : '');
}

async function search() {
  const q = input.value.trim();
  const mine = ++seq;
  const next = [];
  if (mode === 'create') {
    if (q && product) next.push({ kind: 'Create', label: `Create “${q}” in ${product}`, run: () => create(q) });
  } else {
    if (q && canWrite && product) next.push({ kind: 'Create', label: `Create task “${q}”`, run: () => create(q) });
    for (const p of products()) {
      if (!q || p.label.toLowerCase().includes(q.toLowerCase())) next.push({ kind: 'Product', label: p.label, run: () => { location.href = p.href; } });
    }
    if (q && ws) {
      const tasks = [];
      if (KEY_PATTERN.test(q)) {
        const t = await api('GET', `/api/v1/workspaces/${ws}/tasks/${encodeURIComponent(q.toUpperCase())}`).catch(() => null);
        if (t) tasks.push(t);
      }
      const found = await api('GET', `/api/v1/workspaces/${ws}/tasks?limit=8&q=${encodeURIComponent(q)}`).catch(() => ({ items: [] }));
      for (const t of found.items) if (!tasks.some((x) => x.id === t.id)) tasks.push(t);
      if (mine !== seq) return;
      // Tasks first: jumping is the common case.
      next.unshift(...tasks.map((t) => ({ kind: t.key, label: t.title, run: () => { location.href = `/w/${ws}/t/${t.key}`; } })));
    }
  }
  if (mine !== seq) return;
  items = next;
  selected = 0;
  render();
}

async function create(title) {
  const task = await api('POST', `/api/v1/workspaces/${ws}/tasks`, { product, title });
  dialog.close();
  location.href = `/w/${ws}/t/${task.key}`;
}

function choose() {
  items[selected]?.run();
}

export function openPalette(newMode = 'search') {
  if (!ws) return;
  mode = newMode;
  input.placeholder = mode === 'create' ? `New task title (in ${product || 'this product'})…` : 'Jump to a task, switch product, or create…';
  input.value = '';
  items = [];
  render();
  if (!dialog.open) dialog.showModal();
  input.focus();
  search();
}

let timer = null;
input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(search, 80); });
input.addEventListener('keydown', (e) => {
  if (e.key === 'ArrowDown') { e.preventDefault(); selected = Math.min(selected + 1, items.length - 1); render(); }
  else if (e.key === 'ArrowUp') { e.preventDefault(); selected = Math.max(selected - 1, 0); render(); }
  else if (e.key === 'Enter') { e.preventDefault(); choose(); }
});

// ---- Shortcuts ------------------------------------------------------------

const SHORTCUTS = [
  ['Ctrl K / ⌘ K', 'Open the command palette'],
  ['c', 'Create a task'],
  ['/', 'Search everything'],
  ['j / k', 'Next / previous card or row'],
  ['Enter', 'Open the focused task'],
  ['?', 'Show these shortcuts'],
  ['Esc', 'Close a dialog'],
];
const help = el('dialog', { class: 'shortcuts', 'aria-labelledby': 'shortcuts-title' });
const dl = el('dl');
for (const [keys, what] of SHORTCUTS) dl.append(el('dt', {}, keys), el('dd', {}, what));
const close = el('button', { type: 'button' }, 'Close');
close.addEventListener('click', () => help.close());
help.append(el('h2', { id: 'shortcuts-title' }, 'Keyboard shortcuts'), dl, close);
document.body.append(help);

function typing(target) {
  return target.closest?.('input, textarea, select, [contenteditable="true"]');
}

/** Moves focus to the next/previous card or row. */
function step(delta) {
  const targets = [...document.querySelectorAll('.task-card, [data-row]')];
  if (!targets.length) return;
  const at = targets.indexOf(document.activeElement);
  const next = targets[Math.max(0, Math.min(targets.length - 1, at === -1 ? 0 : at + delta))];
  next.focus();
  next.scrollIntoView({ block: 'nearest', inline: 'nearest' });
}

document.addEventListener('keydown', (e) => {
  if (!ws) return;
  if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') { e.preventDefault(); openPalette(); return; }
  if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target) || dialog.open || help.open) return;
  if (e.key === 'c' && canWrite) { e.preventDefault(); openPalette('create'); }
  // The search box loads on first use: most pages never open it.
  else if (e.key === '/') { e.preventDefault(); import('./search.js').then((m) => m.openSearch()); }
  else if (e.key === '?') { e.preventDefault(); help.showModal(); }
  else if (e.key === 'j') { e.preventDefault(); step(1); }
  else if (e.key === 'k') { e.preventDefault(); step(-1); }
});
