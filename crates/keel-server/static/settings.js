// Settings: change roles, deactivate members, add members, create
// accounts (instance admins), revoke tokens, copy a new token.

import { api, announce, page } from './core.js';

const { ws } = page();
const root = document.querySelector('[data-settings]');

async function act(what, call) {
  try {
    await call();
    announce(`${what}: done`);
    location.reload();
  } catch (err) {
    announce(`${what} failed: ${err.message}`);
  }
}

root.addEventListener('change', (e) => {
  const select = e.target.closest('[data-role-select]');
  if (!select) return;
  const row = select.closest('[data-member]');
  act('Role change', () => api('PATCH', `/api/v1/workspaces/${ws}/members/${row.dataset.member}`, { role: select.value }));
});

root.addEventListener('click', (e) => {
  const toggle = e.target.closest('[data-active]');
  if (toggle) {
    const row = toggle.closest('[data-member]');
    const active = toggle.dataset.active === 'true';
    act(active ? 'Reactivate' : 'Deactivate', () => api('PATCH', `/api/v1/workspaces/${ws}/members/${row.dataset.member}`, { active }));
    return;
  }
  const revoke = e.target.closest('[data-revoke]');
  if (revoke) {
    const row = revoke.closest('[data-token-id]');
    act('Revoke token', () => api('DELETE', `/api/v1/auth/tokens/${row.dataset.tokenId}`));
    return;
  }
  if (e.target.closest('[data-copy-token]')) {
    const token = root.querySelector('[data-token]').textContent;
    navigator.clipboard?.writeText(token).then(() => announce('Token copied'), () => announce('Select the token and copy it'));
  }
});

root.querySelector('[data-add-member]')?.addEventListener('submit', (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  act('Add member', () => api('POST', `/api/v1/workspaces/${ws}/members`, { email: form.get('email'), role: form.get('role') }));
});

root.querySelector('[data-create-account]')?.addEventListener('submit', (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  act('Create account', () => api('POST', '/api/v1/admin/users', { name: form.get('name'), email: form.get('email'), password: form.get('password') }));
});

root.querySelector('[data-create-token]')?.addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = e.target;
  try {
    const created = await api('POST', '/api/v1/me/tokens', { name: form.elements.name.value });
    const box = root.querySelector('[data-new-token]');
    box.querySelector('[data-token]').textContent = created.token;
    box.hidden = false;
    form.reset();
    announce('Token created: copy it now, it is shown only once');
  } catch (err) {
    announce(`Create token failed: ${err.message}`);
  }
});
