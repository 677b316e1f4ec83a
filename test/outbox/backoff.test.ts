import { describe, expect, it } from 'vitest';
import { backoffDelay, resolveBackoff } from '../../src/outbox/queue/backoff.js';
import { parseTableName } from '../../src/outbox/store/table-name.js';

describe('backoffDelay (exponential, equal jitter)', () => {
  const options = { baseMs: 1_000, maxMs: 60_000 };

  it('doubles per attempt, between half and all of the nominal delay', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, options, () => 0))).toEqual([500, 1_000, 2_000, 4_000]);
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, options, () => 1))).toEqual([1_000, 2_000, 4_000, 8_000]);
  });

  it('never exceeds maxMs, however many attempts', () => {
    expect(backoffDelay(7, options, () => 1)).toBe(60_000);
    expect(backoffDelay(1_000, options, () => 1)).toBe(60_000);
    expect(backoffDelay(1_000, options, () => 0)).toBe(30_000);
  });

  it('spreads retries: many draws are not all equal', () => {
    const draws = new Set(Array.from({ length: 50 }, () => backoffDelay(3, options)));
    expect(draws.size).toBeGreaterThan(10);
    for (const delay of draws) expect(delay).toBeGreaterThanOrEqual(2_000);
  });

  it('validates its options, naming them', () => {
    expect(resolveBackoff(undefined)).toEqual({ baseMs: 1_000, maxMs: 60_000 });
    expect(resolveBackoff({ baseMs: 200 })).toEqual({ baseMs: 200, maxMs: 60_000 });
    expect(resolveBackoff({ baseMs: 120_000 })).toEqual({ baseMs: 120_000, maxMs: 120_000 });
    expect(() => resolveBackoff({ baseMs: -1 })).toThrow(/`backoff.baseMs`/);
    expect(() => resolveBackoff({ baseMs: 10, maxMs: 1 })).toThrow(/`backoff.maxMs`/);
    expect(() => resolveBackoff({ base: 10 })).toThrow(/`backoff.base`/);
    expect(() => resolveBackoff(5)).toThrow(/`backoff`/);
  });
});

describe('parseTableName', () => {
  it('quotes the name and derives a channel and lock key', () => {
    const t = parseTableName('app.outbox');
    expect(t).toMatchObject({
      text: 'app.outbox',
      schema: 'app',
      name: 'outbox',
      sql: '"app"."outbox"',
      channel: 'canon_app_outbox',
    });
    expect(t.object('claim_idx')).toBe('"outbox_claim_idx"');
    expect(parseTableName('outbox').sql).toBe('"outbox"');
    expect(parseTableName('a.outbox').lockKey).not.toBe(parseTableName('b.outbox').lockKey);
  });

  it('names the option in its error', () => {
    expect(() => parseTableName('x;y', 'deliveries.table')).toThrow(
      /invalid option `deliveries.table`.*"x;y"/,
    );
  });
});
