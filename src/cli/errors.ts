/**
 * @module canon/cli/errors
 * How the command fails: exit 0 ok, 1 no match or check failed, 2 usage error, missing
 * dependency or a failure; always one clear line on stderr, never a stack trace.
 */
import { CanonError, CanonOptionError } from '../core/errors.js';

export const EXIT_OK = 0;
export const EXIT_NO_MATCH = 1;
export const EXIT_ERROR = 2;

/** A usage error: wrong command, option or argument. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The one line to print for `error`.
 *
 * @example
 * errorLine(new UsageError('canon: unknown command "foo"')) // 'canon: unknown command "foo"'
 */
export function errorLine(error: unknown): string {
  if (error instanceof UsageError || error instanceof CanonError || error instanceof CanonOptionError) {
    const message = error.message.split('\n')[0];
    return message.startsWith('canon') ? message : `canon: ${message}`;
  }
  const err = error as NodeJS.ErrnoException;
  if (err?.code === 'ECONNREFUSED') return `canon: cannot connect to the database (${err.message})`;
  const message = String(err?.message ?? error).split('\n')[0];
  return `canon: ${message}`;
}
