// The Trace page: the waterfall of one trace (as `canon trace` prints it): every event
// of the trace across services and kinds, indented under its parent, in time order, a
// bar per span on one time axis; spans whose parent is missing sit at the root, marked.
import { recentTraces } from './live.js';
import { api, el, formatMs, formatTime, outcomeClass, problem, unitName } from './util.js';

function waterfall(trace) {
  const total = Math.max(trace.duration_ms, 0.001);
  return el('div', { class: 'waterfall' },
    el('div', { class: 'wf-head' },
      el('span', {}, `${trace.spans.length} spans · ${formatMs(trace.duration_ms)} · started ${formatTime(trace.start)}`)),
    trace.spans.map((span) => {
      const e = span.event;
      const cls = outcomeClass(e);
      const left = (span.offset_ms / total) * 100;
      const width = Math.max(0.4, (span.duration_ms / total) * 100);
      const row = el('div', { class: `span ${cls}`, 'data-span-id': e.span_id, 'data-depth': span.depth },
        el('div', { class: 'span-label', style: `padding-left:${span.depth * 16 + 4}px` },
          span.orphan ? el('span', { class: 'orphan', title: 'parent not found in these events' }, '⚠ ') : '',
          el('span', { class: `kind kind-${e.kind}` }, e.kind ?? ''), ' ',
          el('span', { class: 'svc' }, e.service ?? ''), ' ',
          el('span', { class: 'name' }, unitName(e)),
          e.status_code ? el('span', { class: `status ${cls}` }, ` ${e.status_code}`) : ''),
        el('div', { class: 'span-track' },
          el('div', { class: `span-bar ${cls}`, style: `left:${left}%;width:${Math.min(width, 100 - left)}%` }),
          el('span', { class: 'span-time', style: left + width > 80 ? `right:${100 - left}%` : `left:${left + width}%` }, formatMs(span.duration_ms))));
      row.addEventListener('click', () => {
        const open = row.nextSibling?.classList?.contains('detail');
        if (open) row.nextSibling.remove();
        else row.after(el('pre', { class: 'detail' }, JSON.stringify(e, null, 2)));
      });
      return row;
    }));
}

export function mount(view, { arg, go }) {
  const input = el('input', { type: 'search', class: 'filter mono', placeholder: 'trace id (32 hex)', value: arg ?? '', 'aria-label': 'trace id' });
  const out = el('div', { class: 'trace-out' });
  view.append(el('form', { class: 'toolbar', onsubmit: (e) => { e.preventDefault(); go('trace', input.value.trim()); } },
    input, el('button', { class: 'primary', type: 'submit' }, 'Show')), out);
  if (!arg) {
    const recent = recentTraces(20);
    out.append(
      el('p', { class: 'muted' }, 'Click a trace id on the Live page, or pick a recent trace:'),
      el('ul', { class: 'traces' }, recent.map((t) =>
        el('li', {}, el('a', { href: `#trace/${t.trace_id}`, class: 'mono' }, t.trace_id), ` ${t.count} events · ${t.name}`))),
    );
    return undefined;
  }
  out.append(el('p', { class: 'muted' }, 'loading…'));
  api(`api/trace?id=${encodeURIComponent(arg)}`)
    .then((trace) => out.replaceChildren(trace.spans.length ? waterfall(trace) : el('p', { class: 'muted' }, 'No events of this trace.')))
    .catch((error) => out.replaceChildren(problem(error)));
  return undefined;
}
