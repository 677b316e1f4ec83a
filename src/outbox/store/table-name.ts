/**
 * @module canon/outbox/store/table-name
 * Validated table names for the queue tables (outbox, webhook deliveries, inbox...):
 * lowercase SQL identifiers, optionally schema-qualified, so they can be quoted into SQL
 * safely and derive index names, a NOTIFY channel and an advisory-lock key.
 */
import { describe, invalidOption } from '../../core/errors.js';

/** One identifier: 48 characters leave room for index-name suffixes within PostgreSQL's 63. */
const PART = '[a-z_][a-z0-9_]{0,47}';
const TABLE_NAME = new RegExp(`^(?:(${PART})\\.)?(${PART})$`);

export interface TableName {
  /** The name as given: `outbox` or `app.outbox`. */
  readonly text: string;
  /** Schema, when qualified. */
  readonly schema?: string;
  /** Unqualified table name. */
  readonly name: string;
  /** Quoted and qualified, ready for SQL: `"app"."outbox"`. */
  readonly sql: string;
  /** LISTEN/NOTIFY channel for this table (a lowercase identifier). */
  readonly channel: string;
  /** Key for `pg_advisory_xact_lock(int, int)` serializing claims on this table. */
  readonly lockKey: number;
  /** Quoted name of an index or other object of this table: `"outbox_<suffix>"`. */
  object(suffix: string): string;
}

/** 32-bit FNV-1a, as a signed int for PostgreSQL's `int4`. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

/**
 * Parses and validates a table name; a `TypeError` naming `option` when it has anything
 * but lowercase letters, digits and `_` (one `.` for the schema).
 *
 * @example
 * parseTableName('app.outbox').sql // '"app"."outbox"'
 * parseTableName('outbox; DROP TABLE users') // throws: invalid option `table`
 */
export function parseTableName(value: unknown, option = 'table'): TableName {
  const match = typeof value === 'string' ? TABLE_NAME.exec(value) : null;
  if (!match) {
    throw invalidOption(
      option,
      `expected a lowercase SQL identifier, optionally schema-qualified ("outbox", "app.outbox"; letters a-z, digits, _; at most 48 characters per part), got ${describe(value)}`,
    );
  }
  const [text, schema, name] = match;
  const channel = `canon_${schema ? `${schema}_` : ''}${name}`.slice(0, 63);
  return {
    text,
    schema,
    name,
    sql: schema ? `"${schema}"."${name}"` : `"${name}"`,
    channel,
    lockKey: hash32(text),
    object: (suffix) => `"${name}_${suffix}"`,
  };
}
