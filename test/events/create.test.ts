import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type CanonError, createEvent, createEventAsync, defineEvent } from '../../src/events/index.js';
import { createCanon, memorySink } from '../../src/index.js';

const UUIDV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const OrderPlaced = defineEvent('order.placed', {
  version: 2,
  schema: z.object({
    order_id: z.string(),
    items: z.array(z.object({ sku: z.string(), qty: z.number().int().positive() })),
    note: z.string().default(''),
  }),
});

function thrown(fn: () => unknown): CanonError {
  try {
    fn();
  } catch (err) {
    return err as CanonError;
  }
  throw new Error('expected a throw');
}

describe('createEvent', () => {
  it('builds the envelope: UUIDv7 id, type, version, ISO timestamp, source, correlation, data from the schema output', () => {
    const event = createEvent(OrderPlaced, { order_id: 'o_1', items: [{ sku: 'A', qty: 1 }] });
    expect(event.id).toMatch(UUIDV7);
    expect(event).toMatchObject({ type: 'order.placed', version: 2, causation_id: null, metadata: {} });
    expect(new Date(event.timestamp).toISOString()).toBe(event.timestamp);
    expect(event.correlation_id).toBe(event.id); // a root event outside any request
    expect(event.data).toEqual({ order_id: 'o_1', items: [{ sku: 'A', qty: 1 }], note: '' });
    expect(typeof event.source).toBe('string');
  });

  it('ids increase with creation order', () => {
    const ids = Array.from({ length: 50 }, () => createEvent(OrderPlaced, { order_id: 'o', items: [] }).id);
    expect([...ids].sort()).toEqual(ids);
  });

  it('throws CANON_INVALID_EVENT listing every issue path (zod)', () => {
    const err = thrown(() =>
      createEvent(OrderPlaced, { order_id: 1, items: [{ sku: 'A', qty: 0 }] } as never),
    );
    expect(err.code).toBe('CANON_INVALID_EVENT');
    expect(err.message).toContain('order.placed v2');
    expect(err.message).toContain('order_id:');
    expect(err.message).toContain('items.0.qty:');
    expect((err.details!.issues as { path: string }[]).map((i) => i.path)).toEqual([
      'order_id',
      'items.0.qty',
    ]);
  });

  it('works with valibot schemas too', () => {
    const Signed = defineEvent('user.signed_up', {
      schema: v.object({ email: v.pipe(v.string(), v.email()) }),
    });
    expect(createEvent(Signed, { email: 'a@b.co' }).data).toEqual({ email: 'a@b.co' });
    expect(() => createEvent(Signed, { email: 'nope' })).toThrow(/email:/);
  });

  it('refuses an async schema in the sync call and accepts it in createEventAsync', async () => {
    const taken = new Set(['a@b.co']);
    const Registered = defineEvent('user.registered', {
      schema: z.object({ email: z.string().refine(async (email) => !taken.has(email), 'email taken') }),
    });
    const err = thrown(() => createEvent(Registered, { email: 'x@y.z' }));
    expect(err.code).toBe('CANON_ASYNC_SCHEMA');
    expect(err.message).toMatch(/createEventAsync/);
    expect((await createEventAsync(Registered, { email: 'x@y.z' })).data).toEqual({ email: 'x@y.z' });
    await expect(createEventAsync(Registered, { email: 'a@b.co' })).rejects.toThrow(/email: email taken/);
  });

  it('lets opts set correlation, causation, source and metadata; causedBy chains events', () => {
    const root = createEvent(
      OrderPlaced,
      { order_id: 'o', items: [] },
      { correlation_id: 'corr-1', source: 'shop' },
    );
    expect(root).toMatchObject({ correlation_id: 'corr-1', source: 'shop' });
    const next = createEvent(
      defineEvent('payment.captured'),
      { ok: true },
      { causedBy: root, metadata: { tenant: 't1' } },
    );
    expect(next).toMatchObject({
      causation_id: root.id,
      correlation_id: 'corr-1',
      metadata: { tenant: 't1' },
    });
    expect(() => createEvent(OrderPlaced, { order_id: 'o', items: [] }, { source: '' })).toThrow(/`source`/);
    expect(() => createEvent({ type: 'x' } as never, {})).toThrow(/defineEvent/);
  });
});

describe('createEvent inside a wide-event scope', () => {
  it('defaults correlation to the request id and metadata to its trace, and lists events_published', async () => {
    const sink = memorySink();
    const canon = createCanon({ service: 'checkout', sinks: [sink], handleExit: false });
    let ids: string[] = [];
    let spans: string[] = [];
    await canon.run({ kind: 'job' }, (unit) => {
      const a = createEvent(OrderPlaced, { order_id: 'o', items: [] });
      const b = createEvent(OrderPlaced, { order_id: 'p', items: [] }, { correlation_id: 'mine' });
      expect(a.correlation_id).toBe(unit.request_id);
      expect(b.correlation_id).toBe('mine');
      expect(a.metadata).toEqual({ trace_id: unit.trace_id, span_id: expect.stringMatching(/^[0-9a-f]{16}$/) });
      expect(a.metadata.span_id).not.toBe(unit.span_id);
      expect(b.metadata.span_id).not.toBe(a.metadata.span_id);
      expect(a.source).toBe('checkout');
      ids = [a.id, b.id];
      spans = [a.metadata.span_id!, b.metadata.span_id!];
    });
    // each event's creation is a span of its own, listed with it: what continues the
    // event (relay, webhook, consumer) names it as parent_span_id
    expect(sink.events[0].events_published).toEqual(
      ids.map((id, i) => ({ type: 'order.placed', id, span_id: spans[i] })),
    );
  });

  it('caps events_published and counts the rest; an unlisted event names the unit’s own span', async () => {
    const sink = memorySink();
    const canon = createCanon({ sinks: [sink], handleExit: false });
    const made = await canon.run({}, () =>
      Array.from({ length: 60 }, (_, i) => createEvent(OrderPlaced, { order_id: String(i), items: [] })),
    );
    expect(sink.events[0].events_published).toHaveLength(50);
    expect(sink.events[0].events_published_truncated).toBe(10);
    expect(made[49].metadata.span_id).toBe(sink.events[0].events_published[49].span_id);
    expect(made[50].metadata.span_id).toBe(sink.events[0].span_id);
  });

  it('keeps a trace the caller put in metadata, and lists the event without a span of its own', async () => {
    const sink = memorySink();
    const canon = createCanon({ sinks: [sink], handleExit: false });
    const metadata = { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7' };
    const event = await canon.run({}, () => createEvent(OrderPlaced, { order_id: 'o', items: [] }, { metadata }));
    expect(event.metadata).toEqual(metadata);
    expect(sink.events[0].events_published).toEqual([{ type: 'order.placed', id: event.id }]);
  });

  it('inside a unit that handles an event, keeps its correlation and makes it the cause', async () => {
    const canon = createCanon({ sinks: [memorySink()], handleExit: false });
    await canon.run(
      { kind: 'message', correlation_id: 'flow-7', event: { id: 'evt-1', type: 'order.placed' } },
      () => {
        const next = createEvent(defineEvent('stock.reserved'), {});
        expect(next).toMatchObject({ correlation_id: 'flow-7', causation_id: 'evt-1' });
      },
    );
  });
});
