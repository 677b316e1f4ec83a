/**
 * @module canon/outbox/store/literal
 * SQL literals for statements sent without parameters (a store's `script`, which runs
 * several statements in one round trip and so cannot bind `$n` values).
 */
import { describe, invalidOption } from '../../core/errors.js';

/**
 * A PostgreSQL literal for a string or a finite number. Strings become escape-string
 * constants (`E'…'`, quotes and backslashes doubled), read the same whatever
 * `standard_conforming_strings` says.
 *
 * @example
 * sqlLiteral("host:1'2") // E'host:1''2'
 * sqlLiteral(30000) // '30000'
 */
export function sqlLiteral(value: string | number): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw invalidOption('value', `expected a finite number, got ${describe(value)}`);
    return String(value);
  }
  if (value.includes('\0')) throw invalidOption('value', 'a SQL text value cannot contain a NUL character');
  return `E'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}
