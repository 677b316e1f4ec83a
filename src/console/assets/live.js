// The Live page: events as they are emitted. A snapshot of the buffer first, then the
// SSE stream from the snapshot's last id (EventSource resumes with Last-Event-ID by
// itself; `event: reset` means we were too far behind: reload). The filter box takes
// the expressions of `canon tail --where` (`status_code >= 500 and user.id = 'u_1'`),
// applied by the server to both; errors are highlighted, a click shows the whole event,
// and a chart shows the HTTP request rate and p50/p99 latency of the last 5 minutes.
import { lineChart } from './chart.js';
import { api, el, formatMs, formatTime, outcomeClass, unitName } from './util.js';

const ROWS = 300;
const WINDOW_S = 300;
const BUCKET_S = 5;

const store = { events: [], capacity: 10_000, lastId: undefined, text: '', errorsOnly: false, status: 'connecting', listeners: new Set() };
let source;

function emit(change) {
  for (const listener of store.listeners) listener(change);
}

function add(event) {
  store.events.push(event);
  if (store.events.length > store.capacity) store.events.splice(0, store.events.length - store.capacity);
  emit({ added: event });
}

function setStatus(status) {
  store.status = status;
  emit({ status });
}

/** The `where` expression of the filter box and the "errors only" box. */
function where() {
  const errors = "outcome != 'success'";
  if (!store.errorsOnly) return store.text;
  return store.text ? `(${store.text}) and ${errors}` : errors;
}
const whereQuery = () => (where() ? `&where=${encodeURIComponent(where())}` : '');

async function load() {
  const snapshot = await api(`api/events?limit=10000${whereQuery()}`);
  store.capacity = snapshot.capacity;
  store.events = snapshot.events;
  store.lastId = snapshot.last_id ?? undefined;
  emit({ reset: true });
}

function connect() {
  source?.close();
  const last = store.lastId ? `&last_event_id=${encodeURIComponent(store.lastId)}` : '';
  source = new EventSource(`api/live?${last}${whereQuery()}`);
  source.addEventListener('open', () => setStatus('live'));
  source.addEventListener('wide', (message) => {
    store.lastId = message.lastEventId;
    add(JSON.parse(message.data));
  });
  source.addEventListener('reset', () => {
    source.close();
    restart();
  });
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CLOSED) {
      setStatus('offline');
      setTimeout(restart, 3000);
    } else setStatus('reconnecting');
  });
}

let generation = 0;
async function restart() {
  const mine = ++generation;
  source?.close();
  try {
    await load();
  } catch (error) {
    if (mine !== generation) return;
    if (error.status === 400) return emit({ invalid: error.message }); // the filter does not parse
    setStatus('offline');
    setTimeout(restart, 3000);
    return;
  }
  if (mine === generation) connect();
}

/** Follows only the events matching the filter (empty: all of them). */
function setFilter(text, errorsOnly) {
  if (text === store.text && errorsOnly === store.errorsOnly) return;
  store.text = text;
  store.errorsOnly = errorsOnly;
  store.lastId = undefined;
  restart();
}

/** Starts following the events (once per page load, whatever page is shown). */
export function start() {
  restart();
}

function quantile(sorted, q) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Buckets of the last WINDOW_S seconds: [times, rate/s, p50 ms, p99 ms]. */
function series(events) {
  const now = Math.floor(Date.now() / 1000 / BUCKET_S) * BUCKET_S;
  const n = WINDOW_S / BUCKET_S;
  const durations = Array.from({ length: n }, () => []);
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e.kind !== 'http') continue;
    const start = Math.floor(Date.parse(e.timestamp) / 1000 / BUCKET_S) * BUCKET_S;
    const slot = n - 1 - (now - start) / BUCKET_S;
    if (slot < -60) break; // events come in end order: a long one can start well before its neighbours
    if (slot >= 0 && slot < n && typeof e.duration_ms === 'number') durations[slot].push(e.duration_ms);
  }
  const xs = durations.map((_, i) => now - (n - 1 - i) * BUCKET_S);
  const sorted = durations.map((d) => d.sort((a, b) => a - b));
  return [xs, sorted.map((d) => d.length / BUCKET_S), sorted.map((d) => quantile(d, 0.5)), sorted.map((d) => quantile(d, 0.99))];
}

function row(event, go) {
  const cls = outcomeClass(event);
  const tr = el(
    'tr',
    { class: `event ${cls}`, 'data-request-id': event.request_id, 'data-kind': event.kind },
    el('td', { class: 'time' }, formatTime(event.timestamp)),
    el('td', {}, event.service ?? ''),
    el('td', {}, el('span', { class: `kind kind-${event.kind}` }, event.kind ?? '')),
    el('td', { class: 'name' }, unitName(event)),
    el('td', { class: `status ${cls}` }, event.status_code ?? event.message?.result ?? event.outbox?.result ?? event.webhook?.status ?? ''),
    el('td', { class: 'num' }, formatMs(event.duration_ms)),
    el('td', { class: `outcome ${cls}` }, event.outcome ?? ''),
    el('td', { class: 'mono' }, event.trace_id
      ? el('a', { href: `#trace/${event.trace_id}`, onclick: (e) => { e.stopPropagation(); e.preventDefault(); go('trace', event.trace_id); } }, event.trace_id.slice(0, 12) + '…')
      : ''),
  );
  tr.addEventListener('click', () => {
    const open = tr.nextSibling?.classList?.contains('detail');
    if (open) tr.nextSibling.remove();
    else tr.after(el('tr', { class: 'detail' }, el('td', { colspan: 8 }, el('pre', {}, JSON.stringify(event, null, 2)))));
  });
  return tr;
}

export function mount(view, { go }) {
  const status = el('span', { class: 'status-dot' });
  const filterBox = el('input', { type: 'search', placeholder: "filter: status_code >= 500 and route like '%checkout%'", class: 'filter mono', 'aria-label': 'filter' });
  const errorsOnly = el('input', { type: 'checkbox', 'aria-label': 'errors only' });
  const count = el('span', { class: 'muted' });
  const invalid = el('p', { class: 'problem filter-error' });
  const chartBox = el('div', { class: 'chart' });
  const body = el('tbody');
  view.append(
    el('div', { class: 'toolbar' }, filterBox, el('label', {}, errorsOnly, ' errors only'), count, status),
    invalid,
    chartBox,
    el('table', { class: 'events' },
      el('thead', {}, el('tr', {}, ['time', 'service', 'kind', 'unit', 'status', 'duration', 'outcome', 'trace'].map((h) => el('th', {}, h)))),
      body),
  );
  const chart = lineChart(chartBox, {
    series: [
      { label: 'HTTP req/s', scale: 'rate', stroke: '#4c8dff' },
      { label: 'p50 ms', scale: 'ms', stroke: '#2fb380' },
      { label: 'p99 ms', scale: 'ms', stroke: '#e0734b' },
    ],
    axes: [{ scale: 'rate', label: 'req/s' }, { scale: 'ms', label: 'ms', side: 1 }],
  });

  filterBox.value = store.text;
  errorsOnly.checked = store.errorsOnly;
  function renderAll() {
    const rows = [];
    for (let i = store.events.length - 1; i >= 0 && rows.length < ROWS; i--) rows.push(row(store.events[i], go));
    body.replaceChildren(...rows);
    count.textContent = `${store.events.length} events`;
  }
  let pending = [];
  let frame = 0;
  function flush() {
    frame = 0;
    const rows = pending.reverse().map((event) => row(event, go));
    pending = [];
    body.prepend(...rows);
    while (body.querySelectorAll('tr.event').length > ROWS) body.lastChild.remove();
    count.textContent = `${store.events.length} events`;
  }
  function onChange(change) {
    if (change.status) {
      status.textContent = change.status;
      status.dataset.status = change.status;
    }
    if (change.reset) {
      filterBox.classList.remove('invalid');
      invalid.textContent = '';
      renderAll();
    }
    if (change.invalid) {
      filterBox.classList.add('invalid');
      invalid.textContent = change.invalid;
    }
    if (change.added) {
      pending.push(change.added);
      frame ||= requestAnimationFrame(flush);
    }
  }
  let typing = 0;
  const apply = () => setFilter(filterBox.value.trim(), errorsOnly.checked);
  filterBox.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(apply, 350);
  });
  errorsOnly.addEventListener('change', apply);
  store.listeners.add(onChange);
  onChange({ status: store.status, reset: true });
  const draw = () => chart.setData(series(store.events));
  draw();
  const timer = setInterval(draw, 1000);
  return () => {
    store.listeners.delete(onChange);
    clearInterval(timer);
    clearTimeout(typing);
    if (frame) cancelAnimationFrame(frame);
    chart.destroy();
  };
}

/** The newest traces in the buffer: [{ trace_id, count, name }] (name of their first event). */
export function recentTraces(limit) {
  const traces = new Map();
  for (let i = store.events.length - 1; i >= 0; i--) {
    const e = store.events[i];
    if (!e.trace_id) continue;
    const seen = traces.get(e.trace_id);
    if (seen) {
      seen.count++;
      seen.name = unitName(e);
    } else if (traces.size < limit) traces.set(e.trace_id, { trace_id: e.trace_id, count: 1, name: unitName(e) });
  }
  return [...traces.values()];
}
