/**
 * @module canon/logger/levels
 * Log levels, with pino's numbers: `trace` 10, `debug` 20, `info` 30, `warn` 40,
 * `error` 50, `fatal` 60, and `silent`, which writes nothing.
 */
import { describe, invalidOption } from '../core/errors.js';

/** A level a line is written at. */
export type LevelName = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** A logger's threshold: a level name, or `'silent'` to write nothing. */
export type LogLevel = LevelName | 'silent';

/** The levels, lowest first. */
export const LEVEL_NAMES: readonly LevelName[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/** Level → number, as in pino. */
export const LEVEL_VALUES: Readonly<Record<LogLevel, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Number.POSITIVE_INFINITY,
};

/**
 * Reads a level name (case-insensitive, as env variables are often upper case); throws a
 * `CanonOptionError` naming `option` for anything else.
 *
 * @example
 * parseLevel('DEBUG', 'LOG_LEVEL') // 'debug'
 * parseLevel('verbose', 'level')   // throws: canon: invalid option `level`: ...
 */
export function parseLevel(value: unknown, option: string): LogLevel {
  const name = typeof value === 'string' ? value.trim().toLowerCase() : value;
  if (typeof name === 'string' && Object.hasOwn(LEVEL_VALUES, name)) return name as LogLevel;
  throw invalidOption(
    option,
    `expected one of ${[...LEVEL_NAMES, 'silent'].join(', ')}, got ${describe(value)}`,
  );
}
