/**
 * Property: whatever shape the data has — sensitive keys at any depth, in any letter case,
 * inside arrays, Error causes and toJSON results, values matching the built-in patterns —
 * no configured path's value and no pattern match appears in the emitted line, and the
 * caller's objects are exactly as they were (redaction works on a copy).
 */
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCanon, type Sink } from '../../src/index.js';
import { luhnValid } from '../../src/redact/patterns.js';
import { params, timeoutFor } from './settings.js';

const SENSITIVE = ['password', 'token', 'api_key'];
const caseOf = (key: string, mask: number) =>
  [...key].map((ch, i) => ((mask >> i) & 1 ? ch.toUpperCase() : ch)).join('');

/** A card number that passes the Luhn check (16 digits from 15 random ones). */
function luhn(digits: number[]): string {
  const body = [4, ...digits.slice(1, 15)];
  const sum = body
    .slice()
    .reverse()
    .reduce((acc, d, i) => acc + (i % 2 === 0 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d), 0);
  return `${body.join('')}${(10 - (sum % 10)) % 10}`;
}

interface Secrets {
  markers: string[];
  cards: string[];
}

/** Builds a tree from the generated plan, recording every secret it hides. */
function build(plan: unknown, secrets: Secrets, n = { i: 0 }): unknown {
  const marker = () => {
    const value = `S3CR3T${n.i++}X`;
    secrets.markers.push(value);
    return value;
  };
  if (!Array.isArray(plan)) return plan;
  const [kind, ...rest] = plan as [string, ...unknown[]];
  switch (kind) {
    case 'obj': {
      const out: Record<string, unknown> = {};
      for (const [key, child] of rest as [string, unknown][]) out[key] = build(child, secrets, n);
      return out;
    }
    case 'arr':
      return rest.map((child) => build(child, secrets, n));
    case 'secret': {
      const [key, mask, wrap] = rest as [string, number, number];
      const value = wrap === 0 ? marker() : wrap === 1 ? { inner: marker(), list: [marker()] } : [marker(), 7];
      return { [caseOf(key, mask)]: value, beside: 'kept' };
    }
    case 'email':
      return `write to ${marker()}@example.com today`;
    case 'bearer':
      return `Bearer ${marker()}abc.def`;
    case 'jwt':
      return `token=eyJ${marker()}.eyJzdWIiOiIxIn0.c2ln`;
    case 'card': {
      const card = luhn(rest as number[]);
      if (!luhnValid(card)) throw new Error(`the generator made an invalid card ${card}`);
      secrets.cards.push(card);
      return `card ${card.replace(/(\d{4})(?=\d)/g, '$1 ')} ok`;
    }
    case 'error': {
      const [child] = rest;
      const inner = new Error(`inner ${build(['email'], secrets, n)}`, { cause: build(child, secrets, n) });
      return new Error(`outer ${build(['bearer'], secrets, n)}`, { cause: inner });
    }
    case 'toJSON': {
      const [child] = rest;
      const shown = build(child, secrets, n);
      return { toJSON: () => shown, hidden: 'not serialized' };
    }
    default:
      return plan;
  }
}

const plan: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean(), fc.constant(null)),
    fc.tuple(fc.constant('secret'), fc.constantFrom(...SENSITIVE), fc.nat(255), fc.nat(2)),
    fc.constant(['email']),
    fc.constant(['bearer']),
    fc.constant(['jwt']),
    fc.tuple(fc.constant('card'), ...Array.from({ length: 15 }, () => fc.integer({ min: 0, max: 9 }))),
    fc.tuple(fc.constant('obj'), ...[0, 1, 2].map(() => fc.tuple(fc.string({ maxLength: 6 }).filter((k) => !k.includes('.')), tie('node')))),
    fc.tuple(fc.constant('arr'), tie('node'), tie('node')),
    fc.tuple(fc.constant('error'), tie('node')),
    fc.tuple(fc.constant('toJSON'), tie('node')),
  ),
})).node;

describe('redaction never leaks and never touches the caller’s objects', () => {
  it('paths (mask, remove, hash) and patterns over arbitrary shapes', { timeout: timeoutFor(3) }, async () => {
    const lines: string[] = [];
    const sink: Sink = { write: (line) => void lines.push(line) };
    const canon = createCanon({
      service: 'fuzz',
      sinks: [sink],
      handleExit: false,
      redact: {
        salt: 'fuzz-salt',
        fields: ['**.password', { path: '**.token', strategy: 'remove' }, { path: '**.api_key', strategy: 'hash' }],
        patterns: ['email', 'bearer', 'jwt', 'credit_card'],
      },
    });
    await fc.assert(
      fc.asyncProperty(fc.array(plan, { minLength: 1, maxLength: 4 }), async (plans) => {
        const secrets: Secrets = { markers: [], cards: [] };
        const trees = plans.map((p) => build(['obj', ['data', p], ['secret', ['secret', 'password', 0, 0]]], secrets));
        const before = inspect(trees, { depth: Number.POSITIVE_INFINITY });
        lines.length = 0;
        await canon.run({ kind: 'job' }, async (unit) => {
          unit.enrich({ first: trees[0] });
          unit.set('second', trees[1] ?? trees[0]);
          unit.markError(new Error(`failed ${build(['email'], secrets)}`, { cause: trees[0] }));
        });
        expect(lines).toHaveLength(1);
        const line = lines[0];
        expect(secrets.markers.filter((marker) => line.includes(marker))).toEqual([]);
        expect(secrets.cards.filter((card) => line.replaceAll(/[ -]/g, '').includes(card))).toEqual([]);
        expect(inspect(trees, { depth: Number.POSITIVE_INFINITY })).toBe(before);
      }),
      params(),
    );
  });
});
