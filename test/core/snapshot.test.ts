import { describe, expect, it } from 'vitest';
import { createCanon, memorySink } from '../../src/index.js';

async function emitted(fields: Record<string, unknown>, limits?: Record<string, number>) {
  const sink = memorySink();
  const canon = createCanon({ sinks: [sink], handleExit: false, limits });
  await canon.run({}, (event) => {
    for (const [key, value] of Object.entries(fields)) event.set(key, value);
  });
  expect(canon.stats()).toMatchObject({ emitted: 1, dropped: 0 });
  return sink.events[0];
}

describe('serialization never throws', () => {
  it('marks circular references and keeps shared (non-circular) ones', async () => {
    const shared = { n: 1 };
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    cyclic.list = [cyclic, shared];
    const event = await emitted({ cyclic, a: shared, b: shared });
    expect(event.cyclic).toEqual({ name: 'loop', self: '[Circular]', list: ['[Circular]', { n: 1 }] });
    expect(event.a).toEqual({ n: 1 });
    expect(event.b).toEqual({ n: 1 });
  });

  it('writes BigInt as a decimal string, Dates as ISO, Errors normalized, invalid dates as null', async () => {
    const event = await emitted({
      big: 12345678901234567890n,
      at: new Date('2026-01-02T03:04:05.678Z'),
      bad_date: new Date('nope'),
      err: new RangeError('out of range'),
    });
    expect(event.big).toBe('12345678901234567890');
    expect(event.at).toBe('2026-01-02T03:04:05.678Z');
    expect(event.bad_date).toBeNull();
    expect(event.err).toEqual({ type: 'RangeError', message: 'out of range' });
  });

  it('summarizes binary data instead of dumping it', async () => {
    const event = await emitted({
      buf: Buffer.alloc(2048),
      bytes: new Uint8Array(3),
      ab: new ArrayBuffer(7),
    });
    expect(event.buf).toBe('[Buffer: 2048 bytes]');
    expect(event.bytes).toBe('[Uint8Array: 3 bytes]');
    expect(event.ab).toBe('[ArrayBuffer: 7 bytes]');
  });

  it('uses toJSON, converts Maps and Sets, and survives throwing getters and toJSON', async () => {
    const throwing = {
      ok: 1,
      get boom() {
        throw new Error('getter');
      },
    };
    const event = await emitted({
      money: { toJSON: () => ({ cents: 100 }) },
      map: new Map<unknown, unknown>([
        ['a', 1],
        [2, 'b'],
      ]),
      set: new Set([1, 2]),
      throwing,
      bad_json: {
        toJSON: () => {
          throw new Error('no');
        },
      },
      fn: () => 1,
      sym: Symbol('s'),
      undef: undefined,
    });
    expect(event.money).toEqual({ cents: 100 });
    expect(event.map).toEqual({ a: 1, 2: 'b' });
    expect(event.set).toEqual([1, 2]);
    expect(event.throwing).toEqual({ ok: 1, boom: '[Unserializable]' }); // only the getter's key
    expect(event.bad_json).toBe('[Unserializable]');
    expect('fn' in event || 'sym' in event || 'undef' in event).toBe(false);
  });

  it('caps depth, string length, array length and key count, and marks the cut', async () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 50; i++) deep = { next: deep };
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, i]));
    const event = await emitted(
      { deep, long: 'x'.repeat(100), items: Array.from({ length: 25 }, (_, i) => i), many },
      { depth: 4, stringLength: 10, arrayLength: 20, keys: 40 },
    );
    expect(event.deep.next.next.next).toBe('[Truncated: depth]');
    expect(event.long).toBe(`${'x'.repeat(10)}…[truncated 90 chars]`);
    expect(event.items).toHaveLength(21);
    expect(event.items[20]).toBe('[… 5 more items]');
    expect(Object.keys(event.many)).toHaveLength(30);
    const small = await emitted({ many }, { keys: 12 });
    expect(Object.keys(small.many)).toHaveLength(13);
    expect(small.many['…']).toBe('18 more keys');
  });

  it('handles a 5 MB string and a 100,000-item array within the default caps', async () => {
    const event = await emitted({
      huge: 'y'.repeat(5_000_000),
      big: Array.from({ length: 100_000 }, (_, i) => i),
    });
    expect(event.huge.length).toBeLessThan(20_000);
    expect(event.big).toHaveLength(1001);
  });
});

describe("the event's top level", () => {
  async function emitWith(config: Record<string, unknown>, fill: (fields: Record<string, unknown>) => void) {
    const sink = memorySink();
    const canon = createCanon({ sinks: [sink], handleExit: false, ...config });
    let live: Record<string, unknown> = {};
    await canon.run({ kind: 'job' }, (event) => {
      live = (event as unknown as { fields: Record<string, unknown> }).fields;
      fill(live);
    });
    // the pipeline adds sample_rate after the copy: left out here
    const { sample_rate: _rate, ...event } = sink.events[0];
    return { event, line: sink.lines[0], live };
  }

  it('copies top-level values in order, redacts and cuts them, and never touches the live event', async () => {
    const user = { id: 'u_1', password: 'hunter2' };
    const { event, line, live } = await emitWith(
      { redact: { fields: ['**.password', 'token'] }, limits: { stringLength: 5 } },
      (fields) => Object.assign(fields, { a: 1, token: 'secret', password: 'p', long: 'abcdefgh', user, ok: true }),
    );
    expect(Object.keys(event).slice(-6)).toEqual(['a', 'token', 'password', 'long', 'user', 'ok']);
    expect(event).toMatchObject({ a: 1, token: '[REDACTED]', password: '[REDACTED]', long: 'abcde…[truncated 3 chars]', ok: true });
    expect(event.user).toEqual({ id: 'u_1', password: '[REDACTED]' });
    expect(event.user).not.toBe(user);
    expect(JSON.parse(line)).toEqual({ ...event, sample_rate: 1 });
    expect(live).toMatchObject({ token: 'secret', password: 'p', long: 'abcdefgh', user: { password: 'hunter2' } });
  });

  it('leaves out what JSON leaves out, and what a rule removes, with no key left behind', async () => {
    const { event, line } = await emitWith({ redact: { fields: [{ path: 'drop', strategy: 'remove' }] } }, (fields) =>
      Object.assign(fields, { before: 1, empty: undefined, fn: () => 1, drop: 'x', sym: Symbol('s'), after: 2 }),
    );
    for (const key of ['empty', 'fn', 'drop', 'sym']) expect(Object.hasOwn(event, key)).toBe(false);
    expect(Object.keys(event).slice(-2)).toEqual(['before', 'after']);
    expect(JSON.parse(line)).toEqual({ ...event, sample_rate: 1 });
  });

  it('leaves out an own __proto__ key, whatever its value, like at any depth', async () => {
    for (const value of ['short', 1, true, { polluted: true }]) {
      const { event, line } = await emitWith({}, (fields) => {
        fields.before = 1;
        // an own data property, as JSON.parse makes it (an assignment would set the prototype)
        Object.defineProperty(fields, '__proto__', { value, enumerable: true, writable: true, configurable: true });
        fields.after = 2;
      });
      expect(Object.hasOwn(event, '__proto__')).toBe(false);
      expect(Object.getPrototypeOf(event)).toBe(Object.prototype);
      expect(line).not.toContain('__proto__');
      expect(event).toMatchObject({ before: 1, after: 2 });
    }
  });

  it('marks more top-level keys than limits.keys as the cut, like nested objects', async () => {
    const { event } = await emitWith({ limits: { keys: 12 } }, (fields) => {
      for (let i = 0; i < 20; i++) fields[`k${i}`] = i;
    });
    expect(Object.keys(event)).toHaveLength(13);
    expect(event['…']).toMatch(/^\d+ more keys$/);
  });
});
