import { describe, expect, it } from 'vitest';
import { newSpanId, newTraceId, uuidv7 } from '../../src/core/ids.js';
import { resolveRequestId } from '../../src/http/request-id.js';
import { formatTraceparent, parseTraceparent } from '../../src/http/traceparent.js';

describe('ids', () => {
  it('makes RFC 9562 UUIDv7s carrying the current time, strictly increasing', () => {
    const before = Date.now();
    const ids = Array.from({ length: 10_000 }, () => uuidv7());
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    const ms = Number.parseInt(ids[0].replace('-', '').slice(0, 12), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(Date.now() + 5);
  });

  it('makes non-zero lowercase trace and span ids of W3C length', () => {
    for (let i = 0; i < 1000; i++) {
      expect(newTraceId()).toMatch(/^(?!0+$)[0-9a-f]{32}$/);
      expect(newSpanId()).toMatch(/^(?!0+$)[0-9a-f]{16}$/);
    }
  });

  it('keeps every id whole when a request makes them one after another (they share one scratch buffer)', () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const [requestId, traceId, spanId, eventId] = [uuidv7(), newTraceId(), newSpanId(), uuidv7()];
      expect(requestId).toMatch(uuid);
      expect(eventId).toMatch(uuid);
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(spanId).toMatch(/^[0-9a-f]{16}$/);
      for (const id of [requestId, traceId, spanId, eventId]) seen.add(id);
    }
    expect(seen.size).toBe(8000);
  });

  it('spreads random digits over every position of a trace id (every hex digit turns up at each)', () => {
    const digits = Array.from({ length: 32 }, () => new Set<string>());
    for (let i = 0; i < 2000; i++) [...newTraceId()].forEach((digit, at) => digits[at].add(digit));
    for (const atPosition of digits) expect([...atPosition].sort().join('')).toBe('0123456789abcdef');
  });
});

describe('traceparent', () => {
  it('round-trips and accepts future versions with extra fields', () => {
    const header = formatTraceparent('4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7');
    expect(parseTraceparent(header)).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      parentSpanId: '00f067aa0ba902b7',
      flags: '01',
    });
    expect(parseTraceparent(`01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-extra`)?.flags).toBe(
      '00',
    );
  });

  it.each([
    '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra',
    '00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01',
    '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g',
    '00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01',
    'zz-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  ])('rejects %s', (header) => {
    expect(parseTraceparent(header)).toBeUndefined();
  });
});

describe('request ids', () => {
  it('accepts 1–128 safe characters and replaces anything else', () => {
    expect(resolveRequestId('a')).toBe('a');
    expect(resolveRequestId('x'.repeat(128))).toBe('x'.repeat(128));
    expect(resolveRequestId('x'.repeat(129))).not.toBe('x'.repeat(129));
    expect(resolveRequestId(['a', 'b'])).toMatch(/^[0-9a-f-]{36}$/);
    expect(resolveRequestId('')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
