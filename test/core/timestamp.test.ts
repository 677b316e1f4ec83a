import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTimestamp } from '../../src/core/timestamp.js';

describe('isoTimestamp', () => {
  it('writes exactly what Date#toISOString writes, across days, years and leap days', () => {
    const edges = [
      0,
      Date.UTC(2024, 1, 29, 23, 59, 59, 999),
      Date.UTC(2024, 2, 1),
      Date.UTC(2026, 11, 31, 23, 59, 59, 999),
      Date.UTC(2027, 0, 1),
      253_402_300_799_999,
    ];
    for (const ms of edges) expect(isoTimestamp(ms)).toBe(new Date(ms).toISOString());
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253_402_300_799_999 }), (ms) => {
        expect(isoTimestamp(ms)).toBe(new Date(ms).toISOString());
        // the next millisecond, and back: the cached prefix and last value must not leak
        expect(isoTimestamp(ms + 1)).toBe(new Date(ms + 1).toISOString());
        expect(isoTimestamp(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 20_000, seed: 20261206 },
    );
  });

  it('leaves times outside 0000–9999 and fractional times to Date', () => {
    for (const ms of [-1, -62_198_755_200_000, 253_402_300_800_000, 1.5]) {
      expect(isoTimestamp(ms)).toBe(new Date(ms).toISOString());
    }
  });
});
