import { describe, expect, it } from 'vitest';
import type { RedactConfig } from '../../src/index.js';
import { createCanon, memorySink } from '../../src/index.js';
import { luhnValid } from '../../src/redact/patterns.js';

async function redacted(redact: RedactConfig, fields: Record<string, unknown>) {
  const sink = memorySink();
  const canon = createCanon({ sinks: [sink], handleExit: false, redact });
  await canon.run({}, (event) => event.enrich(fields));
  return sink.events[0];
}

describe('redaction paths', () => {
  it('masks nested, array and glob paths, case-insensitively', async () => {
    const event = await redacted(
      { fields: ['user.email', 'items.card', '*.token', '**.password', 'HEADERS.Authorization'] },
      {
        user: { Email: 'ada@example.com', name: 'Ada' },
        items: [
          { card: '4242', sku: 'a' },
          { card: '5555', sku: 'b' },
        ],
        session: { token: 't1', kept: 1 },
        api: { token: 't2' },
        password: 'top-level',
        deep: { a: { b: { PassWord: 'nested' } }, list: [{ password: 'in array' }] },
        headers: { authorization: 'Basic x', accept: '*/*' },
      },
    );
    expect(event.user).toEqual({ Email: '[REDACTED]', name: 'Ada' });
    expect(event.items).toEqual([
      { card: '[REDACTED]', sku: 'a' },
      { card: '[REDACTED]', sku: 'b' },
    ]);
    expect(event.session).toEqual({ token: '[REDACTED]', kept: 1 });
    expect(event.api).toEqual({ token: '[REDACTED]' });
    expect(event.password).toBe('[REDACTED]');
    expect(event.deep).toEqual({ a: { b: { PassWord: '[REDACTED]' } }, list: [{ password: '[REDACTED]' }] });
    expect(event.headers).toEqual({ authorization: '[REDACTED]', accept: '*/*' });
  });

  it('masks a whole subtree when the path ends on an object', async () => {
    const event = await redacted({ fields: ['card'] }, { card: { number: '4242', cvc: '123' } });
    expect(event.card).toBe('[REDACTED]');
  });

  it('removes keys with the remove strategy and mixes strategies per path', async () => {
    const event = await redacted(
      { strategy: 'remove', fields: ['user.email', { path: 'user.name', strategy: 'mask' }] },
      { user: { email: 'a@b.co', name: 'Ada', id: 1 } },
    );
    expect(event.user).toEqual({ name: '[REDACTED]', id: 1 });
  });

  it('hashes stably with the salt (same input, same hash; salt changes it)', async () => {
    const config = { strategy: 'hash' as const, salt: 'pepper', fields: ['user.email', 'user.ids'] };
    const a = await redacted(config, { user: { email: 'ada@example.com', ids: [1, 2] } });
    const b = await redacted(config, { user: { email: 'ada@example.com', ids: [1, 2] } });
    const c = await redacted(
      { ...config, salt: 'other' },
      { user: { email: 'ada@example.com', ids: [1, 2] } },
    );
    expect(a.user.email).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(a.user.email).toBe(b.user.email);
    expect(a.user.ids).toBe(b.user.ids);
    expect(a.user.email).not.toBe(c.user.email);
    expect(a.user.ids).not.toBe(a.user.email);
  });

  it('hashes the original value even when a pattern would rewrite it', async () => {
    const config = { strategy: 'hash' as const, salt: 's', fields: ['user.email'], patterns: ['email' as const] };
    const a = await redacted(config, { user: { email: 'ada@example.com' }, note: 'bob@example.com' });
    const b = await redacted(config, { user: { email: 'bob@example.com' } });
    expect(a.user.email).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(a.user.email).not.toBe(b.user.email);
    expect(a.note).toBe('[REDACTED]');
  });

  it('never touches the live event the handler holds', async () => {
    const sink = memorySink();
    const canon = createCanon({
      sinks: [sink],
      handleExit: false,
      redact: { fields: ['user.email', '**.password'], patterns: ['email'] },
    });
    const user = { email: 'ada@example.com', password: 'pw', note: 'mail ada@example.com' };
    let live: unknown;
    await canon.run({}, (event) => {
      event.enrich({ user });
      live = event;
    });
    expect(sink.events[0].user).toEqual({
      email: '[REDACTED]',
      password: '[REDACTED]',
      note: 'mail [REDACTED]',
    });
    expect((live as { get(p: string): unknown }).get('user')).toEqual({
      email: 'ada@example.com',
      password: 'pw',
      note: 'mail ada@example.com',
    });
    expect(user.email).toBe('ada@example.com');
  });

  it('does nothing when disabled', async () => {
    const event = await redacted({ enabled: false, fields: ['a'] }, { a: 'visible' });
    expect(event.a).toBe('visible');
  });
});

describe('redaction patterns', () => {
  it('replaces e-mails, bearer tokens and JWTs inside any string', async () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk';
    const event = await redacted(
      { patterns: ['email', 'bearer', 'jwt'] },
      {
        note: 'contact ada.lovelace+x@mail.example.co.uk today',
        auth: { header: 'Bearer abc.def-123_XYZ==' },
        list: [`token ${jwt} end`],
        clean: 'nothing here',
      },
    );
    expect(event.note).toBe('contact [REDACTED] today');
    expect(event.auth.header).toBe('[REDACTED]');
    expect(event.list[0]).toBe('token [REDACTED] end');
    expect(event.clean).toBe('nothing here');
  });

  it('scans long strings in linear time: a 400 KB value without an @ does not stall the event loop', { timeout: 5_000 }, async () => {
    // quadratic scanning would take minutes here; linear takes milliseconds
    // (strings are cut at limits.stringLength, 16 KiB by default, before the patterns run;
    // a quadratic scan of 16 KiB already costs ~150 ms per string)
    const long = `ada@example.com ${'x'.repeat(200_000)} ${'ab.c-d+'.repeat(30_000)}`;
    const sink = memorySink();
    const canon = createCanon({
      sinks: [sink],
      handleExit: false,
      limits: { stringLength: 500_000 },
      redact: { patterns: ['email', 'credit_card', 'bearer', 'jwt'] },
    });
    await canon.run({}, (event) => event.set('ua', long));
    expect(sink.events[0].ua).toBe(long.replace('ada@example.com', '[REDACTED]'));
  });

  it('redacts only Luhn-valid card numbers', async () => {
    const event = await redacted(
      { patterns: ['credit_card'] },
      {
        a: 'card 4242 4242 4242 4242 ok',
        b: 'card 4242-4242-4242-4241 bad checksum',
        c: '5555555555554444',
        d: 'order 12345',
      },
    );
    expect(event.a).toBe('card [REDACTED] ok');
    expect(event.b).toBe('card 4242-4242-4242-4241 bad checksum');
    expect(event.c).toBe('[REDACTED]');
    expect(event.d).toBe('order 12345');
    expect(luhnValid('4242424242424242')).toBe(true);
    expect(luhnValid('4242424242424241')).toBe(false);
  });

  it('applies RegExps (with or without the g flag) to every match', async () => {
    const event = await redacted(
      { patterns: [/sk_live_[A-Za-z0-9]+/] },
      { log: 'keys sk_live_abc and sk_live_def' },
    );
    expect(event.log).toBe('keys [REDACTED] and [REDACTED]');
  });
});
