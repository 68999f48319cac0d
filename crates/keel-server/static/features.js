// Features: create one from the ranked list, edit one on its page. Writes
// go through the JSON API (If-Match on edits); the page then reloads so
// the server's ranking and demand are what you see.

import { api, announce, page } from './core.js';

const { ws, product } = page();
const base = `/api/v1/workspaces/${encodeURIComponent(ws)}/features`;

document.querySelector('[data-new-feature-form]')?.addEventListener('submit', async (e) => {
  e.preventDefault();
  const title = new FormData(e.target).get('title');
  try {
    const f = await api('POST', base, { product, title });
    location.href = `/w/${encodeURIComponent(ws)}/features/${f.id}`;
  } catch (err) { announce(`Could not create it: ${err.message}`); }
});

const root = document.querySelector('[data-feature]');
root?.querySelector('[data-feature-form]')?.addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  const res = await fetch(`${base}/${root.dataset.feature}`, {
    method: 'PATCH',
    credentials: 'same-origin',
    headers: {
      'content-type': 'application/json',
      'x-csrf-token': document.querySelector('meta[name="csrf-token"]')?.content ?? '',
      'if-match': `"${root.dataset.version}"`,
    },
    body: JSON.stringify({ title: form.get('title'), problem: form.get('problem'), status: form.get('status'), type: form.get('type') }),
  });
  const data = await res.json().catch(() => null);
  if (res.status === 412) { announce('Someone else changed this feature meanwhile; reload to see their change.'); return; }
  if (!res.ok) { announce(`Could not save: ${data?.detail ?? res.status}`); return; }
  root.dataset.version = String(data.version);
  root.querySelector('[data-feature-title]').textContent = data.title;
  announce('Saved');
});
