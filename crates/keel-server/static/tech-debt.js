// A cycle's tech-debt target: typed as a percentage, sent as a share 0–1
// with PUT …/cycles/{id}/tech-debt; a refusal is shown by the field, a
// success reloads the page so the budget shown is the server's.

import { csrf, page, announce } from './core.js';

const root = document.querySelector('[data-tech-debt]');
const form = root?.querySelector('[data-td-form]');
const { ws } = page();

form?.addEventListener('submit', async (e) => {
  e.preventDefault();
  const error = form.querySelector('[data-error-for="target"]');
  const input = form.elements.target;
  const raw = input.value.trim().replace(/%$/, '');
  const percent = raw === '' ? null : Number(raw);
  error.textContent = '';
  input.removeAttribute('aria-invalid');
  if (Number.isNaN(percent)) {
    error.textContent = 'must be a number from 0 to 100';
    input.setAttribute('aria-invalid', 'true');
    return;
  }
  const res = await fetch(`/api/v1/workspaces/${encodeURIComponent(ws)}/cycles/${root.dataset.techDebt}/tech-debt`, {
    method: 'PUT',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrf(), 'if-match': `"${root.dataset.version}"` },
    body: JSON.stringify({ target: percent === null ? null : percent / 100 }),
  });
  const data = await res.json().catch(() => null);
  if (res.status === 412) { announce('Someone else changed this cycle meanwhile; reload to see their change.'); return; }
  if (!res.ok) {
    const field = data?.errors?.find((x) => x.field === 'target');
    // The API speaks in shares (0–1); the form in percent.
    error.textContent = field ? 'must be from 0 to 100%' : (data?.detail ?? String(res.status));
    input.setAttribute('aria-invalid', 'true');
    return;
  }
  location.reload();
});
