/**
 * @module canon/tracking/fetch/install
 * `installFetchTracking()`: composes the tracking interceptor onto undici's global
 * dispatcher, the one the global `fetch` uses, and gives back a way to take it off.
 */
import { createRequire } from 'node:module';
import { type Dispatch, type Interceptor, trackingInterceptor } from './interceptor.js';
import { type FetchTrackingOptions, resolveFetchOptions } from './options.js';

interface Dispatcher {
  dispatch: Dispatch;
  compose?: (...interceptors: Interceptor[]) => Dispatcher;
}

interface Undici {
  getGlobalDispatcher(): Dispatcher;
  setGlobalDispatcher(dispatcher: Dispatcher): void;
}

let uninstallCurrent: (() => void) | undefined;

/** True while `installFetchTracking()` is in effect. */
export function isFetchTrackingInstalled(): boolean {
  return uninstallCurrent !== undefined;
}

function loadUndici(): Undici {
  try {
    return createRequire(import.meta.url)('undici') as Undici;
  } catch (cause) {
    throw new Error('canon/fetch: installFetchTracking() needs the `undici` package (npm install undici)', {
      cause,
    });
  }
}

/**
 * Tracks every request made with the global `fetch` (and anything else on undici's
 * global dispatcher) inside a unit of work, and propagates `traceparent` and
 * `x-request-id`. Returns `uninstall()`. Installing again returns the same `uninstall`
 * (the first options stay).
 *
 * @example
 * import { installFetchTracking } from 'canon/fetch';
 * const uninstall = installFetchTracking({ maxCalls: 50 });
 * await fetch('https://api.example.com/rates'); // inside a request: recorded in event.external
 * uninstall();
 */
export function installFetchTracking(options?: FetchTrackingOptions): () => void {
  const resolved = resolveFetchOptions(options, 'installFetchTracking');
  if (uninstallCurrent) return uninstallCurrent;
  const undici = loadUndici();
  const base = undici.getGlobalDispatcher();
  if (typeof base?.compose !== 'function') {
    throw new Error('canon/fetch: the global undici dispatcher has no compose(); undici >= 6.11 is required');
  }
  let active = true;
  const tracked = base.compose(trackingInterceptor(resolved, () => active));
  undici.setGlobalDispatcher(tracked);
  const uninstall = (): void => {
    if (!active) return;
    active = false; // if another dispatcher was composed on top of ours, ours now passes through
    uninstallCurrent = undefined;
    if (undici.getGlobalDispatcher() === tracked) undici.setGlobalDispatcher(base);
  };
  uninstallCurrent = uninstall;
  return uninstall;
}
