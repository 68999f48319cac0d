// The stakeholder update: copy the (possibly edited) Markdown, or download
// it as a .md file. Everything stays in the browser; nothing is saved.

import { announce } from './core.js';

const text = document.querySelector('[data-update-markdown]');

document.querySelector('[data-update-copy]')?.addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText(text.value);
    announce('Copied the update');
  } catch {
    // Clipboard access can be refused (no permission, not a secure page):
    // select the text so the usual copy shortcut works.
    text.select();
    announce('Select-all done: press Ctrl+C (⌘C) to copy');
  }
});

document.querySelector('[data-update-download]')?.addEventListener('click', () => {
  const url = URL.createObjectURL(new Blob([text.value], { type: 'text/markdown;charset=utf-8' }));
  const link = Object.assign(document.createElement('a'), { href: url, download: text.dataset.file });
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
  announce('Downloaded the update');
});
