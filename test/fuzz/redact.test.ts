/**
 * Property: whatever shape the data has — sensitive keys at any depth, in any letter case,
 * inside arrays, Error causes and toJSON results, values matching the built-in patterns —
 * no configured path's value and no pattern match appears in the emitted line, and the
 * caller's objects are exactly as they were (redaction works on a copy). The rules include
 * pino's bracket forms (`items[*].card`, `orders[0].card`, `headers["x-api-key"]`,
 * `['session.id']`); the data has dotted keys (`{ 'user.email': … }`, `{ 'meta.password': … }`,
 * `{ 'password.old': … }`) and secrets in keys, where the patterns apply too.
 *
 * Second property: any path written in pino's syntax — bare keys, `*`, `[*]`, `[n]`,
 * `["any key"]`, `['any key']` — hides the value placed at it (top level, or at any depth
 * behind `**.`), whatever the keys' letter case, with each strategy; what is beside the
 * path stays when the path has no wildcard.
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

/** A letter-case variation of `key` (ASCII letters only: `ß`.toUpperCase() is `SS`). */
const asciiCase = (key: string, mask: number) =>
  [...key].map((ch, i) => ((mask >> i % 30) & 1 && /[a-z]/.test(ch) ? ch.toUpperCase() : ch)).join('');

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
    case 'items': {
      const [count, mask, nested] = rest as [number, number, boolean];
      const list = Array.from({ length: count }, () => ({ [asciiCase('card', mask)]: marker(), note: 'kept' }));
      return { [asciiCase('items', mask)]: nested ? [list] : list };
    }
    case 'orders': {
      const [mask] = rest as [number];
      return { [asciiCase('orders', mask)]: [{ card: marker() }, { card: 'second is kept' }] };
    }
    case 'headers': {
      const [mask] = rest as [number];
      return { headers: { [asciiCase('x-api-key', mask)]: marker(), 'x-other': 'kept' } };
    }
    case 'session': {
      const [mask] = rest as [number];
      return { [asciiCase('session.id', mask)]: marker() };
    }
    case 'dotted': {
      // a key with dots is matched as the path it spells: meta.password, password.old, a.b.token
      const [key, mask, shape] = rest as [string, number, number];
      const spelled = shape === 0 ? `meta.${key}` : shape === 1 ? `${key}.old` : `a.b.${key}`;
      return { [asciiCase(spelled, mask)]: shape === 2 ? { inner: marker() } : marker(), beside: 'kept' };
    }
    case 'keyed': {
      // secrets in keys: the patterns rewrite keys too
      const [which, digits] = rest as [number, number[]];
      if (which === 3) {
        const card = luhn(digits);
        secrets.cards.push(card);
        return { [`card ${card}`]: 'value' };
      }
      const key = which === 0 ? `${marker()}@example.com` : which === 1 ? `Bearer ${marker()}abc` : `eyJ${marker()}.eyJzdWIiOiIxIn0.c2ln`;
      return { [key]: { nested: 'value' } };
    }
    default:
      return plan;
  }
}

/** What an event's top level gets: anchored rules (`user.email`, `items[*].card`) match only there. */
function topLevel(variant: number, mask: number, secrets: Secrets): Record<string, unknown> {
  const value = `S3CR3TTOP${secrets.markers.length}X`;
  secrets.markers.push(value);
  if (variant === 0) return { [asciiCase('user', mask)]: { [asciiCase('email', mask >> 4)]: value, id: 'u_1' } };
  if (variant === 1) return { [asciiCase('user.email', mask)]: value };
  if (variant === 2) return { [asciiCase('user.email.primary', mask)]: value }; // a rule ending part way covers it
  return { [asciiCase('items', mask)]: [{ [asciiCase('card', mask >> 5)]: value }, { card: value }] };
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
    fc.tuple(fc.constant('items'), fc.integer({ min: 1, max: 3 }), fc.nat(255), fc.boolean()),
    fc.tuple(fc.constant('orders'), fc.nat(255)),
    fc.tuple(fc.constant('headers'), fc.nat(511)),
    fc.tuple(fc.constant('session'), fc.nat(1023)),
    fc.tuple(fc.constant('dotted'), fc.constantFrom(...SENSITIVE), fc.nat(1023), fc.nat(2)),
    fc.tuple(fc.constant('keyed'), fc.nat(3), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 15, maxLength: 15 })),
    fc.tuple(fc.constant('obj'), ...[0, 1, 2].map(() => fc.tuple(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('a.b', 'x.', '.y', 'user.id')), tie('node')))),
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
        fields: [
          '**.password',
          { path: '**.token', strategy: 'remove' },
          { path: '**.api_key', strategy: 'hash' },
          '**.items[*].card',
          { path: '**.orders[0].card', strategy: 'remove' },
          { path: '**.headers["x-api-key"]', strategy: 'hash' },
          "**['session.id']",
          'user.email',
          { path: 'items[*].card', strategy: 'remove' },
        ],
        patterns: ['email', 'bearer', 'jwt', 'credit_card'],
      },
    });
    await fc.assert(
      fc.asyncProperty(fc.array(plan, { minLength: 1, maxLength: 4 }), fc.nat(3), fc.nat(1023), async (plans, variant, mask) => {
        const secrets: Secrets = { markers: [], cards: [] };
        const trees = plans.map((p) => build(['obj', ['data', p], ['secret', ['secret', 'password', 0, 0]]], secrets));
        const top = topLevel(variant, mask, secrets);
        const before = inspect([trees, top], { depth: Number.POSITIVE_INFINITY });
        lines.length = 0;
        await canon.run({ kind: 'job' }, async (unit) => {
          unit.enrich(top);
          unit.enrich({ first: trees[0] });
          unit.set('second', trees[1] ?? trees[0]);
          unit.markError(new Error(`failed ${build(['email'], secrets)}`, { cause: trees[0] }));
        });
        expect(lines).toHaveLength(1);
        const line = lines[0];
        expect(secrets.markers.filter((marker) => line.includes(marker))).toEqual([]);
        expect(secrets.cards.filter((card) => line.replaceAll(/[ -]/g, '').includes(card))).toEqual([]);
        expect(inspect([trees, top], { depth: Number.POSITIVE_INFINITY })).toBe(before);
      }),
      params(),
    );
  });
});

type Segment =
  | { kind: 'key'; key: string; quote?: '"' | "'" }
  | { kind: 'index'; index: number }
  | { kind: 'star'; bracket: boolean; array: boolean };

const bareKey = fc.string({ unit: fc.constantFrom(...'abcxyzAB019_-$'), minLength: 1, maxLength: 6 });
// any character but the quote: dots, brackets, spaces, a lone *, the other quote, non-ASCII
const quotedKey = fc.string({ unit: fc.constantFrom(...'abXY09.[]* -"\'éΩ_'), minLength: 1, maxLength: 8 });
const segment: fc.Arbitrary<Segment> = fc.oneof(
  bareKey.map((key) => ({ kind: 'key' as const, key })),
  fc.tuple(quotedKey, fc.constantFrom<'"' | "'">('"', "'")).filter(([key, quote]) => !key.includes(quote)).map(([key, quote]) => ({ kind: 'key' as const, key, quote })),
  fc.nat(3).map((index) => ({ kind: 'index' as const, index })),
  fc.record({ kind: fc.constant('star' as const), bracket: fc.boolean(), array: fc.boolean() }),
);
/** A path: 1 to 5 segments, the first a key or a star (an event's top level is an object). */
const pathSegments = fc
  .tuple(segment.filter((s) => s.kind !== 'index'), fc.array(segment, { maxLength: 4 }))
  .map(([first, rest]) => [first.kind === 'star' ? { ...first, array: false } : first, ...rest]);

/** The path as pino and Canon users write it. */
function writePath(segments: Segment[]): string {
  return segments
    .map((s, i) => {
      const dot = i === 0 ? '' : '.';
      if (s.kind === 'index') return `[${s.index}]`;
      if (s.kind === 'star') return s.bracket ? '[*]' : `${dot}*`;
      return s.quote ? `[${s.quote}${s.key}${s.quote}]` : `${dot}${s.key}`;
    })
    .join('');
}

/** The data with `secret` at `segments`, keys in another letter case, and kept siblings at each level. */
function placeAt(segments: Segment[], secret: string, mask: number, depth = 0): unknown {
  if (depth === segments.length) return secret;
  const s = segments[depth];
  const child = placeAt(segments, secret, mask >> 1, depth + 1);
  if (s.kind === 'index') return [...Array.from({ length: s.index }, () => 'filler'), child];
  if (s.kind === 'star') return s.array ? [child] : { anything: child };
  return { [asciiCase(s.key, mask)]: child, [`sibling${depth}`]: `KEPT${depth}` };
}

describe('any path in pino syntax hides what is at it', () => {
  it('anchored at the top level or behind **., with each strategy', { timeout: timeoutFor(5, 0.1) }, async () => {
    await fc.assert(
      fc.asyncProperty(pathSegments, fc.constantFrom('mask', 'remove', 'hash'), fc.boolean(), fc.nat(1023), async (segments, strategy, anywhere, mask) => {
        const written = writePath(segments);
        const path = anywhere ? `**${written.startsWith('[') ? '' : '.'}${written}` : written;
        const lines: string[] = [];
        const canon = createCanon({
          service: 'fuzz',
          sinks: [{ write: (line) => void lines.push(line) }],
          handleExit: false,
          redact: { salt: 'fuzz-salt', fields: [{ path, strategy: strategy as 'mask' }] },
        });
        const secret = 'S3CR3T-AT-PATH';
        const data = placeAt(segments, secret, mask) as Record<string, unknown>;
        await canon.run({ kind: 'job' }, async (unit) => {
          unit.enrich(anywhere ? { wrap: { deeper: data } } : data);
        });
        expect(lines).toHaveLength(1);
        expect({ path, leaked: lines[0].includes(secret) }).toEqual({ path, leaked: false });
        if (anywhere && !segments.some((s) => s.kind === 'star')) {
          // nothing but the path is touched: every sibling on the way is still there
          const kept = segments.flatMap((s, i) => (s.kind === 'key' ? [`KEPT${i}`] : []));
          expect({ path, missing: kept.filter((value) => !lines[0].includes(value)) }).toEqual({ path, missing: [] });
        }
      }),
      params(0.1),
    );
  });
});
