import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type CanonError, createEvent, defineEvent, type EventEnvelope } from '../../src/events/index.js';

describe('defineEvent', () => {
  it('accepts <entity>.<past-tense-verb> types and defaults version to 1', () => {
    expect(defineEvent('order.placed').version).toBe(1);
    expect(defineEvent('billing.invoice.payment_failed', { version: 3 }).type).toBe(
      'billing.invoice.payment_failed',
    );
  });

  it.each([
    'OrderPlaced',
    'order',
    'Order.placed',
    'order..placed',
    'order.placed.',
    'order-placed',
    '1order.placed',
    '',
  ])('refuses the type %j with a TypeError naming it', (type) => {
    expect(() => defineEvent(type)).toThrow(TypeError);
    expect(() => defineEvent(type)).toThrow(JSON.stringify(type));
    expect(() => defineEvent(type)).toThrow(/<entity>\.<past-tense-verb>/);
  });

  it('refuses bad versions, schemas and upcasters, naming the option', () => {
    expect(() => defineEvent('order.placed', { version: 0 })).toThrow(/`version`/);
    expect(() => defineEvent('order.placed', { version: 1.5 })).toThrow(/`version`/);
    expect(() => defineEvent('order.placed', { schema: { parse() {} } as never })).toThrow(/`schema`/);
    expect(() => defineEvent('order.placed', { version: 2, upcast: { 2: (d) => d } })).toThrow(/`upcast\.2`/);
    expect(() => defineEvent('order.placed', { version: 2, upcast: { 1: 'x' as never } })).toThrow(
      /`upcast\.1`/,
    );
    for (const key of ['1.0', '01', '1e0', ' 1']) {
      expect(() => defineEvent('order.placed', { version: 2, upcast: { [key]: (d: unknown) => d } })).toThrow(
        expect.objectContaining({
          code: 'CANON_INVALID_OPTION',
          message: expect.stringContaining(`upcast.${key}`),
        }),
      );
    }
  });
});

const V1 = defineEvent('order.placed', {
  version: 1,
  schema: z.object({ order_id: z.string(), total: z.number() }),
});
const V3 = defineEvent('order.placed', {
  version: 3,
  schema: z.object({ order_id: z.string(), total_cents: z.number().int(), currency: z.string() }),
  upcast: {
    1: (v1: { order_id: string; total: number }) => ({
      order_id: v1.order_id,
      total_cents: Math.round(v1.total * 100),
    }),
    2: (v2: { order_id: string; total_cents: number }) => ({ ...v2, currency: 'EUR' }),
  },
});

describe('def.read (versioning)', () => {
  it('upcasts an old envelope step by step to the current version and validates it', () => {
    const old = createEvent(V1, { order_id: 'o_1', total: 12.5 });
    const read = V3.read(old);
    expect(read).toMatchObject({
      id: old.id,
      version: 3,
      data: { order_id: 'o_1', total_cents: 1250, currency: 'EUR' },
    });
    expect(old.version).toBe(1); // the input is not mutated
    expect(old.data).toEqual({ order_id: 'o_1', total: 12.5 });
  });

  it('returns a current envelope as it is (validated)', () => {
    const current = createEvent(V3, { order_id: 'o_2', total_cents: 1, currency: 'USD' });
    expect(V3.read(current).data).toEqual(current.data);
  });

  it('refuses a newer version than it knows, clearly', () => {
    const future = { ...createEvent(V3, { order_id: 'o', total_cents: 1, currency: 'EUR' }), version: 4 };
    expect(() => V3.read(future)).toThrow(/version 4, newer than the known version 3/);
    try {
      V3.read(future);
    } catch (err) {
      expect((err as CanonError).code).toBe('CANON_EVENT_VERSION');
    }
  });

  it('refuses a version no upcaster covers, and an envelope of another type', () => {
    const gap = defineEvent('order.placed', { version: 2 });
    expect(() => gap.read(createEvent(V1, { order_id: 'o', total: 1 }))).toThrow(/no upcaster from v1 to v2/);
    const other = createEvent(defineEvent('order.shipped'), {});
    expect(() => V3.read(other as EventEnvelope)).toThrow(
      /cannot read a order.shipped event as order.placed/,
    );
  });

  it('reports invalid upcast data with the issue paths', () => {
    const broken = { ...createEvent(V1, { order_id: 'o', total: 1 }), data: { order_id: 5, total: 1 } };
    expect(() => V3.read(broken)).toThrow(/order_id/);
  });

  it('is() recognizes envelopes of its type', () => {
    expect(V3.is(createEvent(V1, { order_id: 'o', total: 1 }))).toBe(true);
    expect(V3.is({ type: 'order.shipped', id: 'x' })).toBe(false);
    expect(V3.is(null)).toBe(false);
  });
});
