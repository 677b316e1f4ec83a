/**
 * @module canon/tracking/pg/query
 * The tracked `client.query` of node-postgres: every call form (text, query config,
 * promise, callback, `config.callback`, submittables such as pg-query-stream) is timed
 * and recorded onto the wide event that was in scope when the query was issued.
 * Outside a unit of work it calls the original at once.
 */
import { performance } from 'node:perf_hooks';
import { storage } from '../../core/context.js';
import type { WideEvent } from '../../core/event.js';
import { isPlainObject } from '../../core/paths.js';
import type { ResolvedDbOptions } from '../db/options.js';
import { recordQuery } from '../db/record.js';

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;
type Callback = (this: unknown, err: unknown, result?: unknown) => void;

interface Submittable {
  submit: unknown;
  text?: unknown;
  once?: (event: string, listener: (...args: unknown[]) => void) => unknown;
}

/** Marks clients whose `query` is already tracked, so tracking twice never counts twice. */
export const TRACKED = Symbol.for('canon.pg.tracked');

function statementOf(config: unknown): unknown {
  return typeof config === 'string' ? config : (config as { text?: unknown } | null)?.text;
}

/** Calls `fn` in `unit`'s context: pg fires callbacks from socket events, in whatever context those run. */
export function inContext(
  unit: WideEvent | undefined,
  fn: AnyFunction,
  self: unknown,
  args: unknown[],
): unknown {
  return storage.getStore() === unit
    ? fn.apply(self, args)
    : storage.run(unit as WideEvent, () => fn.apply(self, args));
}

function trackSubmittable(unit: WideEvent, query: Submittable, options: ResolvedDbOptions): void {
  if (typeof query.once !== 'function') return;
  const started = performance.now();
  let done = false;
  const finish = (failed: boolean) => () => {
    if (done) return;
    done = true;
    recordQuery(unit, started, failed, query.text, options);
  };
  query.once('end', finish(false));
  query.once('error', finish(true));
}

function withCallback(
  unit: WideEvent,
  original: AnyFunction,
  self: unknown,
  args: unknown[],
  index: number,
  options: ResolvedDbOptions,
): unknown {
  const started = performance.now();
  const callback = args[index] as Callback;
  const text = statementOf(args[0]);
  args[index] = function canonQueryDone(this: unknown, err: unknown, result?: unknown) {
    recordQuery(unit, started, Boolean(err), text, options);
    return inContext(unit, callback, this, [err, result]);
  };
  try {
    return original.apply(self, args);
  } catch (err) {
    recordQuery(unit, started, true, text, options);
    throw err;
  }
}

function track(
  unit: WideEvent,
  original: AnyFunction,
  self: unknown,
  args: unknown[],
  options: ResolvedDbOptions,
): unknown {
  const config = args[0];
  if (config !== null && typeof (config as Submittable).submit === 'function') {
    trackSubmittable(unit, config as Submittable, options);
    return original.apply(self, args);
  }
  if (typeof args[2] === 'function') return withCallback(unit, original, self, args, 2, options);
  if (typeof args[1] === 'function') return withCallback(unit, original, self, args, 1, options);
  if (isPlainObject(config) && typeof config.callback === 'function') {
    args[0] = { ...config };
    return withCallback(unit, original, self, [args[0], args[1], config.callback], 2, options);
  }
  const started = performance.now();
  const text = statementOf(config);
  let result: unknown;
  try {
    result = original.apply(self, args);
  } catch (err) {
    recordQuery(unit, started, true, text, options);
    throw err;
  }
  if (typeof (result as PromiseLike<unknown> | undefined)?.then !== 'function') {
    recordQuery(unit, started, false, text, options);
    return result;
  }
  return (result as PromiseLike<unknown>).then(
    (value) => {
      recordQuery(unit, started, false, text, options);
      return value;
    },
    (err) => {
      recordQuery(unit, started, true, text, options);
      throw err;
    },
  );
}

/**
 * Replaces `client.query` by a tracked version (once per client).
 *
 * @example
 * trackClientQuery(client, resolveDbOptions(undefined, 'trackPg'));
 */
export function trackClientQuery(client: { query: unknown }, options: ResolvedDbOptions): void {
  if ((client as Record<symbol, unknown>)[TRACKED]) return;
  const original = client.query as AnyFunction;
  Object.defineProperty(client, TRACKED, { value: true });
  client.query = function canonTrackedQuery(this: unknown, ...args: unknown[]): unknown {
    const unit = storage.getStore();
    return unit === undefined ? original.apply(this, args) : track(unit, original, this, args, options);
  };
}
