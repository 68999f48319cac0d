// Roadmap: make a roadmap, add features, drag cards between and within the
// now / next / later lanes (or move them with each card's lane picker and
// up / down buttons), schedule them, mark what stakeholders see, and make
// or revoke share links. Writes go through the JSON API (If-Match on
// edits); the page reloads so the server's order is what you see.

import { api, announce, csrf, page } from './core.js';

const { ws, product } = page();
const root = document.querySelector('[data-roadmaps]');
const base = `/api/v1/workspaces/${encodeURIComponent(ws)}/roadmaps`;
const roadmap = root.dataset.roadmap;
const path = roadmap ? `${base}/${encodeURIComponent(roadmap)}` : null;

/** PATCH with If-Match, so a change made meanwhile is not overwritten. */
async function patch(url, version, body) {
  const res = await fetch(url, {
    method: 'PATCH',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrf(), 'if-match': `"${version}"` },
    body: JSON.stringify(body),
  });
  const data = await res.json().catch(() => null);
  if (res.status === 412) throw new Error('someone else changed it meanwhile; reload to see their change');
  if (!res.ok) throw new Error(data?.errors?.[0] ? `${data.errors[0].field} ${data.errors[0].message}` : (data?.detail ?? String(res.status)));
  return data;
}

async function run(action, failure) {
  try {
    await action();
    location.reload();
  } catch (err) { announce(`${failure}: ${err.message}`); }
}

root.querySelector('[data-new-roadmap]')?.addEventListener('submit', async (e) => {
  e.preventDefault();
  const name = new FormData(e.target).get('name');
  try {
    const made = await api('POST', base, { product, name });
    location.href = `/w/${encodeURIComponent(ws)}/p/${encodeURIComponent(product)}/roadmaps?roadmap=${encodeURIComponent(made.id)}`;
  } catch (err) { announce(`Could not create it: ${err.message}`); }
});

root.querySelector('[data-add-item]')?.addEventListener('submit', (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  run(() => api('POST', `${path}/items`, { feature: form.get('feature'), lane: form.get('lane') }), 'Could not add it');
});

/** Moves an item: into `lane`, before or after another item, or last. */
const move = (id, body) => run(() => api('POST', `${path}/items/${encodeURIComponent(id)}/move`, body), 'Could not move it');

const lanes = root.querySelector('[data-lanes]');
lanes?.addEventListener('change', (e) => {
  const select = e.target.closest('[data-move-lane]');
  const card = e.target.closest('[data-item]');
  if (select && card) move(card.dataset.item, { lane: select.value });
});

lanes?.addEventListener('click', (e) => {
  const button = e.target.closest('button');
  const card = e.target.closest('[data-item]');
  if (!button || !card) return;
  const id = card.dataset.item;
  if (button.hasAttribute('data-move-up')) {
    const prev = card.previousElementSibling;
    if (prev) move(id, { before: prev.dataset.item });
  } else if (button.hasAttribute('data-move-down')) {
    const next = card.nextElementSibling;
    if (next) move(id, { after: next.dataset.item });
  } else if (button.hasAttribute('data-toggle-public')) {
    const on = card.dataset.public !== 'true';
    run(() => patch(`${path}/items/${encodeURIComponent(id)}`, card.dataset.version, { public: on }), 'Could not change it');
  } else if (button.hasAttribute('data-remove')) {
    run(() => api('DELETE', `${path}/items/${encodeURIComponent(id)}`), 'Could not remove it');
  }
});

lanes?.addEventListener('submit', (e) => {
  const form = e.target.closest('[data-edit-item]');
  const card = e.target.closest('[data-item]');
  if (!form || !card) return;
  e.preventDefault();
  const data = new FormData(form);
  const month = (v) => (v ? String(v) : null);
  const body = {
    start_month: month(data.get('start_month')),
    end_month: month(data.get('end_month')),
    public_title: String(data.get('public_title') ?? ''),
    public_summary: String(data.get('public_summary') ?? ''),
  };
  if (!body.start_month) delete body.end_month;
  run(() => patch(`${path}/items/${encodeURIComponent(card.dataset.item)}`, card.dataset.version, body), 'Could not save it');
});

// ---- Drag and drop ------------------------------------------------------

let dragged = null;

/** The card the dragged one would land before, for pointer `y`. */
function cardAfter(list, y) {
  for (const card of list.querySelectorAll('[data-item]:not(.dragging)')) {
    const box = card.getBoundingClientRect();
    if (y < box.top + box.height / 2) return card;
  }
  return null;
}

lanes?.addEventListener('dragstart', (e) => {
  const card = e.target.closest('[data-item]');
  if (!card) return;
  dragged = card;
  card.classList.add('dragging');
  e.dataTransfer.effectAllowed = 'move';
  e.dataTransfer.setData('text/plain', card.dataset.item);
});

lanes?.addEventListener('dragend', () => {
  dragged?.classList.remove('dragging');
  dragged = null;
  for (const l of lanes.querySelectorAll('.drop-target')) l.classList.remove('drop-target');
});

for (const list of lanes?.querySelectorAll('[data-lane]') ?? []) {
  list.addEventListener('dragover', (e) => {
    if (!dragged) return;
    e.preventDefault();
    list.classList.add('drop-target');
  });
  list.addEventListener('dragleave', (e) => { if (!list.contains(e.relatedTarget)) list.classList.remove('drop-target'); });
  list.addEventListener('drop', (e) => {
    e.preventDefault();
    list.classList.remove('drop-target');
    if (!dragged) return;
    const before = cardAfter(list, e.clientY);
    const body = { lane: list.dataset.lane };
    if (before && before !== dragged) body.before = before.dataset.item;
    move(dragged.dataset.item, body);
  });
}

// ---- Share links --------------------------------------------------------

const share = root.querySelector('[data-share]');
share?.querySelector('[data-new-link]')?.addEventListener('submit', async (e) => {
  e.preventDefault();
  const label = new FormData(e.target).get('label');
  try {
    const made = await api('POST', `${path}/share-links`, label ? { label } : {});
    const box = share.querySelector('[data-new-link-result]');
    const input = box.querySelector('[data-link-url]');
    input.value = new URL(made.url, location.origin).href;
    box.hidden = false;
    input.select();
    announce('Share link made: copy it now, it is shown only once.');
  } catch (err) { announce(`Could not make a link: ${err.message}`); }
});

share?.querySelector('[data-links]')?.addEventListener('click', (e) => {
  const button = e.target.closest('[data-revoke]');
  const row = e.target.closest('[data-link]');
  if (!button || !row) return;
  run(() => api('DELETE', `${path}/share-links/${encodeURIComponent(row.dataset.link)}`), 'Could not revoke it');
});
