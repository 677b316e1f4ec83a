/**
 * Property: the SSRF guard gives an IPv4 address and every IPv6 form that carries it the
 * same verdict — IPv4-mapped (`::ffff:127.0.0.1`, `::ffff:7f00:1`), IPv4-translated
 * (`::ffff:0:127.0.0.1`), NAT64 (`64:ff9b::7f00:1`) and 6to4 (`2002:7f00:1::`), each
 * spelled every way an attacker may write it (dotted or hex tail, `::` or all eight groups,
 * leading zeros, upper case) — through `blockedReason`, through a webhook URL (`checkUrl`,
 * after the URL parser's normalisation) and through the connect-time lookup
 * (`guardedLookup`, which resolves a literal without DNS). Addresses are drawn from every
 * blocked range and from anywhere.
 */
import type { LookupAddress } from 'node:dns';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CanonError, ErrorCodes } from '../../src/core/errors.js';
import { guardedLookup } from '../../src/webhooks/guarded-lookup.js';
import { blockedReason, checkUrl } from '../../src/webhooks/ssrf.js';
import { params, timeoutFor } from './settings.js';

/** The IPv4 ranges the guard blocks, as [first octets, prefix length]. */
const BLOCKED_V4: [number[], number][] = [
  [[127], 8],
  [[10], 8],
  [[172, 16], 12],
  [[192, 168], 16],
  [[100, 64], 10],
  [[169, 254], 16],
  [[0], 8],
  [[192, 0, 0], 24],
  [[192, 88, 99], 24],
  [[198, 18], 15],
  [[240], 4],
  [[192, 0, 2], 24],
  [[198, 51, 100], 24],
  [[203, 0, 113], 24],
  [[224], 4],
];

/** An address inside `range`: its network bits, random host bits. */
const inRange = ([octets, prefix]: [number[], number]) =>
  fc.array(fc.nat(255), { minLength: 4, maxLength: 4 }).map((random) => {
    const network = [...octets, 0, 0, 0, 0].slice(0, 4);
    const n = (network[0] << 24) | (network[1] << 16) | (network[2] << 8) | network[3];
    const r = (random[0] << 24) | (random[1] << 16) | (random[2] << 8) | random[3];
    const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
    const value = ((n & mask) | (r & ~mask)) >>> 0;
    return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255];
  });

const toNumber = (octets: number[]) => ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;

/** True when `v4` is in one of {@link BLOCKED_V4}: the guard must refuse it, however written. */
const inBlockedRange = (v4: number[]) =>
  BLOCKED_V4.some(([octets, prefix]) => toNumber(v4) >>> (32 - prefix) === toNumber([...octets, 0, 0, 0, 0].slice(0, 4)) >>> (32 - prefix));

const ipv4: fc.Arbitrary<number[]> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...BLOCKED_V4).chain(inRange) },
  { weight: 2, arbitrary: fc.array(fc.nat(255), { minLength: 4, maxLength: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom<number[]>([127, 0, 0, 1], [169, 254, 169, 254], [0, 0, 0, 0], [255, 255, 255, 255], [8, 8, 8, 8]) },
);

type Embedding = 'mapped' | 'translated' | 'nat64' | '6to4';

/** How an IPv6 address is written. */
interface Spelling {
  dottedTail: boolean;
  compress: boolean;
  leadingZeros: boolean;
  upper: boolean;
}

const spelling: fc.Arbitrary<Spelling> = fc.record({
  dottedTail: fc.boolean(),
  compress: fc.boolean(),
  leadingZeros: fc.boolean(),
  upper: fc.boolean(),
});

/** The eight groups of `v4` inside `embedding` (6to4 with random subnet and interface bits). */
function groups(v4: number[], embedding: Embedding, rest: number[]): number[] {
  const high = (v4[0] << 8) | v4[1];
  const low = (v4[2] << 8) | v4[3];
  if (embedding === 'mapped') return [0, 0, 0, 0, 0, 0xffff, high, low];
  if (embedding === 'translated') return [0, 0, 0, 0, 0xffff, 0, high, low];
  if (embedding === 'nat64') return [0x64, 0xff9b, 0, 0, 0, 0, high, low];
  return [0x2002, high, low, ...rest.slice(0, 5)];
}

/**
 * `all` written as `spell` says: the last two groups as a dotted quad (not for 6to4), the
 * longest run of zero groups (even one) as `::`, groups zero-padded, upper case.
 */
function write(all: number[], v4: number[], embedding: Embedding, spell: Spelling): string {
  const dotted = spell.dottedTail && embedding !== '6to4';
  const groupsWritten = dotted ? all.slice(0, 6) : all;
  const pieces = groupsWritten.map((g) => (spell.leadingZeros ? g.toString(16).padStart(4, '0') : g.toString(16)));
  const tail = dotted ? [v4.join('.')] : [];
  let text = [...pieces, ...tail].join(':');
  if (spell.compress) {
    let best = { at: 0, length: 0 };
    for (let i = 0; i < groupsWritten.length; i++) {
      let j = i;
      while (j < groupsWritten.length && groupsWritten[j] === 0) j++;
      if (j - i > best.length) best = { at: i, length: j - i };
    }
    if (best.length > 0) {
      const before = pieces.slice(0, best.at);
      const after = [...pieces.slice(best.at + best.length), ...tail];
      text = `${before.join(':')}::${after.join(':')}`;
    }
  }
  return spell.upper ? text.toUpperCase() : text;
}

const embedded = fc.record({
  v4: ipv4,
  embedding: fc.constantFrom<Embedding>('mapped', 'translated', 'nat64', '6to4'),
  spell: spelling,
  rest: fc.array(fc.nat(0xffff), { minLength: 5, maxLength: 5 }),
});

/** Runs the connect-time lookup on `host` (a literal: no DNS) and returns its refusal. */
function lookupRefusal(host: string): Promise<unknown> {
  return new Promise((resolve) => {
    guardedLookup(host, { all: true }, (error, addresses) => {
      if (!error) expect((addresses as LookupAddress[]).length).toBeGreaterThan(0);
      resolve(error ?? undefined);
    });
  });
}

describe('the SSRF guard on IPv4 addresses inside IPv6 ones', () => {
  it('gives each IPv6 form of an IPv4 address the verdict of the address itself', { timeout: timeoutFor(0.5, 0.2) }, async () => {
    await fc.assert(
      fc.asyncProperty(embedded, async ({ v4, embedding, spell, rest }) => {
        const address = write(groups(v4, embedding, rest), v4, embedding, spell);
        const expected = blockedReason(v4.join('.'));
        expect({ v4: v4.join('.'), blocked: expected !== undefined }).toEqual({ v4: v4.join('.'), blocked: inBlockedRange(v4) });
        expect({ address, reason: blockedReason(address) }).toEqual({ address, reason: expected });

        const url = new URL(`http://[${address}]:8080/hooks`);
        let refused: unknown;
        try {
          checkUrl(url, false);
        } catch (error) {
          refused = error;
        }
        if (expected === undefined) expect(refused).toBeUndefined();
        else expect(refused).toMatchObject({ code: ErrorCodes.WEBHOOK_SSRF_BLOCKED, retriable: false });
        expect(() => checkUrl(url, true)).not.toThrow(); // allowPrivateNetworks lets it through

        const atConnect = await lookupRefusal(address);
        if (expected === undefined) expect(atConnect).toBeUndefined();
        else {
          expect(atConnect).toBeInstanceOf(CanonError);
          expect((atConnect as CanonError).message).toContain(expected);
        }
      }),
      params(0.2),
    );
  });
});
