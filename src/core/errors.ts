/**
 * @module canon/core/errors
 * The one registry of Canon's own errors. Every error Canon throws carries a stable
 * `code` (listed in docs/errors.md) so users can search and branch on it.
 */

/** Stable error codes. Add new codes here and document them in docs/errors.md. */
export const ErrorCodes = {
  INVALID_OPTION: 'CANON_INVALID_OPTION',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/**
 * A configuration error: a `TypeError` whose message starts with the offending option.
 *
 * @example
 * try { createCanon({ sample: 5 as never }) } catch (err) {
 *   err.code   // 'CANON_INVALID_OPTION'
 *   err.option // 'sample'
 * }
 */
export class CanonOptionError extends TypeError {
  readonly code: ErrorCode = ErrorCodes.INVALID_OPTION;
  constructor(
    readonly option: string,
    detail: string,
  ) {
    super(`canon: invalid option \`${option}\`: ${detail}`);
    this.name = 'CanonOptionError';
  }
}

/** Builds a {@link CanonOptionError}; a shorthand for `throw invalidOption(...)`. */
export function invalidOption(option: string, detail: string): CanonOptionError {
  return new CanonOptionError(option, detail);
}

/** Describes a value for error messages without dumping it whole. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
