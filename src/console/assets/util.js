// Shared helpers of the console page: the API (relative URLs, so any mount path works),
// DOM building without innerHTML (event values are never parsed as HTML), formatting.

/** GET or POST `path` (relative to the page); resolves to the JSON answer or throws its error. */
export async function api(path, body) {
  const init = body === undefined
    ? {}
    : { method: 'POST', headers: { 'content-type': 'application/json', 'x-canon-console': '1' }, body: JSON.stringify(body) };
  const res = await fetch(path, init);
  const data = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
  if (!res.ok) throw Object.assign(new Error(data.error ?? `HTTP ${res.status}`), { status: res.status });
  return data;
}

/** Builds an element: el('td', { class: 'x', onclick }, 'text', child…). Strings become text nodes. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'class') node.className = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** What the unit was: `POST /users/:id`, `consume order.placed`, `job nightly`… */
export function unitName(e) {
  switch (e.kind) {
    case 'http':
      return `${e.method ?? ''} ${e.route ?? e.path ?? ''}`.trim();
    case 'sse':
      return `sse ${e.path ?? ''}`;
    case 'message':
      return `consume ${e.event?.type ?? e.message?.subject_or_queue ?? ''}`;
    case 'outbox':
      return `outbox ${e.event?.type ?? ''}`;
    case 'webhook':
      return `webhook ${e.event?.type ?? ''} → ${e.webhook?.host ?? ''}`;
    default:
      return `${e.kind ?? 'unit'} ${e.job?.name ?? e.name ?? ''}`.trim();
  }
}

/** `success` | `error` | `aborted` | `client` (4xx) for colouring. */
export function outcomeClass(e) {
  if (e.outcome === 'error') return 'error';
  if (e.outcome === 'aborted') return 'aborted';
  if (typeof e.status_code === 'number' && e.status_code >= 400) return 'client';
  return 'ok';
}

export function formatMs(ms) {
  if (typeof ms !== 'number') return '';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
}

export function formatTime(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso ?? '') : date.toLocaleTimeString([], { hour12: false }) + `.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

/** A table from column names and row objects (cells as text). */
export function table(columns, rows, cell = (row, column) => row[column]) {
  return el(
    'table',
    {},
    el('thead', {}, el('tr', {}, columns.map((c) => el('th', {}, c)))),
    el('tbody', {}, rows.map((row) => el('tr', {}, columns.map((c) => el('td', {}, show(cell(row, c))))))),
  );
}

/** A cell's text: objects as compact JSON. */
export function show(value) {
  if (value instanceof Node) return value;
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** A row of labelled numbers (state counts). */
export function stats(entries) {
  return el('div', { class: 'stats' }, Object.entries(entries).map(([label, value]) =>
    el('div', { class: 'stat', 'data-stat': label }, el('span', { class: 'value' }, String(value)), el('span', { class: 'label' }, label.replace(/_/g, ' ')))));
}

/** The message shown in place of a page when its data failed. */
export function problem(error) {
  return el('p', { class: 'problem' }, error instanceof Error ? error.message : String(error));
}
