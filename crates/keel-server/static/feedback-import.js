// The feedback import page: pick a CSV file, map its columns to feedback
// fields (guessed from the header names), "Check" with a dry run, then
// "Import" for real with a progress bar. The file itself is the request
// body (the API reads it as is), sent with XMLHttpRequest because fetch
// cannot report upload progress.

import { csrf, page } from './core.js';

const { ws, product } = page();
const root = document.querySelector('[data-feedback-import]');
const $ = (sel) => root.querySelector(sel);
const FIELDS = root.dataset.fields.split(',');
const fileInput = $('[data-file]');
const mapBox = $('[data-map]');
const mapRows = $('[data-map-rows]');
const checkButton = $('[data-check]');
const importButton = $('[data-import]');
const progressBox = $('[data-progress-box]');
const progress = $('[data-progress]');
const progressLabel = $('[data-progress-label]');
const status = $('[data-import-status]');
const errorList = $('[data-import-errors]');
const done = $('[data-import-done]');

// Header names that say which field a column is, after lower-casing and
// turning runs of non-letters into one space. First match wins.
const GUESSES = {
  text: ['text', 'feedback', 'comment', 'comments', 'message', 'body', 'response', 'answer', 'note', 'notes', 'verbatim', 'description', 'content'],
  customer_email: ['customer email', 'email', 'e mail', 'mail', 'email address'],
  customer_name: ['customer name', 'customer', 'name', 'full name', 'contact'],
  source: ['source', 'channel'],
  tags: ['tags', 'tag', 'labels', 'label', 'categories', 'category', 'topics'],
  sentiment: ['sentiment', 'mood', 'tone'],
  received_on: ['received on', 'received', 'date', 'created', 'created at', 'submitted', 'submitted at', 'timestamp', 'time'],
};

const norm = (s) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/** The first records of CSV text (RFC 4180: quotes, doubled quotes, line breaks in quotes). */
export function firstRecords(text, count = 2) {
  const records = [];
  let record = [];
  let cell = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length && records.length < count; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { record.push(cell); cell = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(cell); cell = '';
      if (record.some((v) => v !== '')) records.push(record);
      record = [];
    } else cell += c;
  }
  if (records.length < count && (cell || record.length)) { record.push(cell); records.push(record); }
  return records;
}

/** Each column's guessed field (or ''), no field twice. */
export function guess(headers) {
  const taken = new Set();
  const out = headers.map(() => '');
  for (const [field, names] of Object.entries(GUESSES)) {
    for (const name of names) {
      const at = headers.findIndex((h, i) => !out[i] && norm(h) === name);
      if (at !== -1 && !taken.has(field)) { out[at] = field; taken.add(field); break; }
    }
  }
  return out;
}

function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

let headers = [];

function reset(message = '') {
  status.textContent = message;
  errorList.hidden = true;
  errorList.replaceChildren();
  done.hidden = true;
  progressBox.hidden = true;
  importButton.disabled = true;
}

function showMap(names, sample) {
  const fields = guess(names);
  mapRows.replaceChildren(...names.map((name, i) => {
    const select = el('select', { id: `imp-map-${i}`, 'data-column': name, 'aria-label': `Field for column ${name}` });
    select.append(el('option', { value: '' }, '— skip —'));
    for (const f of FIELDS) select.append(el('option', { value: f }, f.replaceAll('_', ' ')));
    select.value = fields[i];
    const tr = el('tr');
    tr.append(el('th', { scope: 'row' }, name), el('td', { class: 'muted' }, (sample[i] ?? '').slice(0, 80)), el('td'));
    tr.lastChild.append(select);
    return tr;
  }));
  mapBox.hidden = false;
}

/** `map=COLUMN:FIELD` for each mapped column, as the API reads them. */
function mapping() {
  return [...mapRows.querySelectorAll('select')].filter((s) => s.value).map((s) => `${s.dataset.column}:${s.value}`);
}

function url(dryRun) {
  const q = new URLSearchParams({ product, dry_run: String(dryRun), source: $('[data-source]').value });
  for (const m of mapping()) q.append('map', m);
  return `/api/v1/workspaces/${ws}/feedback/import?${q}`;
}

/** Sends the file; resolves with `{status, body}`, reporting upload progress. */
function send(file, dryRun) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url(dryRun));
    xhr.setRequestHeader('content-type', 'text/csv');
    xhr.setRequestHeader('x-csrf-token', csrf());
    xhr.upload.onprogress = (e) => {
      if (!e.lengthComputable) return;
      progress.value = Math.round((e.loaded / e.total) * 100);
      progress.setAttribute('aria-valuetext', `${progress.value}% uploaded`);
    };
    // Sent: the server now reads and writes; no more numbers to show.
    xhr.upload.onload = () => {
      progress.removeAttribute('value');
      progress.removeAttribute('aria-valuetext');
      progressLabel.textContent = dryRun ? 'Checking…' : 'Importing…';
      root.dataset.state = 'processing';
    };
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { /* not JSON: shown by status */ }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => reject(new Error('The upload failed: check the connection and try again.'));
    xhr.send(file);
  });
}

function showErrors(body) {
  const items = (body?.errors ?? []).map((e) => {
    const where = e.line != null ? `Line ${e.line}${e.column ? `, column “${e.column}”` : ''}` : e.field;
    return el('li', {}, `${where}: ${e.message}`);
  });
  errorList.replaceChildren(...items);
  errorList.hidden = !items.length;
}

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

async function run(dryRun) {
  const file = fileInput.files[0];
  if (!file) return;
  reset();
  checkButton.disabled = true;
  importButton.disabled = true;
  progress.value = 0;
  progressLabel.textContent = dryRun ? 'Uploading to check…' : 'Uploading…';
  progressBox.hidden = false;
  root.dataset.state = 'uploading';
  try {
    const { status: code, body } = await send(file, dryRun);
    progress.value = 100;
    if (code === 200 || code === 201) {
      const people = body.customers_created ? `, ${plural(body.customers_created, 'new customer', 'new customers')}` : '';
      if (dryRun) {
        status.textContent = `Ready: ${plural(body.created, 'feedback item', 'feedback items')} to import${people}. Nothing was written yet.`;
        importButton.disabled = false;
        progressLabel.textContent = 'Checked';
        root.dataset.state = 'checked';
      } else {
        progressLabel.textContent = 'Done';
        status.textContent = '';
        $('[data-import-done-text]').textContent = `Imported ${plural(body.created, 'feedback item', 'feedback items')}${people}.`;
        done.hidden = false;
        root.dataset.state = 'done';
      }
    } else {
      progressBox.hidden = true;
      status.textContent = body?.detail ?? `The server answered ${code}.`;
      showErrors(body);
      root.dataset.state = 'failed';
    }
  } catch (e) {
    progressBox.hidden = true;
    status.textContent = e.message;
    root.dataset.state = 'failed';
  } finally {
    checkButton.disabled = !fileInput.files[0];
  }
}

fileInput.addEventListener('change', async () => {
  reset();
  mapBox.hidden = true;
  const file = fileInput.files[0];
  checkButton.disabled = !file;
  if (!file) return;
  // The header and a first value per column; a large file is not read whole.
  const [names = [], sample = []] = firstRecords(await file.slice(0, 256 * 1024).text());
  headers = names;
  if (!headers.length) { status.textContent = 'The file has no header row.'; return; }
  showMap(headers, sample);
  status.textContent = `${plural(headers.length, 'column', 'columns')} found. Check the fields, then press Check.`;
});
// A changed mapping or source needs a new check before importing.
root.addEventListener('change', (e) => { if (e.target !== fileInput) { importButton.disabled = true; done.hidden = true; } });
checkButton.addEventListener('click', () => run(true));
importButton.addEventListener('click', () => run(false));
