/**
 * @module canon/core/event
 * The wide event handle: the object users hold as `req.canon`, `getWideEvent()` or
 * `canon.run`'s argument. It builds the event through the unit of work; once the event
 * is emitted every further write is dropped, counted and reported, never thrown.
 */
import { performance } from 'node:perf_hooks';
import { SAMPLED_FLAGS } from './ids.js';
import { normalizeError } from './normalize-error.js';
import { deepMerge, type Fields, getAt, isPlainObject, setAt, splitPath } from './paths.js';

/** @internal What a unit of work needs from the Canon instance that owns it. */
export interface UnitOwner {
  emit(unit: WideEvent): void;
  lateWrite(unit: WideEvent, operation: string, path?: string): void;
  /** Writes one `canon/logger` record through the owner's sinks. */
  writeLog(record: Fields): void;
  readonly includeStack: boolean;
  /**
   * True for the stand-in parent that `runWithContext` restores in another thread: it
   * carries ids for correlation but has no event of its own.
   */
  readonly remote?: boolean;
}

/** Rounds milliseconds to microsecond precision. */
export function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

export class WideEvent {
  /** @internal The live fields. Read them with {@link WideEvent.get}. */
  readonly fields: Fields;
  /** @internal `performance.now()` when the unit started. */
  readonly startedAt: number;
  /** @internal */
  readonly owner: UnitOwner;
  /** @internal True once emitted: later writes are late writes. */
  emitted = false;
  /** @internal */
  errorMarked = false;
  /** @internal Set by the HTTP lifecycle when the client went away. */
  aborted = false;
  /**
   * @internal The tenant of this unit (`canon/tenant`). Kept apart from the `tenant_id`
   * field so that enriching the event with user input can never switch tenants.
   */
  tenant: string | undefined = undefined;
  /**
   * @internal W3C trace flags of this unit's trace, propagated unchanged to the services
   * it calls: an incoming `traceparent`'s (or active span's), else `'01'` (sampled).
   */
  traceFlags = SAMPLED_FLAGS;

  /** @internal Use `createCanon(...)` and an adapter or `canon.run` to get one. */
  constructor(
    owner: UnitOwner,
    fields: Fields,
    readonly request_id: string,
    readonly trace_id: string,
    readonly span_id: string,
  ) {
    this.owner = owner;
    this.fields = fields;
    this.startedAt = performance.now();
  }

  /**
   * Deep-merges `fields` into the event (plain objects merge, arrays replace).
   *
   * @example
   * req.canon.enrich({ user: { id: 'u_1' }, cart: { items: 3 } });
   */
  enrich(fields: Fields): this {
    if (this.emitted) this.owner.lateWrite(this, 'enrich');
    else if (isPlainObject(fields)) deepMerge(this.fields, fields);
    return this;
  }

  /**
   * Sets one field by dot-path. Invalid paths are ignored. The value is stored as given
   * (an object you keep filling in is serialized as it is at emit).
   *
   * @example
   * req.canon.set('payment.provider', 'stripe');
   */
  set(path: string, value: unknown): this {
    if (this.emitted) this.owner.lateWrite(this, 'set', path);
    else {
      const parts = splitPath(path);
      if (parts) setAt(this.fields, parts, value);
    }
    return this;
  }

  /**
   * Reads a field by dot-path from the live event.
   *
   * @example
   * req.canon.get('user.id') // 'u_1'
   */
  get(path: string): unknown {
    const parts = splitPath(path);
    return parts ? getAt(this.fields, parts) : undefined;
  }

  /**
   * Records `err` as the event's `error` and makes the outcome `error`. `extra` fields
   * are merged into the error object.
   *
   * @example
   * catch (err) { req.canon.markError(err, { step: 'payment' }); throw err; }
   */
  markError(err: unknown, extra?: Fields): this {
    if (this.emitted) {
      this.owner.lateWrite(this, 'markError');
      return this;
    }
    const error = normalizeError(err, { includeStack: this.owner.includeStack });
    if (isPlainObject(extra)) deepMerge(error, extra);
    this.fields.error = error;
    this.errorMarked = true;
    return this;
  }

  /**
   * Adds `n` (default 1) to the number at `path`. An `n` that is not a number (an
   * unchecked `req.body.quantity`) is ignored, never thrown on.
   *
   * @example
   * req.canon.count('cache.misses');
   */
  count(path: string, n = 1): this {
    if (this.emitted) {
      this.owner.lateWrite(this, 'count', path);
      return this;
    }
    const parts = splitPath(path);
    if (!parts || typeof n !== 'number') return this;
    const current = getAt(this.fields, parts);
    setAt(this.fields, parts, (typeof current === 'number' ? current : 0) + n);
    return this;
  }

  /**
   * Measures milliseconds into `path`: returns a stop function, or, given `fn`, times it
   * (sync or async) and returns its result.
   *
   * @example
   * const stop = req.canon.time('payment.latency_ms'); await charge(); stop();
   * const user = await req.canon.time('db.user_ms', () => loadUser(id));
   */
  time(path: string): () => number;
  time<T>(path: string, fn: () => T): T;
  time<T>(path: string, fn?: () => T): T | (() => number) {
    const started = performance.now();
    const stop = (): number => {
      const elapsed = roundMs(performance.now() - started);
      this.set(path, elapsed);
      return elapsed;
    };
    if (fn === undefined) return stop;
    let result: T;
    try {
      result = fn();
    } catch (err) {
      stop();
      throw err;
    }
    if (result instanceof Promise) return result.finally(stop) as T;
    stop();
    return result;
  }

  /** @internal Ends the unit: emits its event exactly once. */
  end(): void {
    if (this.emitted) return;
    this.emitted = true;
    this.owner.emit(this);
  }
}
