import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Canon, createCanon, getWideEvent, memorySink } from '../../src/index.js';
import { getLogger } from '../../src/logger/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
let savedLevel: string | undefined;
const opened: Canon[] = [];

beforeEach(() => {
  savedLevel = process.env.LOG_LEVEL;
  delete process.env.LOG_LEVEL;
});

afterEach(async () => {
  if (savedLevel === undefined) delete process.env.LOG_LEVEL;
  else process.env.LOG_LEVEL = savedLevel;
  await Promise.all(opened.splice(0).map((canon) => canon.close()));
});

/** A Canon instance writing to memory; the most recently created one receives lines written outside units. */
function instance(config: Parameters<typeof createCanon>[0] = {}) {
  const sink = memorySink();
  const canon = createCanon({ sinks: [sink], handleExit: false, ...config });
  opened.push(canon);
  const logs = () => sink.events.filter((line) => line.kind === 'log');
  const events = () => sink.events.filter((line) => line.kind !== 'log');
  return { canon, sink, logs, events };
}

describe('line shape', () => {
  it('outside a unit: kind, level, time, msg, logger and fields, no ids', () => {
    const { logs } = instance();
    getLogger('billing').info({ invoice: 'in_1' }, 'invoice sent');
    const [line] = logs();
    expect(line).toEqual({
      kind: 'log',
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      msg: 'invoice sent',
      logger: 'billing',
      invoice: 'in_1',
    });
    expect(Object.keys(line).slice(0, 5)).toEqual(['kind', 'level', 'time', 'msg', 'logger']);
    expect(Math.abs(Date.parse(line.time) - Date.now())).toBeLessThan(5_000);
  });

  it('inside a unit: request_id, trace_id and span_id of that unit', async () => {
    const { canon, logs, events } = instance();
    const log = getLogger();
    await canon.run({ kind: 'job' }, () => log.warn('slow'));
    const [line] = logs();
    const [event] = events();
    expect(line).toMatchObject({
      kind: 'log',
      level: 'warn',
      msg: 'slow',
      request_id: event.request_id,
      trace_id: event.trace_id,
      span_id: event.span_id,
    });
    expect(line).not.toHaveProperty('logger');
  });

  it('accepts (msg), (obj), (obj, msg) and takes obj.msg when no message is given', () => {
    const { logs } = instance();
    const log = getLogger('x');
    log.info('just text');
    log.info({ n: 1 });
    log.info({ n: 2 }, 'with text');
    log.info({ msg: 'from obj', n: 3 });
    expect(logs().map(({ msg, n }) => ({ msg, n }))).toEqual([
      { msg: 'just text', n: undefined },
      { msg: undefined, n: 1 },
      { msg: 'with text', n: 2 },
      { msg: 'from obj', n: 3 },
    ]);
  });

  it('serializes errors like pino: error(err, msg), error(err), { err }', () => {
    const { logs } = instance();
    const log = getLogger();
    const cause = new RangeError('limit');
    const err = Object.assign(new Error('card declined', { cause }), { code: 'E_CARD' });
    log.error(err, 'charge failed');
    log.error(err);
    log.warn({ err, attempt: 2 }, 'retrying');
    try {
      JSON.parse('{');
    } catch (caught) {
      log.error(caught, 'a catch variable, typed unknown, is accepted');
    }
    const [first, second, third, fourth] = logs();
    expect(fourth.err).toMatchObject({ type: 'SyntaxError', message: expect.any(String) });
    const serialized = {
      type: 'Error',
      message: 'card declined',
      code: 'E_CARD',
      cause: expect.objectContaining({ type: 'RangeError', message: 'limit' }),
      stack: expect.stringContaining('card declined'),
    };
    expect(first).toMatchObject({ level: 'error', msg: 'charge failed', err: serialized });
    expect(second).toMatchObject({ msg: 'card declined', err: serialized });
    expect(third).toMatchObject({ msg: 'retrying', attempt: 2, err: serialized });
  });

  it("fields can't overwrite kind, level, time or the ids of the unit", async () => {
    const { canon, logs } = instance();
    await canon.run({}, (event) => {
      getLogger('real').info(
        { kind: 'x', level: 'fatal', time: 0, logger: 'fake', request_id: 'forged' },
        'm',
      );
      const [line] = logs();
      expect(line).toMatchObject({
        kind: 'log',
        level: 'info',
        logger: 'real',
        request_id: event.request_id,
      });
      expect(typeof line.time).toBe('string');
    });
  });

  it('child loggers add their bindings; call fields win over bindings', () => {
    const { logs } = instance();
    const log = getLogger('api').child({ component: 'db', pool: 'main' });
    log.child({ shard: 2 }).info({ pool: 'replica' }, 'query');
    expect(logs()[0]).toMatchObject({
      logger: 'api',
      component: 'db',
      pool: 'replica',
      shard: 2,
      msg: 'query',
    });
  });

  it('ignores __proto__ keys instead of polluting the line', () => {
    const { logs } = instance();
    getLogger().info(JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}'), 'm');
    expect(logs()[0]).toMatchObject({ ok: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(logs()[0]).not.toHaveProperty('polluted');
  });
});

describe('levels', () => {
  it("defaults to 'info': debug and trace write nothing", () => {
    const { logs } = instance();
    const log = getLogger();
    log.trace('t');
    log.debug('d');
    log.info('i');
    log.fatal('f');
    expect(logs().map((line) => line.level)).toEqual(['info', 'fatal']);
    expect(log.level).toBe('info');
  });

  it('takes LOG_LEVEL (any case) when no level is given; the option wins over it', () => {
    const { logs } = instance();
    process.env.LOG_LEVEL = 'WARN';
    const fromEnv = getLogger('env');
    const explicit = getLogger('opt', { level: 'trace' });
    fromEnv.info('dropped');
    fromEnv.warn('kept');
    explicit.trace('kept too');
    expect(logs().map((line) => `${line.logger}:${line.level}`)).toEqual(['env:warn', 'opt:trace']);
    expect(fromEnv.level).toBe('warn');
  });

  it('changes at runtime; silent writes nothing; isLevelEnabled follows', () => {
    const { logs } = instance();
    const log = getLogger();
    expect(log.isLevelEnabled('debug')).toBe(false);
    log.level = 'debug';
    log.debug('now visible');
    expect(log.isLevelEnabled('debug')).toBe(true);
    log.level = 'silent';
    log.fatal('gone');
    expect(log.isLevelEnabled('fatal')).toBe(false);
    expect(logs().map((line) => line.msg)).toEqual(['now visible']);
  });

  it('a disabled level does no work: the arguments are never read', () => {
    instance();
    const log = getLogger();
    let read = false;
    log.debug({
      get expensive() {
        read = true;
        return 1;
      },
    });
    expect(read).toBe(false);
    expect(log.debug).toBe(log.trace); // the same empty function
  });

  it('unknown levels throw naming the option or the env variable', () => {
    expect(() => getLogger('x', { level: 'verbose' as never })).toThrow(
      expect.objectContaining({ code: 'CANON_INVALID_OPTION', option: 'level' }),
    );
    process.env.LOG_LEVEL = 'loud';
    expect(() => getLogger('x')).toThrow(/invalid option `LOG_LEVEL`.*"loud"/);
    process.env.LOG_LEVEL = 'info';
    const log = getLogger();
    expect(() => {
      log.level = 'nope' as never;
    }).toThrow(/`level`/);
    expect(log.level).toBe('info');
  });
});

describe('where lines go', () => {
  it('through the sinks of the instance whose unit is in scope, not the most recent one', async () => {
    const first = instance();
    const second = instance(); // the most recent
    const log = getLogger();
    await first.canon.run({}, () => log.info('inside first'));
    log.info('outside');
    expect(first.logs().map((line) => line.msg)).toEqual(['inside first']);
    expect(second.logs().map((line) => line.msg)).toEqual(['outside']);
  });

  it('drops lines of units whose instance was closed', async () => {
    const { canon, logs } = instance();
    const log = getLogger();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const running = canon.run({}, async () => {
      await gate;
      log.info('inside the unit, after close');
    });
    await canon.close();
    release();
    await running;
    expect(logs()).toEqual([]);
  });

  it('outside any unit with no open instance: one JSON line per call on stdout, flushed at exit', () => {
    const script = `
      const { createCanon, memorySink } = await import(${JSON.stringify(`${root}src/index.ts`)});
      const { getLogger } = await import(${JSON.stringify(`${root}src/logger/index.ts`)});
      const log = getLogger('boot');
      log.info({ step: 1 }, 'no instance yet');
      const canon = createCanon({ sinks: [memorySink()] });
      log.info('to the instance, not stdout');
      await canon.close();
      log.warn('instance closed');
    `;
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, LOG_LEVEL: '' },
    });
    const lines = output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toEqual([
      expect.objectContaining({
        kind: 'log',
        level: 'info',
        msg: 'no instance yet',
        logger: 'boot',
        step: 1,
      }),
      expect.objectContaining({ kind: 'log', level: 'warn', msg: 'instance closed' }),
    ]);
  });

  it('redacts lines with the instance redaction rules, without touching the caller objects', () => {
    const { logs } = instance({ redact: { fields: ['**.password'], patterns: ['email'] } });
    const user = { name: 'ada', password: 'hunter2' };
    getLogger().info({ user }, 'signup by ada@example.com');
    expect(logs()[0]).toMatchObject({
      user: { name: 'ada', password: '[REDACTED]' },
      msg: 'signup by [REDACTED]',
    });
    expect(user.password).toBe('hunter2');
  });
});

describe('never throws', () => {
  it('writes cyclic objects, BigInt and throwing getters without throwing', () => {
    const { logs } = instance();
    const log = getLogger();
    const cyclic: Record<string, unknown> = { id: 1 };
    cyclic.self = cyclic;
    expect(() => log.info({ cyclic, big: 10n }, 'odd values')).not.toThrow();
    expect(logs()[0]).toMatchObject({ msg: 'odd values', cyclic: { id: 1, self: '[Circular]' }, big: '10' });
    const hostile = {
      get boom() {
        throw new Error('getter');
      },
    };
    expect(() => log.info(hostile, 'hostile')).not.toThrow();
    expect(() => log.info(null as never)).not.toThrow();
    expect(() => (log.info as (...args: unknown[]) => void)()).not.toThrow();
  });

  it('a failing sink costs nothing but a counted sink error', async () => {
    const good = memorySink();
    const canon = createCanon({
      handleExit: false,
      sinks: [
        {
          write() {
            throw new Error('disk full');
          },
        },
        { write: () => Promise.reject(new Error('network')) },
        good,
      ],
    });
    opened.push(canon);
    expect(() => getLogger().error('still fine')).not.toThrow();
    await new Promise((resolve) => setImmediate(resolve));
    expect(good.events.map((line) => line.msg)).toEqual(['still fine']);
    expect(canon.stats().sink_errors).toBe(2);
  });
});

describe('attachToEvent', () => {
  it('keeps lines on the wide event as logs: [{ level, msg, at_ms }]', async () => {
    const { canon, events, logs } = instance();
    const log = getLogger('job', { attachToEvent: true });
    await canon.run({}, async () => {
      log.info('step 1');
      await new Promise((resolve) => setTimeout(resolve, 5));
      log.error(new Error('step 2 failed'));
      log.debug('below the level: neither written nor kept');
    });
    const [event] = events();
    expect(event.logs).toEqual([
      { level: 'info', msg: 'step 1', at_ms: expect.any(Number) },
      { level: 'error', msg: 'step 2 failed', at_ms: expect.any(Number) },
    ]);
    expect(event.logs[1].at_ms).toBeGreaterThanOrEqual(4);
    expect(event).not.toHaveProperty('logs_dropped');
    expect(logs()).toHaveLength(2); // still written as lines too
  });

  it('caps the list at 50 by default and counts the rest in logs_dropped', async () => {
    const { canon, events } = instance();
    const log = getLogger('loop', { attachToEvent: true });
    await canon.run({}, () => {
      for (let i = 0; i < 60; i++) log.info(`line ${i}`);
    });
    const [event] = events();
    expect(event.logs).toHaveLength(50);
    expect(event.logs[49].msg).toBe('line 49');
    expect(event.logs_dropped).toBe(10);
  });

  it('honours maxEventLogs, and adds nothing without attachToEvent or outside a unit', async () => {
    const { canon, events } = instance();
    const capped = getLogger('a', { attachToEvent: true, maxEventLogs: 2 });
    const plain = getLogger('b');
    capped.info('outside: no event to keep it on');
    await canon.run({}, () => {
      plain.info('not kept');
      for (let i = 0; i < 3; i++) capped.warn(`kept ${i}`);
    });
    const [event] = events();
    expect(event.logs.map((line: { msg: string }) => line.msg)).toEqual(['kept 0', 'kept 1']);
    expect(event.logs_dropped).toBe(1);
  });

  it('lines after the event was emitted are written but not kept (no late write)', async () => {
    const { canon, events, logs } = instance();
    const log = getLogger('late', { attachToEvent: true });
    let later!: Promise<void>;
    await canon.run({}, () => {
      later = new Promise<void>((resolve) =>
        setTimeout(() => {
          log.info('after the end');
          resolve();
        }, 5),
      );
    });
    await later;
    expect(events()[0]).not.toHaveProperty('logs');
    expect(logs()[0]).toMatchObject({ msg: 'after the end', request_id: events()[0].request_id });
    expect(canon.stats().late_writes).toBe(0);
  });

  it("leaves an app's own non-array logs field alone", async () => {
    const { canon, events } = instance();
    await canon.run({ logs: 'app value' }, () => getLogger('x', { attachToEvent: true }).info('m'));
    expect(events()[0].logs).toBe('app value');
  });
});

describe('bad input', () => {
  it('throws naming the option', () => {
    expect(() => getLogger(42 as never)).toThrow(/`name`/);
    expect(() => getLogger('', {})).toThrow(/`name`/);
    expect(() => getLogger('x', { colour: true } as never)).toThrow(/`colour`: unknown option/);
    expect(() => getLogger('x', 'debug' as never)).toThrow(/`options`/);
    expect(() => getLogger('x', { attachToEvent: 'yes' as never })).toThrow(/`attachToEvent`/);
    expect(() => getLogger('x', { maxEventLogs: -1 })).toThrow(/`maxEventLogs`/);
    expect(() => getLogger('x', { maxEventLogs: 1.5 })).toThrow(/`maxEventLogs`/);
    expect(() => getLogger('x').child([] as never)).toThrow(/`child\(bindings\)`/);
  });

  it('getWideEvent is unaffected by logging', async () => {
    const { canon } = instance();
    await canon.run({}, (event) => {
      getLogger().info('m');
      expect(getWideEvent()).toBe(event);
    });
  });
});
