/**
 * @module canon/browser/options
 * Option checks of `createEventStream` and `initTelemetry`: a bad option throws a
 * `TypeError` naming it, with the same `code` and `option` as Canon's server-side
 * `CanonOptionError`, when the stream or the telemetry is created — never later.
 */

/** The error thrown for a bad option: `code` `'CANON_INVALID_OPTION'`, `option` its name. */
export interface BrowserOptionError extends TypeError {
  code: 'CANON_INVALID_OPTION';
  option: string;
}

function what(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

/**
 * @internal Throws a {@link BrowserOptionError} unless `ok`.
 *
 * @example
 * check(typeof url === 'string', 'url', 'a string', url);
 */
export function check(ok: boolean, option: string, expected: string, value: unknown): void {
  if (ok) return;
  const error = new TypeError(
    `canon/browser: invalid option \`${option}\`: expected ${expected}, got ${what(value)}`,
  ) as BrowserOptionError;
  error.code = 'CANON_INVALID_OPTION';
  error.option = option;
  throw error;
}

/** @internal True for a finite number within `[min, max]`, or undefined. */
export function inRange(value: unknown, min: number, max: number): boolean {
  return value === undefined || (typeof value === 'number' && value >= min && value <= max);
}

/**
 * @internal Calls a user callback; what it throws is rethrown on its own task, so it shows
 * as an uncaught error (and reaches `initTelemetry`) without breaking Canon's code.
 *
 * @example
 * safely(options.onStatus, 'open');
 */
export function safely<T>(fn: ((value: T) => void) | undefined, value: T): void {
  try {
    fn?.(value);
  } catch (error) {
    setTimeout(() => {
      throw error;
    });
  }
}
