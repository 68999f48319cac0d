// Ideas: suggest one, vote, show it on the portal, change its status,
// promote it to a feature, delete it; open or close the product's portal.
// Writes go through the JSON API (If-Match on edits); the page reloads so
// the server's order by votes is what you see.

import { api, announce, page } from './core.js';

const { ws, product } = page();
const base = `/api/v1/workspaces/${encodeURIComponent(ws)}`;

/** PATCH with If-Match, so a change made meanwhile is not overwritten. */
async function patch(path, version, body) {
  const res = await fetch(path, {
    method: 'PATCH',
    credentials: 'same-origin',
    headers: {
      'content-type': 'application/json',
      'x-csrf-token': document.querySelector('meta[name="csrf-token"]')?.content ?? '',
      'if-match': `"${version}"`,
    },
    body: JSON.stringify(body),
  });
  const data = await res.json().catch(() => null);
  if (res.status === 412) throw new Error('someone else changed it meanwhile; reload to see their change');
  if (!res.ok) throw new Error(data?.detail ?? String(res.status));
  return data;
}

async function run(action, failure) {
  try {
    await action();
    location.reload();
  } catch (err) { announce(`${failure}: ${err.message}`); }
}

document.querySelector('[data-new-idea-form]')?.addEventListener('submit', (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  const body = { product, title: form.get('title') };
  if (form.get('source')) body.source = form.get('source');
  run(() => api('POST', `${base}/ideas`, body), 'Could not add it');
});

const portal = document.querySelector('[data-portal]');
portal?.querySelector('[data-portal-toggle]')?.addEventListener('click', () => {
  const open = portal.dataset.enabled !== 'true';
  run(() => patch(`${base}/products/${encodeURIComponent(product)}`, portal.dataset.version, { portal_enabled: open }),
    'Could not change the portal');
});

document.querySelector('[data-idea-list]')?.addEventListener('click', (e) => {
  const button = e.target.closest('button');
  const row = e.target.closest('[data-idea]');
  if (!button || !row) return;
  const path = `${base}/ideas/${row.dataset.idea}`;
  if (button.hasAttribute('data-vote')) {
    const voted = button.getAttribute('aria-pressed') === 'true';
    run(() => api(voted ? 'DELETE' : 'POST', `${path}/votes`), 'Could not vote');
  } else if (button.hasAttribute('data-public')) {
    run(() => patch(path, row.dataset.version, { public: button.dataset.public === 'true' }), 'Could not change it');
  } else if (button.hasAttribute('data-promote')) {
    run(async () => {
      const feature = await api('POST', `${path}/promote`, {});
      location.href = `/w/${encodeURIComponent(ws)}/features/${feature.id}`;
      await new Promise(() => {});
    }, 'Could not promote it');
  } else if (button.hasAttribute('data-delete')) {
    if (confirm('Delete this idea and its votes? Feedback linked to it stays.')) {
      run(() => api('DELETE', path), 'Could not delete it');
    }
  }
});

document.querySelector('[data-idea-list]')?.addEventListener('change', (e) => {
  const select = e.target.closest('[data-idea-status]');
  const row = e.target.closest('[data-idea]');
  if (!select || !row) return;
  run(() => patch(`${base}/ideas/${row.dataset.idea}`, row.dataset.version, { status: select.value }), 'Could not change the status');
});
