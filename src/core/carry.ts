/**
 * @module canon/core/carry
 * Context across threads. AsyncLocalStorage follows `await`, timers and callbacks, but it
 * stops at a worker thread (or a child process, or a queue). `exportContext()` turns the
 * unit in scope into a small structured-cloneable object to send along (`workerData`,
 * `postMessage`, a job payload); `runWithContext(ctx, fn)` on the other side restores it,
 * so log lines carry the same ids and a `canon.run` there becomes a child unit of the
 * request (same `trace_id`, `parent_request_id`, `parent_span_id`), and calls made there
 * carry the same W3C `tracestate`.
 */
import { storage } from './context.js';
import { describe, invalidOption } from './errors.js';
import { type UnitOwner, WideEvent } from './event.js';
import { SAMPLED_FLAGS, SPAN_ID_PATTERN, TRACE_FLAGS_PATTERN, TRACE_ID_PATTERN } from './ids.js';
import { currentLogOutput } from './log-output.js';
import { type Fields, isPlainObject } from './paths.js';
import { DEFAULT_LIMITS } from './snapshot.js';
import { parseTracestate } from './tracestate.js';

/** The ids of a unit of work, as plain strings: safe for `postMessage` and JSON. */
export interface ExportedContext {
  request_id: string;
  trace_id: string;
  span_id: string;
  /** W3C trace flags of the unit's trace (`'01'`: sampled), when they are not the default. */
  trace_flags?: string;
  /** The unit's tenant, when it has one (see `canon/tenant`). */
  tenant_id?: string;
  /** The W3C `tracestate` of the unit's trace, when it came with one. */
  tracestate?: string;
}

const OPTION = 'runWithContext(ctx)';

/** The parent stands in for a unit of another thread: it emits nothing, logs go to this thread's instance. */
const remoteOwner: UnitOwner = {
  includeStack: false,
  maxDepth: DEFAULT_LIMITS.depth,
  remote: true,
  emit() {},
  lateWrite() {},
  writeLog(record) {
    currentLogOutput().writeLog(record);
  },
};

/**
 * The ids of the unit in scope, to hand to another thread or process; `undefined`
 * outside any unit.
 *
 * @example
 * import { Worker } from 'node:worker_threads';
 * app.post('/reports', (req, res) => {
 *   new Worker(new URL('./report-worker.js', import.meta.url), { workerData: { ctx: exportContext() } });
 *   res.status(202).end();
 * });
 */
export function exportContext(): ExportedContext | undefined {
  const unit = storage.getStore();
  if (unit === undefined) return undefined;
  const ctx: ExportedContext = {
    request_id: unit.request_id,
    trace_id: unit.trace_id,
    span_id: unit.span_id,
  };
  if (unit.traceFlags !== SAMPLED_FLAGS) ctx.trace_flags = unit.traceFlags;
  if (unit.tenant !== undefined) ctx.tenant_id = unit.tenant;
  if (unit.traceState !== undefined) ctx.tracestate = unit.traceState;
  return ctx;
}

function checkContext(ctx: unknown): ExportedContext {
  if (!isPlainObject(ctx)) {
    throw invalidOption(OPTION, `expected what exportContext() returned, got ${describe(ctx)}`);
  }
  const { request_id, trace_id, span_id, trace_flags, tenant_id, tracestate } = ctx;
  if (typeof request_id !== 'string' || request_id === '' || request_id.length > 128) {
    throw invalidOption(
      `${OPTION}.request_id`,
      `expected a string of 1-128 characters, got ${describe(request_id)}`,
    );
  }
  if (typeof trace_id !== 'string' || !TRACE_ID_PATTERN.test(trace_id)) {
    throw invalidOption(`${OPTION}.trace_id`, `expected 32 lowercase hex digits, got ${describe(trace_id)}`);
  }
  if (typeof span_id !== 'string' || !SPAN_ID_PATTERN.test(span_id)) {
    throw invalidOption(`${OPTION}.span_id`, `expected 16 lowercase hex digits, got ${describe(span_id)}`);
  }
  if (trace_flags !== undefined && (typeof trace_flags !== 'string' || !TRACE_FLAGS_PATTERN.test(trace_flags))) {
    throw invalidOption(`${OPTION}.trace_flags`, `expected 2 lowercase hex digits, got ${describe(trace_flags)}`);
  }
  if (tenant_id !== undefined && typeof tenant_id !== 'string') {
    throw invalidOption(`${OPTION}.tenant_id`, `expected a string, got ${describe(tenant_id)}`);
  }
  const validState = typeof tracestate === 'string' && parseTracestate(tracestate) !== undefined;
  if (tracestate !== undefined && !validState) {
    throw invalidOption(
      `${OPTION}.tracestate`,
      `expected a valid W3C tracestate list (key=value,…), got ${describe(tracestate)}`,
    );
  }
  return ctx as unknown as ExportedContext;
}

/**
 * Runs `fn` with the context of a unit from another thread restored: log lines written
 * inside carry its `request_id`, `trace_id` and `span_id`, and `canon.run` inside starts a
 * child unit of it. There is no event of that unit here, so `getWideEvent()` stays
 * `undefined` until a `canon.run` starts one. With `ctx` undefined (exported outside any
 * unit), `fn` runs outside any unit. Returns `fn`'s result. A malformed `ctx` throws a
 * `CanonOptionError` naming the field.
 *
 * @example
 * // report-worker.js
 * import { workerData } from 'node:worker_threads';
 * import { createCanon, runWithContext } from 'canon';
 * const canon = createCanon({ service: 'reports' });
 * await runWithContext(workerData.ctx, () =>
 *   canon.run({ kind: 'job', job: { name: 'render-report' } }, renderReport),
 * );
 */
export function runWithContext<T>(ctx: ExportedContext | undefined, fn: () => T): T {
  if (typeof fn !== 'function')
    throw invalidOption('runWithContext(fn)', `expected a function, got ${describe(fn)}`);
  if (ctx === undefined) return storage.exit(fn);
  const { request_id, trace_id, span_id, trace_flags, tenant_id, tracestate } = checkContext(ctx);
  const fields: Fields = { request_id, trace_id, span_id };
  if (tenant_id !== undefined) fields.tenant_id = tenant_id;
  const parent = new WideEvent(remoteOwner, fields, request_id, trace_id, span_id);
  parent.emitted = true; // writes to it are dropped: its event lives in the other thread
  parent.tenant = tenant_id; // getTenant() and withTenant() work in the other thread too
  if (trace_flags !== undefined) parent.traceFlags = trace_flags; // child units keep the sampling decision
  if (tracestate !== undefined) parent.traceState = parseTracestate(tracestate); // and the vendors' trace state
  return storage.run(parent, fn);
}
