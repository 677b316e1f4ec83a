/**
 * Property: the snapshot copies an event's top level the same whichever path takes it —
 * the fast path (a spread clone of the event's own `{}` object, then only the values that
 * need more rewritten) or the general walk (key by key, what a null-prototype root always
 * gets). Same keys in the same order, same values, same redaction, cuts and markers, for
 * any values (hostile ones included), keys (`__proto__`, `toJSON`, indexes, dotted keys),
 * limits and redaction rules; and the copy never shares an object with the live event.
 */
import { inspect, isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Limits, snapshot } from '../../src/core/snapshot.js';
import { createRedactor } from '../../src/redact/index.js';
import { params, timeoutFor } from './settings.js';
import { anyValue } from './values.js';

const REDACTORS = [
  undefined,
  createRedactor({ fields: ['password', 'token'] }),
  createRedactor({ fields: ['**.password', { path: 'token', strategy: 'remove' }] }),
  createRedactor({ fields: [{ path: 'user', strategy: 'hash' }, '*.email', 'user.email'], salt: 's' }),
  createRedactor({ fields: ['**'] }),
  createRedactor({ fields: ['["user.email"]', 'items[0].card', '0'] }),
  createRedactor({ fields: ['password'], patterns: ['email'] }),
];

const key = fc.oneof(
  fc.constantFrom('kind', 'route', 'user', 'password', 'Password', 'token', 'email', 'user.email', 'items'),
  fc.constantFrom('__proto__', 'toJSON', 'constructor', '0', '7', '…', ''),
  fc.string({ maxLength: 8 }),
);

const value = fc.oneof(
  anyValue,
  fc.constantFrom(undefined, 'me@example.com', 'x'.repeat(40), { password: 'p', email: 'me@example.com' }),
);

const limits: fc.Arbitrary<Limits> = fc.record({
  depth: fc.integer({ min: 1, max: 5 }),
  stringLength: fc.integer({ min: 1, max: 64 }),
  arrayLength: fc.integer({ min: 1, max: 5 }),
  keys: fc.integer({ min: 1, max: 12 }),
});

/** The same own enumerable data properties, in the same order, on `proto`'s object. */
function root(entries: [string, unknown][], proto: object | null): Record<string, unknown> {
  const out = Object.create(proto) as Record<string, unknown>;
  for (const [name, item] of entries) {
    Object.defineProperty(out, name, { value: item, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Every object reachable from `value` (own enumerable string keys, arrays). */
function objectsIn(value: unknown, found = new Set<object>()): Set<object> {
  if (value === null || typeof value !== 'object' || found.has(value)) return found;
  found.add(value);
  for (const item of Object.values(value)) objectsIn(item, found);
  return found;
}

describe("the snapshot's top level", () => {
  it('is copied the same by the fast path and the general walk', { timeout: timeoutFor(1) }, () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(key, value), { maxLength: 14 }),
        limits,
        fc.integer({ min: 0, max: REDACTORS.length - 1 }),
        (entries, cut, r) => {
          const redactor = REDACTORS[r];
          const live = root(entries, Object.prototype);
          const fast = snapshot(live, cut, false, redactor);
          const walked = snapshot(root(entries, null), cut, false, redactor);
          expect(Reflect.ownKeys(fast)).toEqual(Reflect.ownKeys(walked));
          // isDeepStrictEqual, not toStrictEqual: a `constructor` key is data here, not a type
          if (!isDeepStrictEqual(fast, walked)) expect(inspect(fast, { depth: null })).toBe(inspect(walked, { depth: null }));
          const shared = objectsIn(live);
          for (const copied of objectsIn(fast)) expect(shared.has(copied)).toBe(false);
        },
      ),
      params(),
    );
  });
});
