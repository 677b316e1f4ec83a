/**
 * The event handle takes any value without throwing into the caller, and what it keeps
 * reads in the output as the snapshot marks it: `enrich({ x: v })` emits what
 * `set('x', v)` emits.
 */
import { describe, expect, it } from 'vitest';
import { type CanonConfig, createCanon, memorySink, type WideEvent } from '../../src/index.js';

function setup(config: CanonConfig = {}) {
  const sink = memorySink();
  const canon = createCanon({ service: 'test', sinks: [sink], handleExit: false, ...config });
  return { sink, canon };
}

/** Runs `fn` in a unit; every handle call in it must not throw. Returns the one event. */
async function emitted(fn: (event: WideEvent) => void, config?: CanonConfig) {
  const { sink, canon } = setup(config);
  await canon.run({}, fn);
  expect(canon.stats()).toMatchObject({ emitted: 1, dropped: 0 });
  expect(sink.events).toHaveLength(1);
  return sink.events[0];
}

function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: true };
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

function revoked(): object {
  const { proxy, revoke } = Proxy.revocable({ secret: 1 }, {});
  revoke();
  return proxy;
}

const throwingTraps = new Proxy(
  { x: 1 },
  {
    ownKeys() {
      throw new Error('ownKeys trap');
    },
    get() {
      throw new Error('get trap');
    },
  },
);

describe('the handle accepts any value', () => {
  it('marks cycles (direct, through arrays, through Maps) as the snapshot does', async () => {
    const direct: Record<string, unknown> = { name: 'loop' };
    direct.self = direct;
    const list: unknown[] = [];
    const viaArray = { list };
    list.push(viaArray);
    const map = new Map<string, unknown>();
    const viaMap = { map };
    map.set('back', viaMap);
    const event = await emitted((e) => {
      e.enrich({ direct, viaArray, viaMap });
      e.set('set', { direct, viaArray, viaMap });
    });
    expect(event.direct).toEqual({ name: 'loop', self: '[Circular]' });
    expect(event.direct).toEqual(event.set.direct);
    expect(JSON.stringify(event.viaArray)).toContain('"[Circular]"');
    expect(JSON.stringify(event.viaMap)).toContain('"[Circular]"');
  });

  it('takes a value nested 8,000 levels deep, cut at limits.depth like set() is', async () => {
    const deep = nested(8_000);
    const event = await emitted((e) => {
      e.enrich({ deep });
      e.set('viaSet', deep);
    });
    let level = event.deep;
    for (let depth = 2; depth < 10; depth++) level = level.a;
    expect(level).toEqual({ a: '[Truncated: depth]' });
    expect(event.deep).toEqual(event.viaSet);
    const shallow = await emitted((e) => e.enrich({ deep: nested(3) }), { limits: { depth: 3 } });
    expect(shallow.deep).toEqual({ a: { a: '[Truncated: depth]' } });
  });

  it('marks a getter that throws on its own key, and keeps the other keys', async () => {
    const user = {
      id: 'u_1',
      get email(): string {
        throw new Error('getter');
      },
    };
    const event = await emitted((e) => {
      e.enrich({ user, top: 1 });
      e.enrich(user);
      e.set('viaSet', user);
    });
    expect(event.user).toEqual({ id: 'u_1', email: '[Unserializable]' });
    expect(event.viaSet).toEqual(event.user);
    expect(event).toMatchObject({ top: 1, id: 'u_1', email: '[Unserializable]' });
  });

  it('reads Proxies through their traps, and marks revoked ones and ones whose traps throw', async () => {
    const readable = new Proxy({ plan: 'pro' }, {});
    const event = await emitted((e) => {
      e.enrich({ readable, broken: throwingTraps, gone: revoked() });
      e.enrich(throwingTraps as never);
      e.enrich(revoked() as never);
      e.set('setGone', revoked());
      e.set('setBroken', throwingTraps);
      e.set('setBroken.x', 1); // writes through a Proxy whose get trap throws: ignored
      expect(e.get('setGone.secret')).toBeUndefined();
      expect(e.get('setBroken.x')).toBeUndefined();
      e.count('setBroken.n');
      e.markError(revoked(), revoked() as never);
      e.markError(throwingTraps, { extra: throwingTraps });
      expect(e.time('timed_ms', () => revoked())).toBeTypeOf('object');
    });
    expect(event.readable).toEqual({ plan: 'pro' });
    expect(event.broken).toBe('[Unserializable]');
    expect(event.gone).toBe('[Unserializable]');
    expect(event.setGone).toBe('[Unserializable]');
    expect(event.setBroken).toBe('[Unserializable]');
    expect(event.error).toMatchObject({ extra: '[Unserializable]' });
    expect(event.timed_ms).toBeTypeOf('number');
  });

  it('writes into frozen objects by copying them, and never changes them', async () => {
    const config = Object.freeze({ region: 'eu', limits: Object.freeze({ rps: 10 }) });
    const event = await emitted((e) => {
      e.enrich({ config });
      e.enrich({ config: { limits: { burst: 20 } } });
      e.set('stored', config);
      e.enrich({ stored: { added: true, limits: { burst: 5 } } });
      e.set('stored.limits.rps', 11);
      e.count('stored.count');
    });
    expect(event.config).toEqual({ region: 'eu', limits: { rps: 10, burst: 20 } });
    expect(event.stored).toEqual({ region: 'eu', added: true, limits: { rps: 11, burst: 5 }, count: 1 });
    expect(config).toEqual({ region: 'eu', limits: { rps: 10 } });
  });

  it('ignores counts by something other than a finite number, and returns non-functions given to time', async () => {
    const event = await emitted((e) => {
      e.count('n', 2);
      e.count('n', '3' as never);
      e.count('n', 1n as never);
      e.count('n', Number.NaN);
      e.count('n', Number.POSITIVE_INFINITY);
      e.set(42 as never, 'ignored');
      e.count({} as never);
      const promise = Promise.resolve(7);
      expect(e.time('t', promise as never)).toBe(promise);
    });
    expect(event.n).toBe(2);
    expect(event.t).toBeUndefined();
  });

  it('merges cyclic, deep and unreadable extra fields of markError', async () => {
    const extra: Record<string, unknown> = { step: 'charge' };
    extra.self = extra;
    const event = await emitted((e) => e.markError(new Error('boom'), extra));
    expect(event.error).toMatchObject({ message: 'boom', step: 'charge', self: '[Circular]' });
    expect(event.outcome).toBe('error');
  });

  it('takes a toJSON key on the event itself as a field (left out), not as the whole event', async () => {
    const event = await emitted((e) => {
      e.enrich({ toJSON: () => { throw new Error('toJSON'); }, user: { id: 'u1' } });
      e.set('nested', { toJSON: () => ({ replaced: true }) });
    });
    expect(event.user).toEqual({ id: 'u1' });
    expect(event.nested).toEqual({ replaced: true });
    expect(event).not.toHaveProperty('toJSON');
  });

  it('keeps __proto__, constructor and prototype keys out at any depth', async () => {
    const event = await emitted((e) => {
      e.enrich(JSON.parse('{"a":{"b":{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}}}'));
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(event.a).toEqual({ b: {} });
  });
});

describe('canon.run and static fields accept any value', () => {
  it('canon.run with cyclic, deep or unreadable fields runs fn and emits one event', async () => {
    const { sink, canon } = setup();
    const cyclic: Record<string, unknown> = { kind: 'job', job: { name: 'import' } };
    cyclic.self = cyclic;
    const kindThrows = {
      get kind(): string {
        throw new Error('kind');
      },
    };
    for (const fields of [cyclic, { order: nested(8_000) }, kindThrows, throwingTraps, revoked()]) {
      await expect(canon.run(fields as never, () => 'done')).resolves.toBe('done');
    }
    expect(sink.events).toHaveLength(5);
    expect(sink.events[0]).toMatchObject({ kind: 'job', job: { name: 'import' }, self: '[Circular]' });
    // an unreadable kind: the unit starts as a job, then the field is marked like any other
    expect(sink.events[2]).toMatchObject({ kind: '[Unserializable]', outcome: 'success' });
    expect(canon.stats()).toMatchObject({ emitted: 5, dropped: 0 });
  });

  it('static fields may be cyclic, deep or unreadable: read once, marked, never shared between events', async () => {
    const app: Record<string, unknown> = { name: 'checkout', tags: ['a'] };
    app.self = app;
    (app.tags as unknown[]).push(app.tags);
    const fields = {
      app,
      deep: nested(8_000),
      get broken(): string {
        throw new Error('getter');
      },
      ...JSON.parse('{"__proto__":{"polluted":true}}'),
    };
    const { sink, canon } = setup({ fields });
    await canon.run({}, (e) => {
      (e.get('app.tags') as unknown[]).push('mutated');
    });
    await canon.run({}, () => {});
    const [first, second] = sink.events;
    expect(second.app).toEqual({ name: 'checkout', tags: ['a', '[Circular]'], self: '[Circular]' });
    expect(first.app.tags).toEqual(['a', '[Circular]', 'mutated']);
    expect(second.broken).toBe('[Unserializable]');
    expect(JSON.stringify(second.deep)).toContain('[Truncated: depth]');
    expect(Object.getPrototypeOf(second)).toBe(Object.prototype);
    expect(second.polluted).toBeUndefined();
  });

  it('refuses static fields that cannot be read at all, naming the option', () => {
    expect(() => setup({ fields: throwingTraps })).toThrow(/`fields`/);
    expect(() => setup({ fields: revoked() as never })).toThrow(/`fields`/);
  });
});
