/**
 * pino / fast-redact path syntax (brackets, indexes, quoted keys), dotted keys in events,
 * and value patterns applied to keys.
 */
import { describe, expect, it } from 'vitest';
import { CanonOptionError, createCanon, memorySink, type RedactConfig } from '../../src/index.js';

async function redacted(redact: RedactConfig, fields: Record<string, unknown>) {
  const sink = memorySink();
  const canon = createCanon({ sinks: [sink], handleExit: false, redact });
  await canon.run({}, (event) => event.enrich(fields));
  return sink.events[0];
}

const items = () => [
  { card: '4242', sku: 'a' },
  { card: '5555', sku: 'b' },
];

describe('bracket paths', () => {
  it('[*] matches every item (and every key of an object), [0] only the first item', async () => {
    const event = await redacted(
      { fields: ['items[*].card', 'first[0].card', 'byId[*].card'] },
      { items: items(), first: items(), byId: { x: { card: '1', sku: 'x' } } },
    );
    expect(event.items).toEqual([
      { card: '[REDACTED]', sku: 'a' },
      { card: '[REDACTED]', sku: 'b' },
    ]);
    expect(event.first).toEqual([
      { card: '[REDACTED]', sku: 'a' },
      { card: '5555', sku: 'b' },
    ]);
    expect(event.byId).toEqual({ x: { card: '[REDACTED]', sku: 'x' } });
  });

  it('a path ending on [*] or [n] redacts the items themselves; remove leaves them out', async () => {
    const event = await redacted(
      { fields: ['tokens[*]', 'pins[1]', { path: 'gone[0]', strategy: 'remove' }] },
      { tokens: ['t1', 't2'], pins: ['1111', '2222', '3333'], gone: ['x', 'y'] },
    );
    expect(event.tokens).toEqual(['[REDACTED]', '[REDACTED]']);
    expect(event.pins).toEqual(['1111', '[REDACTED]', '3333']);
    expect(event.gone).toEqual(['y']);
  });

  it('quoted keys hold any character: dashes, dots, spaces, brackets, the other quote', async () => {
    const event = await redacted(
      {
        fields: [
          'headers["x-api-key"]',
          "headers['X-Other-Key']",
          'odd["a.b"]',
          'odd["with space"]',
          'odd["[x]"]',
          `odd["it's"]`,
          'odd[\'say "hi"\'].text',
        ],
      },
      {
        headers: { 'x-api-key': 'k1', 'x-other-key': 'k2', accept: '*/*' },
        odd: {
          'a.b': 1,
          a: { b: 'kept: the quoted rule names the key "a.b" only' },
          'with space': 2,
          '[x]': 3,
          "it's": 4,
          'say "hi"': { text: 5 },
        },
      },
    );
    expect(event.headers).toEqual({ 'x-api-key': '[REDACTED]', 'x-other-key': '[REDACTED]', accept: '*/*' });
    expect(event.odd).toEqual({
      'a.b': '[REDACTED]',
      a: { b: 'kept: the quoted rule names the key "a.b" only' },
      'with space': '[REDACTED]',
      '[x]': '[REDACTED]',
      "it's": '[REDACTED]',
      'say "hi"': { text: '[REDACTED]' },
    });
  });

  it('keeps *, **, case-insensitivity and array transparency alongside brackets', async () => {
    const event = await redacted(
      { fields: ['**["Pass-Word"]', 'list.card', '*[*].pin', 'A["B"].c'] },
      {
        'pass-word': 1,
        deep: { x: [{ 'PASS-WORD': 2 }] },
        list: [[{ card: '4242' }]],
        wallet: { cards: [{ pin: '1234' }] },
        a: { b: { C: 'secret' } },
      },
    );
    expect(event['pass-word']).toBe('[REDACTED]');
    expect(event.deep).toEqual({ x: [{ 'PASS-WORD': '[REDACTED]' }] });
    expect(event.list).toEqual([[{ card: '[REDACTED]' }]]);
    expect(event.wallet).toEqual({ cards: [{ pin: '[REDACTED]' }] });
    expect(event.a).toEqual({ b: { C: '[REDACTED]' } });
  });

  it.each([
    ['items[*.card', /unclosed \[/],
    ['items[*]].card', /unexpected "\]"/],
    ['items].card', /quotes and brackets belong in/],
    ['headers["x-api-key]', /unclosed "/],
    [`headers['x-api-key"]`, /unclosed '/],
    ['headers["x"y"]', /expected \] after the quoted key/],
    ['headers[""]', /empty key/],
    ['items[]', /\[\] is not \[\*\]/],
    ['items[-1]', /\[-1\] is not/],
    ['items[01]', /\[01\] is not/],
    ['items[card]', /\[card\] is not .*\["card"\]/],
    ['items[ 0 ]', /\[ 0 \] is not/],
    ['a..b', /empty key/],
    ['.a', /empty key/],
    ['a.', /empty key/],
    ['a.[0]', /empty key/],
    ['a. b', /surrounding spaces/],
    ["a.'b'", /quotes and brackets belong in/],
    ['pass*', /\* stands alone/],
    ['["a"]b', /unexpected "b"/],
    ['', /non-empty strings/],
  ])('refuses %j at createCanon, naming redact.fields and showing the accepted forms', (path, why) => {
    let error: unknown;
    try {
      createCanon({ sinks: [], handleExit: false, redact: { fields: [path] } });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CanonOptionError);
    expect((error as CanonOptionError).option).toBe('redact.fields');
    expect((error as Error).message).toMatch(why);
    expect((error as Error).message).toContain(`items[*].card, items[0].card, headers["x-api-key"]`);
  });
});

describe('dotted keys and keys matched by patterns', () => {
  it('a literal dotted key is matched by the path it spells', async () => {
    const event = await redacted(
      { fields: ['user.email', '**.password', 'card'] },
      { 'user.email': 'ada@example.com', 'auth.Password': 'pw', 'card.number': '4242', 'user.name': 'Ada' },
    );
    expect(event).toMatchObject({
      'user.email': '[REDACTED]',
      'auth.Password': '[REDACTED]',
      'card.number': '[REDACTED]', // `card` covers everything below it
      'user.name': 'Ada',
    });
  });

  it('value patterns replace the matched part of keys, numbering keys that scrub alike', async () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk';
    const event = await redacted(
      { patterns: ['email', 'credit_card', 'jwt', /sk_live_\w+/] },
      {
        byEmail: { 'ada@example.com': 1, 'bob@example.com': 2, 'mail:eve@example.com': 3 },
        cards: { '4242 4242 4242 4242': 'visa' },
        sessions: new Map([[jwt, 'active']]),
        keys: { sk_live_abc: true },
        plain: { id: 1 },
      },
    );
    expect(event.byEmail).toEqual({ '[REDACTED]': 1, '[REDACTED] (2)': 2, 'mail:[REDACTED]': 3 });
    expect(event.cards).toEqual({ '[REDACTED]': 'visa' });
    expect(event.sessions).toEqual({ '[REDACTED]': 'active' });
    expect(event.keys).toEqual({ '[REDACTED]': true });
    expect(event.plain).toEqual({ id: 1 });
    expect(JSON.stringify(event)).not.toMatch(/example\.com|4242|eyJ|sk_live/);
  });

  it('path rules still see the original key when a pattern rewrites it', async () => {
    const event = await redacted(
      { fields: [{ path: 'byEmail.*', strategy: 'remove' }, 'notes["ada@example.com"]'], patterns: ['email'] },
      { byEmail: { 'ada@example.com': 1 }, notes: { 'ada@example.com': 'vip', other: 'x' } },
    );
    expect(event.byEmail).toEqual({});
    expect(event.notes).toEqual({ '[REDACTED]': '[REDACTED]', other: 'x' });
  });
});
