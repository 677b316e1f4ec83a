/**
 * @module canon/core/canon
 * `createCanon`: one instance owns a configuration, its sinks and its stats, starts
 * units of work (HTTP requests through the adapters, jobs through `canon.run`) and emits
 * exactly one event for each.
 */
import type { AuditInput } from '../audit/record.js';
import { createAuditWriter } from '../audit/writer.js';
import { type CanonConfig, type ResolvedConfig, resolveConfig } from './config.js';
import { storage } from './context.js';
import { droppedChannel, lateWriteChannel, publish, sinkErrorChannel, unitStartChannel } from './diagnostics.js';
import { type RequestHeaders, type UnitOwner, WideEvent } from './event.js';
import { type ExitTarget, onProcessExit } from './exit.js';
import { newSpanId, newTraceId, uuidv7 } from './ids.js';
import { isoTimestamp } from './timestamp.js';
import { createLogWriter, releaseLogOutput, setLatestLogOutput } from './log-output.js';
import { type Fields, isPlainObject, isSafeKey } from './paths.js';
import { type CanonStats, createPipeline, newStats } from './pipeline.js';
import { createIdResolver } from './plugin-ids.js';

/** @internal How an adapter describes the unit it starts. */
export interface UnitInit {
  kind: string;
  requestId?: string;
  traceId?: string;
  parentSpanId?: string;
  /**
   * The unit's own span id when the caller has one already (canon/browser-ingest: the span
   * a page sent in a traced call's `traceparent`). Default: a new one.
   */
  spanId?: string;
  /** W3C trace flags of the incoming `traceparent` or the parent unit (default `'01'`). */
  traceFlags?: string;
  /** The validated W3C `tracestate` of the incoming trace (only with `traceId`). */
  traceState?: string;
  /**
   * The request an HTTP unit serves: becomes `method`, `path`, `user_agent` right after the
   * standard fields, with `route` (when `routed`), `status_code` and `response_size_bytes`
   * slots the lifecycle fills in (written as named fields, so events share a few shapes).
   */
  request?: RequestParts;
  /** Fields placed right after the standard ones (and the request's). */
  fields?: Fields;
  /** The request's headers, for plugins (`canon/enrichers`). */
  headers?: RequestHeaders;
}

/** @internal The parts of a request its unit records (see `UnitInit.request`). */
export interface RequestParts {
  method: string | undefined;
  path: string;
  userAgent: string | undefined;
  /**
   * Whether the adapter names a `route` (its slot is kept after `path`); false where no
   * router does (node:http), so the event carries no empty slot.
   */
  routed: boolean;
}

export interface Canon {
  readonly service: string;
  /**
   * Runs `fn` as one unit of work and emits one event for it (`kind` from `fields`, else
   * `'job'`). Inside a request it becomes a child unit: same `trace_id`,
   * `parent_request_id` and `parent_span_id` pointing at the request. If `fn` throws,
   * the outcome is `error` and the error is rethrown.
   */
  run<T>(fields: Fields, fn: (event: WideEvent) => T | Promise<T>): Promise<T>;
  /** Waits for pending events and flushes every sink. */
  flush(): Promise<void>;
  /** Flushes and closes every sink; the instance emits nothing afterwards. */
  close(): Promise<void>;
  /** Counters since creation. */
  stats(): CanonStats;
  /**
   * Writes one audit record (`kind: 'audit'`): never sampled, never dropped by validation,
   * redacted, hash-chained, to the audit sinks; linked to the unit in scope, whose event
   * gets `audit_count`. Throws `CANON_INVALID_AUDIT` when `action`, `actor` or `target`
   * is missing. See `canon/audit`.
   */
  audit(record: AuditInput): void;
  /** @internal Starts a unit of work (adapters call this). */
  startUnit(init: UnitInit): WideEvent;
}

/**
 * What a plugin's `ids()` hook sees of an HTTP unit: its `fields` as the adapter sets them
 * (`method`, `path`, `user_agent`), though the unit writes them straight into its event.
 */
function withRequestFields(init: UnitInit, request: RequestParts): UnitInit {
  const fields: Fields = { method: request.method, path: request.path };
  if (request.userAgent !== undefined) fields.user_agent = request.userAgent;
  return { ...init, fields: { ...fields, ...init.fields } };
}

/** A static field's value for one event: plain objects and arrays copied at every level. */
function staticValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(staticValue);
  if (!isPlainObject(value)) return value;
  const copy: Fields = {};
  for (const key in value) if (Object.hasOwn(value, key) && isSafeKey(key)) copy[key] = staticValue(value[key]);
  return copy;
}

function copyStatic(target: Fields, source: Fields): void {
  for (const key in source) {
    const value = source[key];
    // objects and arrays are copied so a write on one event (enrich, get('tags').push)
    // never reaches another
    target[key] = typeof value === 'object' && value !== null ? staticValue(value) : value;
  }
}

/** `fields.kind` when it is a string, else `'job'`; never throws (a Proxy, a throwing getter). */
function kindOf(fields: unknown): string {
  try {
    const kind = (fields as Fields | null | undefined)?.kind;
    return typeof kind === 'string' ? kind : 'job';
  } catch {
    return 'job';
  }
}

/**
 * Creates a Canon instance. Invalid options throw a `TypeError` naming the option.
 *
 * @example
 * import { createCanon } from 'canon';
 * const canon = createCanon({ service: 'checkout', redact: { fields: ['**.password'] } });
 * await canon.run({ kind: 'job', job: { name: 'nightly-report' } }, async (event) => {
 *   event.set('report.rows', 120);
 * });
 */
export function createCanon(config: CanonConfig = {}): Canon {
  const resolved: ResolvedConfig = resolveConfig(config);
  const stats = newStats();
  const pending = new Set<Promise<void>>();
  const emitEvent = createPipeline(resolved, stats, pending, () => canon);
  const starters = resolved.plugins.filter((plugin) => plugin.onStart);
  const idsFromPlugins = createIdResolver(resolved.plugins);
  let closed = false;

  const owner: UnitOwner = {
    includeStack: resolved.includeStack,
    maxDepth: resolved.limits.depth,
    emit(unit) {
      if (!closed) emitEvent(unit);
    },
    lateWrite(unit, operation, path) {
      stats.late_writes++;
      publish(lateWriteChannel, () => ({ request_id: unit.request_id, operation, path }));
    },
    writeLog(record) {
      if (!closed) writeLog(record);
    },
    audit: (record) => canon.audit(record as AuditInput),
  };
  const writeLog = createLogWriter({
    sinks: resolved.sinks,
    redact: resolved.redact,
    limits: resolved.limits,
    onSinkError(sink, error) {
      stats.sink_errors++;
      publish(sinkErrorChannel, () => ({ sink, error }));
    },
  });

  const auditSinks = resolved.audit.sinks ?? resolved.sinks;
  const allSinks = [...new Set([...resolved.sinks, ...auditSinks])];
  const writeAudit = createAuditWriter({
    base: resolved,
    sinks: auditSinks,
    key: resolved.audit.key,
    redact: resolved.redact,
    validate: resolved.validate,
    limits: resolved.limits,
    includeStack: resolved.includeStack,
    stats,
    pending,
    onSinkError(sink, error) {
      stats.sink_errors++;
      publish(sinkErrorChannel, () => ({ sink, error }));
    },
    onDropped(record, error) {
      stats.dropped++;
      publish(droppedChannel, () => ({ request_id: record.request_id, reason: 'audit', error }));
    },
    instance: () => canon,
  });

  function startUnit(init: UnitInit): WideEvent {
    const requestId = init.requestId ?? uuidv7();
    const ids = idsFromPlugins?.(init.request === undefined ? init : withRequestFields(init, init.request));
    const traceId = ids?.traceId ?? init.traceId ?? newTraceId();
    const spanId = ids?.spanId ?? init.spanId ?? newSpanId();
    // Named writes in one order: events share a few shapes, and the standard fields come
    // first in the output. Absent values get no key; the slots the unit fills in later are
    // held by undefined (left out when serialized). An event whose slots are all filled
    // has no undefined value, which is what the snapshot's fast path needs.
    const fields: Fields = {
      timestamp: isoTimestamp(Date.now()),
      kind: init.kind,
      request_id: requestId,
      trace_id: traceId,
      span_id: spanId,
    };
    const parentSpanId = ids ? ids.parentSpanId : init.parentSpanId;
    if (parentSpanId !== undefined) fields.parent_span_id = parentSpanId;
    fields.service = resolved.service;
    if (resolved.version !== undefined) fields.version = resolved.version;
    fields.host = resolved.host;
    const request = init.request;
    if (request !== undefined) {
      fields.method = request.method;
      fields.path = request.path;
      if (request.routed) fields.route = undefined;
      fields.status_code = undefined;
      fields.response_size_bytes = undefined;
      if (request.userAgent !== undefined) fields.user_agent = request.userAgent;
    }
    const extra = init.fields;
    if (extra) for (const key in extra) fields[key] = extra[key];
    fields.duration_ms = undefined;
    fields.outcome = undefined;
    copyStatic(fields, resolved.staticFields);
    const unit = new WideEvent(owner, fields, requestId, traceId, spanId);
    const traceFlags = ids?.traceFlags ?? init.traceFlags;
    if (traceFlags !== undefined) unit.traceFlags = traceFlags;
    // tracestate belongs to its trace: a plugin's ids of another trace leave it behind
    const sameTrace = ids === undefined || ids.traceId === init.traceId;
    const traceState = ids?.traceState ?? (sameTrace ? init.traceState : undefined);
    if (traceState !== undefined) unit.traceState = traceState;
    if (init.headers !== undefined) unit.requestHeaders = init.headers;
    for (const plugin of starters) {
      try {
        plugin.onStart!(unit);
      } catch {
        // a plugin must not break the unit
      }
    }
    if (unitStartChannel.hasSubscribers) unitStartChannel.publish({ unit, canon });
    return unit;
  }

  async function flushSinks(): Promise<void> {
    await Promise.allSettled([...pending]);
    await Promise.allSettled(allSinks.map(async (sink) => sink.flush?.()));
  }

  let unregister = (): void => {};
  const canon: Canon & ExitTarget = {
    service: resolved.service,
    startUnit,
    async run(fields, fn) {
      const parent = storage.getStore();
      const init: UnitInit = {
        kind: kindOf(fields),
        traceId: parent?.trace_id,
        parentSpanId: parent?.span_id,
        traceFlags: parent?.traceFlags,
        traceState: parent?.traceState,
      };
      const unit = startUnit(init);
      if (parent) {
        unit.fields.parent_request_id = parent.request_id;
        // a job started inside a tenant's request belongs to that tenant (canon/tenant)
        if (parent.tenant !== undefined) unit.fields.tenant_id = unit.tenant = parent.tenant;
      }
      unit.enrich(fields);
      try {
        return await storage.run(unit, () => fn(unit));
      } catch (err) {
        unit.markError(err);
        throw err;
      } finally {
        unit.end();
      }
    },
    audit(record) {
      const unit = storage.getStore();
      if (closed) {
        stats.dropped++;
        publish(droppedChannel, () => ({ request_id: unit?.request_id, reason: 'closed', error: undefined }));
        return;
      }
      writeAudit(record, unit);
      if (unit && !unit.owner.remote) unit.count('audit_count');
    },
    flush: flushSinks,
    async close() {
      await flushSinks();
      closed = true;
      releaseLogOutput(owner);
      unregister();
      await Promise.allSettled(allSinks.map(async (sink) => sink.close?.()));
    },
    stats: () => ({ ...stats }),
    flushSync() {
      for (const sink of allSinks) sink.flushSync?.();
    },
  };
  if (resolved.handleExit) unregister = onProcessExit(canon);
  setLatestLogOutput(owner);
  return canon;
}
