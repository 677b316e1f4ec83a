/**
 * The audit chain hashes RFC 8785 canonical JSON (JCS), so any language's JCS library
 * recomputes the same hash. Checked against the RFC's own examples (section 3.2.2 and
 * 3.2.3), whichever `canonicalize` release is installed.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { auditHash, canonicalRecord } from '../../src/audit/hash.js';

describe('RFC 8785 canonical JSON of audit records', () => {
  it('serializes numbers, strings and literals as the RFC example does (3.2.2)', () => {
    const input = JSON.parse(
      String.raw`{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"string":"\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/","literals":[null,true,false]}`,
    );
    expect(canonicalRecord(input).text).toBe(
      String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`,
    );
  });

  it('sorts keys by UTF-16 code units, as the RFC example does (3.2.3)', () => {
    const input = JSON.parse(
      String.raw`{"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}`,
    );
    const order = [...canonicalRecord(input).text.matchAll(/"([^"]*)":"([^"]*)"/g)].map((match) => match[2]);
    expect(order).toEqual([
      'Carriage Return',
      'One',
      'Control',
      'Latin Small Letter O With Diaeresis',
      'Euro Sign',
      'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ]);
  });

  it('hashes the canonical text, whatever the key order of the record', () => {
    const record = { kind: 'audit', action: 'user.delete', audit: { seq: 1, chain: 'c', prev: null } };
    const reordered = { audit: { prev: null, chain: 'c', seq: 1 }, action: 'user.delete', kind: 'audit' };
    const text = '{"action":"user.delete","audit":{"chain":"c","prev":null,"seq":1},"kind":"audit"}';
    expect(auditHash(record)).toBe(`sha256:${createHash('sha256').update(text).digest('hex')}`);
    expect(auditHash(reordered)).toBe(auditHash(record));
  });

  it('replaces what RFC 8785 refuses (NaN, lone surrogates) instead of failing', () => {
    const { record, text } = canonicalRecord({ n: Number.NaN, s: 'a\ud800b' });
    expect(text).toBe('{"n":null,"s":"a\ufffdb"}');
    expect(record).toEqual({ n: null, s: 'a\ufffdb' });
  });
});
