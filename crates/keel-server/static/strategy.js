// Vision and strategy: saving a new version through the JSON API, named
// against the version the editor started from so a save made meanwhile is
// not overwritten (the server answers 409 and the page says so).

import { api, announce, page } from './core.js';

const { ws, product } = page();
const form = document.querySelector('[data-strategy-form]');
const error = document.querySelector('[data-strategy-error]');

form?.addEventListener('submit', async (e) => {
  e.preventDefault();
  const data = new FormData(form);
  const body = {
    vision: data.get('vision'),
    strategy: data.get('strategy'),
    note: data.get('note'),
    base: Number(form.dataset.base),
  };
  const path = `/api/v1/workspaces/${encodeURIComponent(ws)}/products/${encodeURIComponent(product)}/strategy/versions`;
  try {
    const saved = await api('POST', path, body);
    announce(`Saved version ${saved.number}`);
    location.assign(`?from=${saved.number - 1}&to=${saved.number}`);
  } catch (err) {
    error.textContent = `Not saved: ${err.message}`;
    error.hidden = false;
    announce(error.textContent);
  }
});
