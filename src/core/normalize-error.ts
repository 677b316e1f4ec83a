/**
 * @module canon/core/normalize-error
 * Turns anything thrown into the event's `error` object: `{ type, message, code?,
 * status?, retriable?, cause?, errors?, stack? }`, following `cause` chains (depth 5)
 * and `AggregateError` members. Never throws, whatever it is given.
 */

export interface NormalizedError {
  type: string;
  message: string;
  code?: string | number;
  status?: number;
  retriable?: boolean;
  cause?: NormalizedError;
  errors?: NormalizedError[];
  stack?: string;
  [extra: string]: unknown;
}

export interface NormalizeOptions {
  /** Include `stack` (default false: stacks are long and rarely queried). */
  includeStack?: boolean;
}

const MAX_CAUSE_DEPTH = 5;
const MAX_AGGREGATE_MEMBERS = 10;

/**
 * Normalizes a thrown value.
 *
 * @example
 * normalizeError(new Error('boom', { cause: new TypeError('bad') }))
 * // { type: 'Error', message: 'boom', cause: { type: 'TypeError', message: 'bad' } }
 */
export function normalizeError(err: unknown, options: NormalizeOptions = {}, depth = 0): NormalizedError {
  try {
    if (err === null || typeof err !== 'object') {
      return { type: typeof err, message: String(err) };
    }
    const e = err as Record<string, unknown>;
    const out: NormalizedError = {
      type: typeof e.name === 'string' && e.name ? e.name : (err.constructor?.name ?? 'Error'),
      message: typeof e.message === 'string' ? e.message : safeString(err),
    };
    if (typeof e.code === 'string' || typeof e.code === 'number') out.code = e.code;
    const status = typeof e.status === 'number' ? e.status : e.statusCode;
    if (typeof status === 'number') out.status = status;
    if (typeof e.retriable === 'boolean') out.retriable = e.retriable;
    else if (typeof e.retryable === 'boolean') out.retriable = e.retryable;
    if (e.cause !== undefined && depth < MAX_CAUSE_DEPTH) {
      out.cause = normalizeError(e.cause, options, depth + 1);
    }
    if (Array.isArray(e.errors) && depth < MAX_CAUSE_DEPTH) {
      out.errors = e.errors
        .slice(0, MAX_AGGREGATE_MEMBERS)
        .map((member) => normalizeError(member, options, depth + 1));
    }
    if (options.includeStack && typeof e.stack === 'string') out.stack = e.stack;
    return out;
  } catch {
    return { type: 'Unknown', message: 'unreadable error' };
  }
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return '[unprintable]';
  }
}
