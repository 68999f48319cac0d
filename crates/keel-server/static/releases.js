// Releases: plan one, add and remove features, ship it (after a
// confirmation), copy the drafted messages and the notes; and on a
// feature's page, its customer summary. Writes go through the JSON API;
// the page reloads so what you see is what the server computed.

import { api, announce, page } from './core.js';

const { ws, product } = page();
const base = `/api/v1/workspaces/${encodeURIComponent(ws)}`;

async function run(action, failure) {
  try {
    await action();
    location.reload();
  } catch (err) { announce(`${failure}: ${err.message}`); }
}

document.querySelector('[data-new-release]')?.addEventListener('submit', (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  const body = { product, version: form.get('version') };
  if (form.get('name')) body.name = form.get('name');
  if (form.get('target_date')) body.target_date = form.get('target_date');
  run(async () => {
    const created = await api('POST', `${base}/releases`, body);
    location.href = `/w/${encodeURIComponent(ws)}/releases/${created.id}`;
    await new Promise(() => {});
  }, 'Could not plan it');
});

const release = document.querySelector('[data-release]');
if (release) {
  const path = `${base}/releases/${release.dataset.release}`;
  release.querySelector('[data-add-feature]')?.addEventListener('submit', (e) => {
    e.preventDefault();
    const feature = new FormData(e.target).get('feature');
    run(() => api('POST', `${path}/scope`, { add_features: [feature] }), 'Could not add it');
  });
  release.querySelector('[data-scope-features]')?.addEventListener('click', (e) => {
    const button = e.target.closest('[data-remove-feature]');
    if (!button) return;
    run(() => api('POST', `${path}/scope`, { remove_features: [button.dataset.removeFeature] }), 'Could not remove it');
  });
  release.querySelector('[data-ship]')?.addEventListener('click', () => {
    const label = release.dataset.versionLabel;
    if (!confirm(`Ship ${label}? Its features become shipped, and you get the list of customers to tell. This cannot be undone.`)) return;
    run(() => api('POST', `${path}/ship`, {}), 'Could not ship it');
  });
}

// Copy buttons: the text of the element they name.
document.addEventListener('click', async (e) => {
  const button = e.target.closest('[data-copy]');
  if (!button) return;
  const source = document.getElementById(button.dataset.copy);
  if (!source) return;
  try {
    await navigator.clipboard.writeText(source.value ?? source.textContent);
    announce('Copied.');
  } catch {
    source.select?.();
    announce('Select and copy it by hand (the clipboard is not available here).');
  }
});

// A feature's customer summary.
const summary = document.querySelector('[data-customer-summary]');
if (summary) {
  const path = `${base}/features/${summary.dataset.customerSummary}/customer-summary`;
  const input = summary.querySelector('[data-customer-summary-input]');
  const text = summary.querySelector('[data-customer-summary-text]');
  // What the PM typed before the saved summary arrived wins: a late answer
  // must not wipe it (and then save an empty summary).
  let typed = false;
  input?.addEventListener('input', () => { typed = true; });
  api('GET', path).then((s) => {
    if (input && !typed) input.value = s.customer_summary;
    if (text) text.textContent = s.customer_summary || 'Release notes use the title.';
  }).catch((err) => announce(`Could not load the summary: ${err.message}`));
  summary.querySelector('[data-customer-summary-form]')?.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const saved = await api('PUT', path, { customer_summary: input.value });
      input.value = saved.customer_summary;
      announce('Summary saved.');
    } catch (err) { announce(`Could not save the summary: ${err.message}`); }
  });
}
