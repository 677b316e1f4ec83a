import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorSummary, encodeEvent } from '../../src/consumer/wire.js';
import { createEvent, defineEvent } from '../../src/events/index.js';
import { createCanon, memorySink } from '../../src/index.js';

const Placed = defineEvent('order.placed', { schema: z.object({ n: z.number() }) });

describe('wire format', () => {
  it('encodes the envelope as JSON with CloudEvents-style headers', () => {
    const event = createEvent(Placed, { n: 1 }, { source: 'shop eu' });
    const { body, headers } = encodeEvent(event);
    expect(JSON.parse(body)).toEqual(event);
    expect(headers).toEqual({
      'content-type': 'application/json',
      'ce-specversion': '1.0',
      'ce-id': event.id,
      'ce-type': 'order.placed',
      'ce-source': 'shop%20eu',
      'ce-time': event.timestamp,
    });
  });

  it('carries the trace of the unit in scope (the send’s own span, listed in events_published), else the one recorded on the event', async () => {
    const canon = createCanon({ service: 'test', sinks: [memorySink()], handleExit: false });
    const inUnit = await canon.run({}, async (unit) => {
      const event = createEvent(Placed, { n: 1 });
      const foreign = { ...createEvent(Placed, { n: 2 }), id: 'made-elsewhere' };
      return {
        event,
        traceparent: encodeEvent(event).headers.traceparent,
        again: encodeEvent(event).headers.traceparent,
        foreign: encodeEvent(foreign).headers.traceparent,
        unit,
        listed: unit.get('events_published') as { id: string; span_id: string }[],
      };
    });
    const created = inUnit.listed.find((item) => item.id === inUnit.event.id)!;
    // an event created in this unit is sent under its creation span: one span per event
    expect(created.span_id).toBe(inUnit.event.metadata.span_id);
    expect(created.span_id).not.toBe(inUnit.unit.span_id);
    expect(inUnit.traceparent).toBe(`00-${inUnit.unit.trace_id}-${created.span_id}-01`);
    expect(inUnit.again).toBe(inUnit.traceparent);
    // an event sent but not created here is listed now, under a span of its own
    const sent = inUnit.listed.find((item) => item.id === 'made-elsewhere')!;
    expect(sent.span_id).toMatch(/^[0-9a-f]{16}$/);
    expect(inUnit.foreign).toBe(`00-${inUnit.unit.trace_id}-${sent.span_id}-01`);
    expect(encodeEvent(inUnit.event).headers.traceparent).toBe(inUnit.traceparent);
    expect(encodeEvent(createEvent(Placed, { n: 1 })).headers.traceparent).toBeUndefined();
  });

  it('sends the trace’s tracestate next to traceparent, never alone', async () => {
    const canon = createCanon({ service: 'test', sinks: [memorySink()], handleExit: false });
    const unit = canon.startUnit({
      kind: 'job',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      parentSpanId: '00f067aa0ba902b7',
      traceState: 'rojo=00f067aa0ba902b7',
    });
    const { storage } = await import('../../src/core/context.js');
    const event = storage.run(unit, () => createEvent(Placed, { n: 1 }));
    expect(event.metadata.tracestate).toBe('rojo=00f067aa0ba902b7');
    expect(storage.run(unit, () => encodeEvent(event, 'compact').headers)).toMatchObject({
      traceparent: expect.stringMatching(/^00-4bf92f3577b34da6a3ce929d0e0e4736-/),
      tracestate: 'rojo=00f067aa0ba902b7',
    });
    // outside the unit: from the event's metadata
    expect(encodeEvent(event).headers.tracestate).toBe('rojo=00f067aa0ba902b7');
    const orphan = { ...event, metadata: { tracestate: 'rojo=00f067aa0ba902b7' } };
    expect(encodeEvent(orphan).headers).not.toHaveProperty('tracestate');
    const invalid = { ...event, metadata: { ...event.metadata, tracestate: 'Rojo=1' } };
    expect(encodeEvent(invalid).headers).not.toHaveProperty('tracestate');
    unit.end();
  });

  it('summarizes errors on one line, capped at 1 000 characters', () => {
    expect(errorSummary(new TypeError('bad\n  input'))).toBe('TypeError: bad input');
    expect(errorSummary('plain')).toMatch(/plain/);
    const long = errorSummary(new Error('x'.repeat(5_000)));
    expect(long).toHaveLength(1_000);
    expect(long.endsWith('…')).toBe(true);
  });
});
