import { describe, expect, it } from 'vitest';
import { defineEvent, eventCatalog } from '../../src/events/index.js';
import { buildFlows, type EventRecord, flowsMermaid } from '../../src/read/index.js';

const events: EventRecord[] = [
  { kind: 'job', service: 'billing', job: { name: 'invoice-run' }, outcome: 'success', events_published: [{ type: 'invoice.sent', id: '1' }, { type: 'invoice.sent', id: '2' }] },
  { kind: 'message', service: 'billing', outcome: 'success', event: { type: 'order.placed' }, message: { consumer: 'orders/billing' }, events_published: [{ type: 'invoice.sent', id: '3' }] },
  { kind: 'http', service: 'shop', method: 'POST', path: '/orders/9', route: '/orders/:id', outcome: 'error', events_published: [{ type: 'order.placed', id: '4' }] },
  { kind: 'webhook', service: 'shop', outcome: 'error', event: { type: 'order.placed' }, webhook: { endpoint_id: 'ep_"1"', host: 'hooks.example.com' } },
  { kind: 'webhook', service: 'shop', outcome: 'success', event: { type: 'order.placed' }, webhook: { endpoint_id: 'ep_"1"', host: 'hooks.example.com' } },
  { kind: 'http', service: 'shop', method: 'GET', path: '/health', outcome: 'success' },
];

describe('buildFlows', () => {
  it('names producers by route, job or consumer, counts each edge and its failures', () => {
    const map = buildFlows(events);
    expect(map.events).toBe(6);
    expect(map.types.map((flow) => flow.type)).toEqual(['invoice.sent', 'order.placed']);
    expect(map.types[0].producers).toEqual([
      { name: 'job invoice-run', service: 'billing', kind: 'job', count: 2, errors: 0 },
      { name: 'orders/billing', service: 'billing', kind: 'message', count: 1, errors: 0 },
    ]);
    expect(map.types[1]).toMatchObject({
      producers: [{ name: 'POST /orders/:id', count: 1, errors: 1 }],
      consumers: [{ name: 'orders/billing', count: 1, errors: 0 }],
      webhooks: [{ name: 'ep_"1"', detail: 'hooks.example.com', count: 2, errors: 1 }],
    });
  });

  it('counts the outbox relay as a relay only, though it lists the event it sends on in events_published', () => {
    const map = buildFlows([
      { kind: 'http', service: 'shop', method: 'POST', route: '/orders', outcome: 'success', events_published: [{ type: 'order.placed', id: 'e1', span_id: 'a' }] },
      { kind: 'outbox', service: 'shop', outcome: 'success', event: { id: 'e1', type: 'order.placed' }, outbox: { topic: 'orders' }, events_published: [{ type: 'order.placed', id: 'e1', span_id: 'b' }] },
      // a consumer that handles one event and creates another is that one's producer
      { kind: 'message', service: 'billing', outcome: 'success', event: { id: 'e1', type: 'order.placed' }, message: { consumer: 'orders/billing' }, events_published: [{ type: 'order.placed', id: 'e1' }, { type: 'invoice.sent', id: 'e2' }] },
    ]);
    expect(map.types.map((flow) => [flow.type, flow.producers.map((edge) => `${edge.kind} ${edge.name}`), flow.relays.map((edge) => edge.name)])).toEqual([
      ['invoice.sent', ['message orders/billing'], []],
      ['order.placed', ['http POST /orders'], ['orders']],
    ]);
  });

  it('escapes labels for Mermaid and chains types through the units that consume one and produce another', () => {
    const chart = flowsMermaid(buildFlows(events));
    expect(chart).toContain('{{"webhook ep_#quot;1#quot; (hooks.example.com)<br/>shop"}}');
    expect(chart).toContain('-->|"2 · 50% err"|');
    const consumer = /(n\d+)\[\["consumer orders\/billing<br\/>billing"\]\]/.exec(chart)![1];
    expect(chart.match(/consumer orders\/billing/g)).toHaveLength(1); // one node for both roles
    const [invoice, placed] = ['invoice.sent', 'order.placed'].map((type) => new RegExp(`(n\\d+)\\(\\["${type}"\\]\\)`).exec(chart)![1]);
    expect(chart).toContain(`  ${placed} -->|"1"| ${consumer}\n`);
    expect(chart).toContain(`  ${consumer} -->|"1"| ${invoice}\n`);
  });
});

describe('eventCatalog(defs, { flows })', () => {
  it('adds the flow diagram, each type its observed producers and consumers, and lists types seen but not defined', () => {
    const md = eventCatalog([defineEvent('order.placed'), defineEvent('user.created')], { flows: buildFlows(events) });
    expect(md).toContain('## Event Flow Diagram\n\nObserved in 6 events.\n\n```mermaid\nflowchart LR\n');
    const placed = md.slice(md.indexOf('## order.placed'), md.indexOf('## user.created'));
    expect(placed).toContain('**Producers & consumers (observed)**:');
    expect(placed).toContain('| producer | POST /orders/:id | shop | 1 | 1 | 100% |');
    expect(placed).toContain('| webhook | ep_"1" (hooks.example.com) | shop | 2 | 1 | 50% |');
    const created = md.slice(md.indexOf('## user.created'), md.indexOf('## Observed but not defined'));
    expect(created).not.toContain('observed');
    expect(md).toContain('## Observed but not defined\n\n### invoice.sent\n\n| role |');
  });

  it('refuses flows that are not a flow map', () => {
    expect(() => eventCatalog([], { flows: { types: 'x' } as never })).toThrow(/invalid option `flows`: expected the flow map/);
  });
});
