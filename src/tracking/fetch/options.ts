/**
 * @module canon/tracking/fetch/options
 * Options shared by `createTrackedFetch` and `installFetchTracking`, validated once.
 */
import { describe, invalidOption } from '../../core/errors.js';
import { isPlainObject } from '../../core/paths.js';

export interface FetchTrackingOptions {
  /** At most this many calls are listed in `external.calls` per event (default 20); more are counted in `external.calls_dropped`. */
  maxCalls?: number;
  /**
   * Send `traceparent` and `x-request-id` to the callee (default true). A function
   * decides per origin (`'https://api.example.com'`), e.g. to keep ids inside your network.
   */
  propagate?: boolean | ((origin: string) => boolean);
}

/** The options with defaults applied (what the trackers use). */
export interface ResolvedFetchOptions {
  maxCalls: number;
  propagate: (origin: string) => boolean;
}

const always = () => true;
const never = () => false;

/**
 * Validates fetch tracking options; throws a `CanonOptionError` naming the option.
 *
 * @example
 * resolveFetchOptions({ maxCalls: 5 }, 'installFetchTracking').maxCalls // 5
 */
export function resolveFetchOptions(options: unknown, caller: string): ResolvedFetchOptions {
  if (options === undefined) return { maxCalls: 20, propagate: always };
  if (!isPlainObject(options))
    throw invalidOption(`${caller}(options)`, `expected an object, got ${describe(options)}`);
  const { maxCalls = 20, propagate = true, ...unknown } = options as FetchTrackingOptions;
  const extra = Object.keys(unknown)[0];
  if (extra !== undefined)
    throw invalidOption(`${caller}.${extra}`, 'unknown option (known: maxCalls, propagate)');
  if (!Number.isInteger(maxCalls) || maxCalls < 0) {
    throw invalidOption(`${caller}.maxCalls`, `expected an integer >= 0, got ${describe(maxCalls)}`);
  }
  if (typeof propagate !== 'boolean' && typeof propagate !== 'function') {
    throw invalidOption(
      `${caller}.propagate`,
      `expected a boolean or a function, got ${describe(propagate)}`,
    );
  }
  return { maxCalls, propagate: propagate === true ? always : propagate === false ? never : propagate };
}
