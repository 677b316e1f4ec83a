/**
 * @module canon/tracking/fetch/interceptor
 * An undici dispatcher interceptor that tracks every request dispatched inside a unit
 * of work — global `fetch`, `undici.request`, anything built on undici — and adds the
 * propagation headers. It wraps handlers of both undici handler APIs (v7's
 * `onResponseStart`… and the legacy `onHeaders`… that Node's bundled undici uses).
 */
import { performance } from 'node:perf_hooks';
import { storage } from '../../core/context.js';
import { type FetchTrackingOptions, type ResolvedFetchOptions, resolveFetchOptions } from './options.js';
import { withPropagation } from './propagation.js';
import { recordCall } from './record.js';

type Handler = Record<string, unknown>;
type Finish = (status?: number, error?: unknown) => void;

/** The shape of an undici dispatch function. */
export type Dispatch = (options: any, handler: any) => boolean;
/** An undici interceptor: `dispatcher.compose(interceptor)`. */
export type Interceptor = (dispatch: Dispatch) => Dispatch;

/** Handler methods that report the status (argument 1 or 0) or the failure (last argument). */
const STATUS_AT: Record<string, number> = {
  onResponseStart: 1,
  onRequestUpgrade: 1,
  onHeaders: 0,
  onUpgrade: 0,
};
const ERROR_HOOKS = new Set(['onResponseError', 'onError']);
const HOOKS = [
  'onRequestStart',
  'onRequestUpgrade',
  'onResponseStart',
  'onResponseData',
  'onResponseEnd',
  'onResponseError',
  'onConnect',
  'onUpgrade',
  'onResponseStarted',
  'onHeaders',
  'onData',
  'onComplete',
  'onError',
  'onBodySent',
  'onRequestSent',
];

/** 1xx responses but 101 (an upgrade) are informational (`103 Early Hints`): the final one follows. */
const isInformational = (status: unknown) => typeof status === 'number' && status < 200 && status !== 101;

/** A handler that calls `finish` at the final status or the failure, then delegates (`this` = original). */
function observe(handler: Handler, finish: Finish): Handler {
  const observed: Handler = {};
  for (const hook of HOOKS) {
    const method = handler[hook];
    if (typeof method !== 'function') continue;
    const statusAt = STATUS_AT[hook];
    observed[hook] = (...args: unknown[]) => {
      if (statusAt !== undefined) {
        const status = args[statusAt];
        if (!isInformational(status)) finish(status as number);
      } else if (ERROR_HOOKS.has(hook)) finish(undefined, args[args.length - 1]);
      return method.apply(handler, args);
    };
  }
  return observed;
}

const hosts = new Map<string, string>();
function hostOf(origin: string): string {
  let host = hosts.get(origin);
  if (host === undefined) {
    try {
      host = new URL(origin).host;
    } catch {
      host = origin;
    }
    if (hosts.size >= 256) hosts.clear();
    hosts.set(origin, host);
  }
  return host;
}

/** The interceptor with resolved options; `isActive()` false makes it a pass-through (used by `installFetchTracking`). */
export function trackingInterceptor(
  options: ResolvedFetchOptions,
  isActive: () => boolean = () => true,
): Interceptor {
  return (dispatch) =>
    function canonTrackedDispatch(opts, handler) {
      const unit = storage.getStore();
      if (unit === undefined || !isActive()) return dispatch(opts, handler);
      const origin = String(opts.origin ?? '');
      const host = hostOf(origin);
      const method = String(opts.method ?? 'GET').toUpperCase();
      let spanId: string | undefined;
      if (options.propagate(origin)) {
        const propagated = withPropagation(opts.headers, unit, options.maxCalls);
        opts = { ...opts, headers: propagated.headers };
        spanId = propagated.spanId;
      }
      const started = performance.now();
      let done = false;
      const finish: Finish = (status, error) => {
        if (done) return;
        done = true;
        recordCall(unit, started, host, method, options, spanId, status, error);
      };
      try {
        return dispatch(opts, observe(handler, finish));
      } catch (err) {
        finish(undefined, err);
        throw err;
      }
    };
}

/**
 * An undici interceptor for dispatchers you compose yourself (`installFetchTracking`
 * uses it on the global dispatcher).
 *
 * @example
 * import { Agent } from 'undici';
 * import { fetchTrackingInterceptor } from 'canon/fetch';
 * const agent = new Agent().compose(fetchTrackingInterceptor());
 * await fetch('https://api.example.com/', { dispatcher: agent });
 */
export function fetchTrackingInterceptor(options?: FetchTrackingOptions): Interceptor {
  return trackingInterceptor(resolveFetchOptions(options, 'fetchTrackingInterceptor'));
}
