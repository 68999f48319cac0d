// Customers and companies: create from the lists, edit on their pages
// (If-Match, so a stale page cannot overwrite someone's change), and erase
// a customer after a confirm dialog. Every write goes through the JSON
// API; user text only ever reaches the page as text, never as HTML.

import { api, announce, csrf, page } from './core.js';

const { ws } = page();
const base = `/api/v1/workspaces/${encodeURIComponent(ws)}`;

/** `key=value` lines → an attributes object; throws naming the bad line. */
export function parseAttributes(text) {
  const out = {};
  const lines = String(text ?? '').split('\n');
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`custom attributes, line ${i + 1}: write it as key=value`);
    out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  });
  return out;
}

/** The form's value of `name`, trimmed. */
const value = (form, name) => String(new FormData(form).get(name) ?? '').trim();

/** A PATCH with If-Match; returns the new item, or null after saying why not. */
async function patch(path, version, body) {
  const res = await fetch(path, {
    method: 'PATCH',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrf(), 'if-match': `"${version}"` },
    body: JSON.stringify(body),
  });
  const data = await res.json().catch(() => null);
  if (res.status === 412) { announce('Someone else changed this meanwhile; reload to see their change.'); return null; }
  if (!res.ok) { announce(`Could not save: ${problem(data, res)}`); return null; }
  return data;
}

/** The server's detail, with the fields it names. */
function problem(data, res) {
  const fields = (data?.errors ?? []).map((e) => `${e.field} ${e.message}`);
  return fields.length ? fields.join('; ') : (data?.detail ?? `${res.status} ${res.statusText}`);
}

/** Runs a create: on success goes to the new item's page. */
function onCreate(selector, build, where) {
  document.querySelector(selector)?.addEventListener('submit', async (e) => {
    e.preventDefault();
    const button = e.target.querySelector('button[type="submit"]');
    let body;
    try { body = build(e.target); } catch (err) { announce(`Could not add: ${err.message}`); return; }
    button.disabled = true;
    try {
      const item = await api('POST', `${base}/${where}`, body);
      location.href = `/w/${encodeURIComponent(ws)}/${where}/${item.id}`;
    } catch (err) {
      announce(`Could not add: ${err.message}`);
      button.disabled = false;
    }
  });
}

onCreate('[data-new-customer]', (form) => {
  const body = { name: value(form, 'name') };
  for (const k of ['email', 'company', 'segment']) if (value(form, k)) body[k] = value(form, k);
  const attributes = parseAttributes(value(form, 'attributes'));
  if (Object.keys(attributes).length) body.attributes = attributes;
  return body;
}, 'customers');

onCreate('[data-new-company]', (form) => {
  const body = { name: value(form, 'name') };
  for (const k of ['segment', 'plan']) if (value(form, k)) body[k] = value(form, k);
  if (value(form, 'arr')) body.arr = Number(value(form, 'arr'));
  const attributes = parseAttributes(value(form, 'attributes'));
  if (Object.keys(attributes).length) body.attributes = attributes;
  return body;
}, 'companies');

if (sessionStorage.getItem('keel:saved')) {
  sessionStorage.removeItem('keel:saved');
  announce('Saved');
}

// One customer: edit, and delete with their feedback anonymised.
const customer = document.querySelector('[data-customer]');
customer?.querySelector('[data-customer-form]')?.addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = e.target;
  let attributes;
  try { attributes = parseAttributes(value(form, 'attributes')); } catch (err) { announce(`Could not save: ${err.message}`); return; }
  const body = {
    name: value(form, 'name'),
    email: value(form, 'email') || null,
    company: value(form, 'company') || null,
    segment: value(form, 'segment'),
    persona: value(form, 'persona') || null,
    attributes,
  };
  const saved = await patch(`${base}/customers/${customer.dataset.customer}`, customer.dataset.version, body);
  if (!saved) return;
  // The company's ARR, the feedback and the features come from the server:
  // reload to show them with the new details.
  sessionStorage.setItem('keel:saved', '1');
  location.reload();
});

const dialog = customer?.querySelector('[data-delete-dialog]');
customer?.querySelector('[data-delete-customer]')?.addEventListener('click', () => dialog?.showModal());
dialog?.querySelector('[data-confirm-delete]')?.addEventListener('click', async (e) => {
  e.target.disabled = true;
  const res = await fetch(`${base}/customers/${customer.dataset.customer}`, {
    method: 'DELETE',
    credentials: 'same-origin',
    headers: { 'x-csrf-token': csrf(), 'if-match': `"${customer.dataset.version}"` },
  });
  if (res.ok) {
    location.href = `/w/${encodeURIComponent(ws)}/customers?deleted=1`;
    return;
  }
  const data = await res.json().catch(() => null);
  dialog.close();
  e.target.disabled = false;
  announce(res.status === 412
    ? 'Someone changed this customer meanwhile; reload and try again.'
    : `Could not delete: ${problem(data, res)}`);
});

// One company: edit.
const company = document.querySelector('[data-company]');
company?.querySelector('[data-company-form]')?.addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = e.target;
  let attributes;
  try { attributes = parseAttributes(value(form, 'attributes')); } catch (err) { announce(`Could not save: ${err.message}`); return; }
  const arr = value(form, 'arr');
  const body = {
    name: value(form, 'name'),
    segment: value(form, 'segment'),
    plan: value(form, 'plan'),
    arr: arr === '' ? null : Number(arr),
    attributes,
  };
  const saved = await patch(`${base}/companies/${company.dataset.company}`, company.dataset.version, body);
  if (!saved) return;
  sessionStorage.setItem('keel:saved', '1');
  location.reload();
});
