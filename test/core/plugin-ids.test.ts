import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { canonNode } from '../../src/frameworks/node/index.js';
import { listen } from '../helpers/http.js';
import { type CanonPlugin, createCanon, exportContext, memorySink, runWithContext } from '../../src/index.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';
const PARENT = '1111111111111111';

function canonWith(...plugins: CanonPlugin[]) {
  const sink = memorySink();
  return { sink, canon: createCanon({ sinks: [sink], handleExit: false, plugins }) };
}

/** A plugin whose `ids()` hook records the units it is shown and gives `answer`. */
function recordingIds(answer: ReturnType<NonNullable<CanonPlugin['ids']>>) {
  const seen: unknown[] = [];
  const plugin: CanonPlugin = {
    name: 'ids',
    ids: (unit) => {
      seen.push(unit);
      return answer;
    },
  };
  return { seen, plugin };
}

describe('plugin ids hook', () => {
  it('lets a plugin supply trace_id, span_id and parent_span_id, consistent on the handle', async () => {
    const { seen, plugin } = recordingIds({ traceId: TRACE, spanId: SPAN, parentSpanId: PARENT });
    const { sink, canon } = canonWith(plugin);
    const handle = await canon.run({ kind: 'job' }, (event) => event);
    expect(sink.events[0]).toMatchObject({ trace_id: TRACE, span_id: SPAN, parent_span_id: PARENT });
    expect([handle.trace_id, handle.span_id]).toEqual([TRACE, SPAN]);
    expect(seen[0]).toMatchObject({ kind: 'job' });
  });

  it('shows an HTTP unit to the hook with the adapter\'s fields: method, path, user agent', async () => {
    const { seen, plugin } = recordingIds(undefined);
    const { sink, canon } = canonWith(plugin);
    const server = await listen(http.createServer(canonNode(canon, (_req, res) => res.end('ok'))));
    try {
      await fetch(`${server.url}/health?probe=1`, { headers: { 'user-agent': 'probe/1' } }).then((res) => res.text());
    } finally {
      await server.close();
    }
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ kind: 'http', fields: { method: 'GET', path: '/health', user_agent: 'probe/1' } });
    expect(sink.events[0]).toMatchObject({ method: 'GET', path: '/health', user_agent: 'probe/1' });
  });

  it('replaces the parent too: ids without parentSpanId leave none', async () => {
    const { sink, canon } = canonWith({ name: 'ids', ids: () => ({ traceId: TRACE, spanId: SPAN }) });
    await canon.run({}, async () => {
      await canon.run({}, () => {}); // a child would otherwise get parent_span_id
    });
    expect(sink.events.map((e) => e.parent_span_id)).toEqual([undefined, undefined]);
  });

  it('ignores invalid ids and throwing plugins; the first valid answer wins', async () => {
    const { sink, canon } = canonWith(
      {
        name: 'throws',
        ids: () => {
          throw new Error('boom');
        },
      },
      { name: 'upper-case', ids: () => ({ traceId: TRACE.toUpperCase(), spanId: SPAN }) },
      { name: 'zeros', ids: () => ({ traceId: '0'.repeat(32), spanId: SPAN }) },
      { name: 'bad-parent', ids: () => ({ traceId: TRACE, spanId: SPAN, parentSpanId: 'x' }) },
      { name: 'none', ids: () => undefined },
      { name: 'good', ids: () => ({ traceId: TRACE, spanId: 'abcdefabcdefabcd' }) },
      { name: 'later', ids: () => ({ traceId: TRACE, spanId: SPAN }) },
    );
    await canon.run({}, () => {});
    expect(sink.events[0]).toMatchObject({ trace_id: TRACE, span_id: 'abcdefabcdefabcd' });
  });

  it('tracestate: a plugin’s own (normalized, invalid dropped), else the incoming one within the same trace only', async () => {
    const incoming = { request_id: 'r1', trace_id: TRACE, span_id: PARENT, tracestate: 'rojo=1' };
    const stateOf = async (plugin: CanonPlugin) => {
      const { canon } = canonWith(plugin);
      return runWithContext(incoming, () => canon.run({}, () => exportContext()?.tracestate));
    };
    expect(await stateOf({ name: 'own', ids: () => ({ traceId: TRACE, spanId: SPAN, traceState: 'a=1 , b=2' }) })).toBe('a=1,b=2');
    expect(await stateOf({ name: 'same-trace', ids: () => ({ traceId: TRACE, spanId: SPAN }) })).toBe('rojo=1');
    expect(await stateOf({ name: 'invalid', ids: () => ({ traceId: TRACE, spanId: SPAN, traceState: 'A=1' }) })).toBe('rojo=1');
    const other = 'abcdefabcdefabcdabcdefabcdefabcd';
    expect(await stateOf({ name: 'other-trace', ids: () => ({ traceId: other, spanId: SPAN }) })).toBeUndefined();
  });

  it('passes the handle to onFinalize along with the redacted copy', async () => {
    const calls: [unknown, unknown][] = [];
    const { canon } = canonWith({
      name: 'fin',
      onFinalize: (copy, unit) => calls.push([copy.span_id, unit]),
    });
    const handle = await canon.run({}, (event) => event);
    expect(calls).toEqual([[handle.span_id, handle]]);
  });

  it('refuses a plugin whose ids hook is not a function', () => {
    expect(() => createCanon({ plugins: [{ name: 'x', ids: 5 as never }], handleExit: false })).toThrow(
      /`plugins\[0\]\.ids`/,
    );
  });
});
