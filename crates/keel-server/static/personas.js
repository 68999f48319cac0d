// Personas: create one from the list, edit one on its page (goals, pains,
// jobs to be done). Writes go through the JSON API, edits with If-Match so
// nobody's change is overwritten unseen.

import { api, announce, csrf, page } from './core.js';

const { ws } = page();
const base = `/api/v1/workspaces/${encodeURIComponent(ws)}/personas`;

document.querySelector('[data-new-persona]')?.addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  try {
    const p = await api('POST', base, { name: form.get('name'), goals: form.get('goals') });
    location.href = `/w/${encodeURIComponent(ws)}/personas/${encodeURIComponent(p.id)}`;
  } catch (err) { announce(`Could not create it: ${err.message}`); }
});

const root = document.querySelector('[data-persona]');
root?.querySelector('[data-persona-form]')?.addEventListener('submit', async (e) => {
  e.preventDefault();
  const f = e.target.elements;
  const res = await fetch(`${base}/${encodeURIComponent(root.dataset.persona)}`, {
    method: 'PATCH',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrf(), 'if-match': `"${root.dataset.version}"` },
    body: JSON.stringify({
      name: f.name.value, description: f.description.value, goals: f.goals.value, pains: f.pains.value, jobs: f.jobs.value,
    }),
  });
  const data = await res.json().catch(() => null);
  if (res.status === 412) { announce('Someone else changed this persona meanwhile; reload to see their change before saving yours.'); return; }
  if (!res.ok) { announce(`Could not save: ${data?.detail ?? res.status}`); return; }
  root.dataset.version = String(data.version);
  root.querySelector('[data-persona-name]').textContent = data.name;
  announce('Saved');
});
