/**
 * @module canon/logger
 * A context-aware logger. Every line is one JSON object, `{ kind: 'log', level, time,
 * msg, logger?, request_id?, trace_id?, span_id?, ...fields }`, with the ids of the unit
 * of work in scope (none outside one), written through the sinks of the Canon instance
 * that owns that unit (outside any unit: the most recently created open instance, else
 * stdout). Lines can also be kept on the wide event (`attachToEvent`). Calls are
 * pino-style and never throw; a disabled level costs one call to an empty function.
 *
 * @example
 * import { getLogger } from 'canon/logger';
 * const log = getLogger('payments');
 * log.info({ amount_cents: 1299 }, 'charging card');
 */
import { storage } from '../core/context.js';
import { describe, invalidOption } from '../core/errors.js';
import { currentLogOutput, type LogOutput } from '../core/log-output.js';
import { type Fields, isPlainObject } from '../core/paths.js';
import { attachLog } from './attach.js';
import { LEVEL_NAMES, LEVEL_VALUES, type LevelName, type LogLevel, parseLevel } from './levels.js';
import { buildRecord } from './record.js';
import { booleanOption, rejectUnknownOptions } from '../core/option-checks.js';

export type { AttachedLog } from './attach.js';
export type { LevelName, LogLevel } from './levels.js';
export { serializeError } from './record.js';

export interface LoggerOptions {
  /** Lowest level written. Default: env `LOG_LEVEL` (case-insensitive), else `'info'`. */
  level?: LogLevel;
  /** Also keep each line on the wide event in scope as `logs: [{ level, msg, at_ms }]` (default false). */
  attachToEvent?: boolean;
  /** Lines kept per event with `attachToEvent`; later ones are counted in `logs_dropped` (default 50). */
  maxEventLogs?: number;
}

/**
 * A pino-style log method: `(msg)`, `(obj, msg?)` or `(err, msg?)`. `obj` is `unknown` so
 * that a `catch (err)` variable can be passed as is.
 */
export interface LogFn {
  (msg: string): void;
  (obj: unknown, msg?: string): void;
}

export interface Logger {
  /** The `logger` field of every line. */
  readonly name: string | undefined;
  /** The current threshold; assign to change it (an unknown level throws). */
  level: LogLevel;
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  fatal: LogFn;
  /** True when lines at `level` are written. */
  isLevelEnabled(level: LevelName): boolean;
  /** A logger whose lines all carry `bindings` (same name, level and options). */
  child(bindings: Fields): Logger;
}

interface Settings {
  name: string | undefined;
  bindings: Fields | undefined;
  attach: boolean;
  max: number;
}

const KNOWN = new Set(['level', 'attachToEvent', 'maxEventLogs']);
const DEFAULT_MAX_EVENT_LOGS = 50;
const noop: LogFn = () => {};

function makeWriter(level: LevelName, settings: Settings): LogFn {
  const { name, bindings, attach, max } = settings;
  return function canonLog(first?: unknown, second?: unknown): void {
    try {
      const unit = storage.getStore();
      const record = buildRecord(level, unit, name, bindings, first, second);
      const output: LogOutput =
        unit !== undefined && typeof unit.owner.writeLog === 'function' ? unit.owner : currentLogOutput();
      output.writeLog(record);
      if (attach && unit !== undefined) attachLog(unit, level, record.msg, max);
    } catch {
      // a log line is never worth breaking the caller
    }
  } as LogFn;
}

class CanonLogger implements Logger {
  trace = noop;
  debug = noop;
  info = noop;
  warn = noop;
  error = noop;
  fatal = noop;
  readonly #settings: Settings;
  readonly #writers: Record<LevelName, LogFn>;
  #level: LogLevel = 'info';

  constructor(settings: Settings, level: LogLevel) {
    this.#settings = settings;
    this.#writers = {} as Record<LevelName, LogFn>;
    for (const name of LEVEL_NAMES) this.#writers[name] = makeWriter(name, settings);
    this.level = level;
  }

  get name(): string | undefined {
    return this.#settings.name;
  }

  get level(): LogLevel {
    return this.#level;
  }

  set level(value: LogLevel) {
    const level = parseLevel(value, 'level');
    this.#level = level;
    const threshold = LEVEL_VALUES[level];
    for (const name of LEVEL_NAMES) this[name] = LEVEL_VALUES[name] >= threshold ? this.#writers[name] : noop;
  }

  isLevelEnabled(level: LevelName): boolean {
    return LEVEL_VALUES[level] >= LEVEL_VALUES[this.#level];
  }

  child(bindings: Fields): Logger {
    if (!isPlainObject(bindings)) {
      throw invalidOption('child(bindings)', `expected a plain object, got ${describe(bindings)}`);
    }
    const merged = { ...this.#settings.bindings, ...bindings };
    return new CanonLogger({ ...this.#settings, bindings: merged }, this.#level);
  }
}

function checkOptions(options: unknown): LoggerOptions {
  if (!isPlainObject(options)) throw invalidOption('options', `expected an object, got ${describe(options)}`);
  rejectUnknownOptions(options, KNOWN);
  booleanOption(options.attachToEvent, 'attachToEvent', false);
  const max = options.maxEventLogs;
  if (max !== undefined && !(Number.isInteger(max) && (max as number) >= 0)) {
    throw invalidOption('maxEventLogs', `expected a non-negative integer, got ${describe(max)}`);
  }
  return options as LoggerOptions;
}

/**
 * Returns a logger. `name` becomes the `logger` field of its lines. The level comes from
 * `options.level`, else env `LOG_LEVEL`, else `'info'`; an unknown level throws a
 * `CanonOptionError` naming `level` (or `LOG_LEVEL`). Loggers are cheap: create one per
 * module, at the top.
 *
 * @example
 * import { getLogger } from 'canon/logger';
 * const log = getLogger('checkout', { attachToEvent: true });
 *
 * app.post('/checkout', async (req, res) => {
 *   log.info({ cart_id: req.body.cartId }, 'checkout started'); // carries request_id, trace_id, span_id
 *   try {
 *     await charge(req.body);
 *   } catch (err) {
 *     log.error(err, 'charge failed'); // err serialized: { type, message, stack }
 *     throw err;
 *   }
 *   res.json({ ok: true });
 * });
 */
export function getLogger(name?: string, options: LoggerOptions = {}): Logger {
  if (name !== undefined && (typeof name !== 'string' || name === '')) {
    throw invalidOption('name', `expected a non-empty string, got ${describe(name)}`);
  }
  const { level, attachToEvent = false, maxEventLogs = DEFAULT_MAX_EVENT_LOGS } = checkOptions(options);
  const env = process.env.LOG_LEVEL;
  const threshold =
    level !== undefined
      ? parseLevel(level, 'level')
      : env !== undefined && env !== ''
        ? parseLevel(env, 'LOG_LEVEL')
        : 'info';
  return new CanonLogger({ name, bindings: undefined, attach: attachToEvent, max: maxEventLogs }, threshold);
}
