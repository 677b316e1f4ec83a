// The operations pages: Outbox, Webhooks and Dead letters. State counts, the rows that
// failed for good with their last error, and redrive buttons. Each page refreshes every
// 2 s while it is shown, and at once after a redrive.
import { api, el, formatMs, formatTime, problem, show, stats } from './util.js';

const REFRESH_MS = 2000;

function errorText(error) {
  if (error === null || error === undefined) return '';
  if (typeof error === 'string') return error;
  return [error.type, error.message].filter(Boolean).join(': ') || JSON.stringify(error);
}

/** Runs `render(data)` on `path` now and every REFRESH_MS; returns [unmount, refresh]. */
function poll(view, path, render) {
  const body = el('div');
  const note = el('p', { class: 'note muted', role: 'status' });
  view.append(note, body);
  let timer = 0;
  let stopped = false;
  async function refresh() {
    clearTimeout(timer);
    try {
      body.replaceChildren(render(await api(path), refresh, note));
    } catch (error) {
      body.replaceChildren(problem(error));
    }
    if (!stopped) timer = setTimeout(refresh, REFRESH_MS);
  }
  refresh();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

function redriveButton(label, path, body, refresh, note) {
  const button = el('button', { class: 'redrive' }, label);
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const { redriven } = await api(path, body);
      note.textContent = `${redriven} redriven`;
    } catch (error) {
      note.textContent = error.message;
    }
    await refresh();
  });
  return button;
}

function rowsTable(columns, rows, cells) {
  if (rows.length === 0) return el('p', { class: 'muted empty' }, 'None.');
  return el('table', {},
    el('thead', {}, el('tr', {}, columns.map((c) => el('th', {}, c)))),
    el('tbody', {}, rows.map((row) => el('tr', { 'data-id': row.id ?? row.event_id ?? '' }, cells(row).map((cell) => el('td', {}, show(cell)))))));
}

function unavailable(view, what) {
  view.append(el('p', { class: 'muted' }, `This console was created without \`${what}\`: pass createConsole({ ${what} }) or --database.`));
  return undefined;
}

export function mountOutbox(view, { info }) {
  if (!info.pages?.outbox) return unavailable(view, 'outbox');
  return poll(view, 'api/outbox', (data, refresh, note) => el('div', {},
    el('h2', {}, 'Outbox ', el('span', { class: 'muted' }, data.table)),
    stats(data.stats),
    el('h3', {}, 'Dead events ', data.dead.length ? redriveButton('Redrive all', 'api/outbox/redrive', {}, refresh, note) : ''),
    rowsTable(['id', 'type', 'key', 'attempts', 'last error', 'enqueued', ''], data.dead, (row) => [
      row.id, row.type, row.key, row.attempts, errorText(row.last_error), formatTime(row.created_at),
      redriveButton('Redrive', 'api/outbox/redrive', { ids: [row.id] }, refresh, note),
    ]),
  ));
}

export function mountWebhooks(view, { info }) {
  if (!info.pages?.webhooks) return unavailable(view, 'webhooks');
  return poll(view, 'api/webhooks', (data, refresh, note) => el('div', {},
    el('h2', {}, 'Webhooks'),
    stats(data.stats),
    el('h3', {}, 'Endpoints'),
    rowsTable(['id', 'url', 'events', 'enabled', 'disabled because'], data.endpoints, (e) => [e.id, e.url, e.events.join(', '), e.enabled ? 'yes' : 'no', e.disabled_reason]),
    el('h3', {}, 'Failed deliveries ', data.failed.length ? redriveButton('Redrive all', 'api/webhooks/redrive', {}, refresh, note) : ''),
    rowsTable(['event', 'type', 'endpoint', 'attempts', 'status', 'last error', 'at', ''], data.failed, (a) => [
      a.event_id, a.event_type, a.endpoint_id, a.attempt, a.response_status, a.error, formatTime(a.created_at),
      redriveButton('Redrive', 'api/webhooks/redrive', { endpointId: a.endpoint_id, eventId: a.event_id }, refresh, note),
    ]),
    el('h3', {}, 'Recent attempts'),
    rowsTable(['event', 'type', 'endpoint', 'attempt', 'result', 'status', 'duration', 'at'], data.recent, (a) => [
      a.event_id, a.event_type, a.endpoint_id, a.attempt, el('span', { class: `result ${a.status}` }, a.status), a.response_status, formatMs(a.duration_ms), formatTime(a.created_at),
    ]),
  ));
}

export function mountDeadLetters(view) {
  return poll(view, 'api/dead-letters', (data, refresh, note) => {
    const byConsumer = new Map();
    for (const letter of data.letters) byConsumer.set(`${letter.source}/${letter.consumer}`, (byConsumer.get(`${letter.source}/${letter.consumer}`) ?? 0) + 1);
    return el('div', {},
      el('h2', {}, 'Dead letters'),
      el('p', { class: 'muted' }, 'Messages the consumers gave up on, from the recent wide events.'),
      stats(Object.fromEntries([['dead_letters', data.letters.length], ...byConsumer])),
      el('h3', {}, 'Consumers'),
      rowsTable(['source', 'consumer', 'dead letters', ''], data.consumers, (c) => [
        c.source, c.consumer, byConsumer.get(`${c.source}/${c.consumer}`) ?? 0,
        redriveButton('Redrive', 'api/dead-letters/redrive', { source: c.source, consumer: c.consumer }, refresh, note),
      ]),
      el('h3', {}, 'Letters'),
      rowsTable(['at', 'source', 'consumer', 'subject', 'event', 'attempts', 'error', 'trace'], data.letters, (l) => [
        formatTime(l.timestamp), l.source, l.consumer, l.subject, l.event_type, l.attempts, l.error,
        l.trace_id ? el('a', { href: `#trace/${l.trace_id}`, class: 'mono' }, `${l.trace_id.slice(0, 12)}…`) : '',
      ]),
    );
  });
}
