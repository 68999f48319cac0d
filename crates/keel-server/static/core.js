// Helpers every page module shares: the CSRF token, the page's workspace
// and product, the JSON API caller, and a status line for announcements.

/** The CSRF token of this session (sent with every write). */
export const csrf = () => document.querySelector('meta[name="csrf-token"]')?.content ?? '';

/** The workspace slug and product key of the current page. */
export const page = () => ({ ws: document.body.dataset.ws, product: document.body.dataset.product });

/** Calls the JSON API as the signed-in user; throws with the server's detail. */
export async function api(method, path, body) {
  const headers = { 'x-csrf-token': csrf() };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  if (res.status === 204) return null;
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new Error(data?.detail ?? `${res.status} ${res.statusText}`);
  return data;
}

/** Shows a short message to screen readers and sighted users alike. */
export function announce(text) {
  const el = document.querySelector('[data-live-status]');
  if (el) el.textContent = text;
}
