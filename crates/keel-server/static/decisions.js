// The decision log: record a decision from the log page, and decline a
// feature from its page (asking for the rationale). Writes go through the
// JSON API; the page then reloads so the server's log is what you see.

import { api, announce, page } from './core.js';

const { ws, product } = page();
const base = `/api/v1/workspaces/${encodeURIComponent(ws)}`;

/** "a, b ,, c" → ["a", "b", "c"]. */
const names = (text) => String(text ?? '').split(',').map((s) => s.trim()).filter(Boolean);

document.querySelector('[data-new-decision-form]')?.addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  const options = String(form.get('options') ?? '').split('\n').map((s) => s.trim()).filter(Boolean);
  try {
    await api('POST', `${base}/decisions`, {
      product,
      title: form.get('title'),
      outcome: form.get('outcome'),
      date: form.get('date'),
      context: form.get('context'),
      options,
      rationale: form.get('rationale'),
      informed: names(form.get('informed')),
    });
    location.reload();
  } catch (err) { announce(`Could not record it: ${err.message}`); }
});

const feature = document.querySelector('[data-feature]');
const dialog = document.querySelector('[data-decline-dialog]');
document.querySelector('[data-decline-open]')?.addEventListener('click', () => dialog?.showModal());
dialog?.querySelector('[data-decline-confirm]')?.addEventListener('click', async () => {
  const form = dialog.querySelector('[data-decline-form]');
  if (!form.reportValidity()) return;
  const data = new FormData(form);
  const res = await fetch(`${base}/features/${feature.dataset.feature}`, {
    method: 'PATCH',
    credentials: 'same-origin',
    headers: {
      'content-type': 'application/json',
      'x-csrf-token': document.querySelector('meta[name="csrf-token"]')?.content ?? '',
      'if-match': `"${feature.dataset.version}"`,
    },
    body: JSON.stringify({
      status: 'declined',
      decision: { rationale: data.get('rationale'), informed: names(data.get('informed')) },
    }),
  });
  const body = await res.json().catch(() => null);
  dialog.close();
  if (res.status === 412) { announce('Someone else changed this feature meanwhile; reload to see their change.'); return; }
  if (!res.ok) { announce(`Could not decline it: ${body?.detail ?? res.status}`); return; }
  location.reload();
});
