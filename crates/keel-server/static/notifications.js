// Notifications: the unread badge in the sidebar (kept current by live
// `notification` events on pages that are connected), the notifications
// page (mark read, live refresh), and local, relative times for every
// `<time datetime>` on the page.

import { api, announce, page } from './core.js';
import { connect } from './live.js';

const { ws } = page();
const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** "just now", "5 minutes ago", "yesterday", "Mar 3"; the full local time on hover. */
function relative(date) {
  const seconds = (date.getTime() - Date.now()) / 1000;
  const abs = Math.abs(seconds);
  if (abs < 45) return 'just now';
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(seconds / 3600), 'hour');
  if (abs < 7 * 86400) return rtf.format(Math.round(seconds / 86400), 'day');
  const sameYear = date.getFullYear() === new Date().getFullYear();
  return date.toLocaleDateString(undefined, { month: 'short', day: 'numeric', year: sameYear ? undefined : 'numeric' });
}

/** Rewrites `<time datetime>` elements under `scope` as local, relative times. */
export function localizeTimes(scope = document) {
  for (const el of scope.querySelectorAll('time[datetime]')) {
    const value = el.getAttribute('datetime');
    // A calendar date (a due date) has no time zone: read as UTC midnight it
    // would show a day early west of UTC, so keep the server's text.
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) continue;
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) continue;
    el.textContent = relative(date);
    el.title = date.toLocaleString();
  }
}

const badge = document.querySelector('[data-unread-badge]');

/** Shows `n` unread in the sidebar (hidden at 0). */
export function setUnread(n) {
  if (!badge) return;
  badge.hidden = n === 0;
  badge.querySelector('[data-unread-count]').textContent = n > 99 ? '99+' : String(n);
}

let recountTimer = null;
function recount() {
  clearTimeout(recountTimer);
  recountTimer = setTimeout(async () => {
    try {
      const page = await api('GET', `/api/v1/workspaces/${ws}/notifications?limit=1`);
      setUnread(page.unread);
    } catch { /* the badge just stays as it is */ }
  }, 50);
}

// The stream is workspace-wide and does not say whom a notification is
// for, so each page asks for its own unread count.
document.addEventListener('keel:event', ({ detail: event }) => {
  if (event.kind === 'notification') { recount(); listChanged(); }
});

localizeTimes();
setInterval(() => localizeTimes(), 60_000);

// ---- The notifications page --------------------------------------------

const list = document.querySelector('[data-notifications]');

async function markRead(body) {
  const result = await api('POST', `/api/v1/workspaces/${ws}/notifications/read`, body);
  setUnread(result.unread);
  return result;
}

let refreshing = null;
/** Re-renders the list from the server. */
async function refreshList() {
  if (refreshing) return refreshing;
  refreshing = (async () => {
    const res = await fetch(location.href, { credentials: 'same-origin' });
    const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
    const fresh = doc.querySelector('[data-notifications]');
    if (fresh) { list.replaceChildren(...fresh.childNodes); localizeTimes(list); }
  })().finally(() => { refreshing = null; });
  return refreshing;
}

function listChanged() {
  if (list) refreshList();
}

if (list) {
  list.addEventListener('click', async (e) => {
    const all = e.target.closest('[data-mark-all]');
    const one = e.target.closest('[data-mark-read]');
    const open = e.target.closest('[data-open-notification]');
    const item = e.target.closest('[data-notification]');
    try {
      if (all) {
        const { marked } = await markRead({ all: true });
        announce(`${marked} marked read`);
        await refreshList();
      } else if (one && item) {
        await markRead({ ids: [item.dataset.notification] });
        await refreshList();
      } else if (open && item?.classList.contains('unread') && !e.ctrlKey && !e.metaKey && !e.shiftKey) {
        // Opening a notification reads it; navigate once that is saved.
        e.preventDefault();
        await markRead({ ids: [item.dataset.notification] }).catch(() => {});
        location.href = open.href;
      }
    } catch (err) {
      announce(`Could not mark read: ${err.message}`);
    }
  });
  connect(ws, (state) => announce(state === 'live' ? '' : 'Reconnecting…'), Number(document.body.dataset.seq));
}
