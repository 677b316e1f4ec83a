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

  it('carries the trace of the unit in scope, else the one recorded on the event', async () => {
    const canon = createCanon({ service: 'test', sinks: [memorySink()], handleExit: false });
    const inUnit = await canon.run({}, async (unit) => {
      const event = createEvent(Placed, { n: 1 });
      return { event, traceparent: encodeEvent(event).headers.traceparent, unit };
    });
    expect(inUnit.traceparent).toBe(`00-${inUnit.unit.trace_id}-${inUnit.unit.span_id}-01`);
    expect(encodeEvent(inUnit.event).headers.traceparent).toBe(inUnit.traceparent);
    expect(encodeEvent(createEvent(Placed, { n: 1 })).headers.traceparent).toBeUndefined();
  });

  it('summarizes errors on one line, capped at 1 000 characters', () => {
    expect(errorSummary(new TypeError('bad\n  input'))).toBe('TypeError: bad input');
    expect(errorSummary('plain')).toMatch(/plain/);
    const long = errorSummary(new Error('x'.repeat(5_000)));
    expect(long).toHaveLength(1_000);
    expect(long.endsWith('…')).toBe(true);
  });
});
