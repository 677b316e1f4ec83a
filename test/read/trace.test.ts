import { describe, expect, it } from 'vitest';
import { createCanon, memorySink } from '../../src/index.js';
import { type EventRecord, renderWaterfall, traceTree } from '../../src/read/index.js';

const T = 'a'.repeat(32);
const at = (ms: number) => new Date(Date.UTC(2026, 11, 1, 12) + ms).toISOString();
const span = (n: number) => n.toString(16).padStart(16, '0');

function event(n: number, start: number, duration: number, fields: EventRecord = {}): EventRecord {
  return { trace_id: T, span_id: span(n), timestamp: at(start), duration_ms: duration, service: 'svc', kind: 'http', method: 'GET', path: `/${n}`, outcome: 'success', ...fields };
}

describe('traceTree', () => {
  it('nests units run inside others (real canon.run children), ordered by start', async () => {
    const sink = memorySink();
    const canon = createCanon({ service: 'jobs', sinks: [sink], handleExit: false });
    await canon.run({ kind: 'job', job: { name: 'parent' } }, async () => {
      await canon.run({ kind: 'job', job: { name: 'first' } }, async () => {
        await canon.run({ kind: 'job', job: { name: 'grandchild' } }, async () => {});
      });
      await new Promise((resolve) => setTimeout(resolve, 5));
      await canon.run({ kind: 'job', job: { name: 'second' } }, async () => {});
    });
    const tree = traceTree(sink.events as EventRecord[], (sink.events[0] as EventRecord).trace_id as string);
    expect(tree.nodes.map((node) => [(node.event.job as EventRecord).name, node.depth])).toEqual([
      ['parent', 0],
      ['first', 1],
      ['grandchild', 2],
      ['second', 1],
    ]);
    expect(tree.nodes.every((node) => !node.missingParent)).toBe(true);
    expect(tree.services).toEqual(['jobs']);
  });

  it("joins a child to the outgoing call of its parent that carried it (external.calls[].span_id)", () => {
    const caller = event(1, 0, 100, { external: { call_count: 1, calls: [{ host: 'payments.internal', method: 'POST', status_code: 200, span_id: span(77) }] } });
    const callee = event(2, 10, 50, { service: 'payments', parent_span_id: span(77) });
    const tree = traceTree([callee, caller], T);
    expect(tree.nodes.map((node) => [node.event.span_id, node.depth, node.missingParent])).toEqual([
      [span(1), 0, false],
      [span(2), 1, false],
    ]);
    expect(tree.nodes[1].via).toEqual({ host: 'payments.internal', method: 'POST' });
  });

  it('joins units to the event that sent them: events_published[].span_id and webhook.span_id', () => {
    const request = event(1, 0, 100, { events_published: [{ type: 'order.placed', id: 'e1', span_id: span(10) }, { type: 'order.paid', id: 'e2' }] });
    const relay = event(2, 20, 5, { kind: 'outbox', parent_span_id: span(10), event: { id: 'e1' }, events_published: [{ type: 'order.placed', id: 'e1', span_id: span(20) }] });
    const delivery = event(3, 30, 5, { kind: 'message', parent_span_id: span(20) });
    const attempt = event(4, 40, 9, { kind: 'webhook', parent_span_id: span(10), webhook: { host: 'hooks.example.com', span_id: span(40) } });
    const receiver = event(5, 42, 5, { service: 'partner', parent_span_id: span(40) });
    const tree = traceTree([receiver, delivery, attempt, relay, request], T);
    expect(tree.nodes.map((node) => [node.event.span_id, node.depth, node.missingParent, node.via])).toEqual([
      [span(1), 0, false, undefined],
      [span(2), 1, false, undefined],
      [span(3), 2, false, undefined],
      [span(4), 1, false, undefined],
      [span(5), 2, false, { host: 'hooks.example.com', method: 'POST' }],
    ]);
    expect(renderWaterfall(tree, { width: 200 })).toContain('    partner http GET /5 (via POST hooks.example.com)');
  });

  it("prefers an event's own span id over a client span id that repeats it", () => {
    const parent = event(1, 0, 10, { events_published: [{ type: 'x', id: '1', span_id: span(2) }] });
    const child = event(2, 5, 1, { parent_span_id: span(1) });
    const grandchild = event(3, 6, 1, { parent_span_id: span(2) });
    const tree = traceTree([parent, child, grandchild], T);
    expect(tree.nodes.map((node) => [node.event.span_id, node.depth])).toEqual([
      [span(1), 0],
      [span(2), 1],
      [span(3), 2],
    ]);
  });

  it('shows events whose parent is missing at the root, marked, and survives duplicate spans and loops', () => {
    const orphan = event(3, 20, 5, { parent_span_id: span(999) });
    const loopA = event(4, 30, 1, { parent_span_id: span(5) });
    const loopB = event(5, 31, 1, { parent_span_id: span(4) });
    const duplicate = event(1, 40, 1);
    const tree = traceTree([event(1, 0, 100), orphan, loopA, loopB, duplicate, { trace_id: 'b'.repeat(32) }], T);
    expect(tree.nodes).toHaveLength(5);
    expect(tree.roots.map((node) => [node.event.span_id, node.missingParent])).toEqual([
      [span(1), false],
      [span(3), true],
      [span(1), false],
      [span(4), true],
    ]);
    expect(tree.end - tree.start).toBe(100);
  });
});

describe('renderWaterfall', () => {
  it('draws bars in proportion to the trace, indented by depth, and marks missing parents', () => {
    const tree = traceTree([event(1, 0, 1000), event(2, 500, 250, { parent_span_id: span(1) }), event(3, 750, 250, { parent_span_id: span(9) })], T);
    const lines = renderWaterfall(tree, { width: 80 }).split('\n');
    expect(lines[0]).toBe(`trace ${T} · 3 events · 1 service · 1.00s`);
    const bars = lines.slice(1).map((line) => /\|(.*)\|$/.exec(line)![1]);
    expect(bars.map((bar) => bar.length)).toEqual([32, 32, 32]);
    expect(bars[0]).toBe('█'.repeat(32));
    expect(bars[1]).toBe(`${' '.repeat(16)}${'█'.repeat(8)}${' '.repeat(8)}`);
    expect(bars[2]).toBe(`${' '.repeat(24)}${'█'.repeat(8)}`);
    expect(lines[2]).toMatch(/^ {2}svc http GET \/2 +250ms \|/);
    expect(lines[3]).toMatch(/^! svc http GET \/3 \(parent missing\) +250ms \|/);
    expect(lines.every((line) => line.length <= 80)).toBe(true);
  });
});
