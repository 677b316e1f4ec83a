/**
 * @module canon/read/query/duckdb
 * Loads DuckDB (`@duckdb/node-api`, an optional peer dependency) on first use, and turns
 * its values into plain JSON values: BIGINT → number (string past 2^53), TIMESTAMP →
 * ISO-8601 like Canon writes it, STRUCT → object, LIST → array, MAP → object, DECIMAL →
 * number.
 */
import { CanonError, ErrorCodes } from '../../core/errors.js';

export type DuckDB = typeof import('@duckdb/node-api');

/** The package to install, as the error message says it. */
export const DUCKDB_PACKAGE = '@duckdb/node-api';

let loading: Promise<DuckDB> | undefined;

/**
 * Imports DuckDB; a `CANON_MISSING_DEPENDENCY` error saying what to install when it
 * cannot be loaded.
 *
 * @example
 * const { DuckDBInstance } = await loadDuckDB();
 */
export function loadDuckDB(): Promise<DuckDB> {
  loading ??= import('@duckdb/node-api').catch((err: NodeJS.ErrnoException) => {
    loading = undefined;
    const missing = err?.code === 'ERR_MODULE_NOT_FOUND' || err?.code === 'MODULE_NOT_FOUND';
    const detail = missing ? 'it is not installed' : `it failed to load (${err?.message ?? err})`;
    throw new CanonError(
      ErrorCodes.MISSING_DEPENDENCY,
      `canon: querying events needs DuckDB, and ${detail}: npm install ${DUCKDB_PACKAGE}`,
      { package: DUCKDB_PACKAGE },
      { cause: err },
    );
  });
  return loading;
}

function toIso(micros: bigint): string {
  return new Date(Number(micros / 1000n)).toISOString();
}

/**
 * A DuckDB value as a plain JSON value.
 *
 * @example
 * plainValue(duckdb, 200n) // 200
 */
export function plainValue(duckdb: DuckDB, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (typeof value !== 'object') return value;
  if (value instanceof duckdb.DuckDBStructValue) {
    const out: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value.entries)) out[key] = plainValue(duckdb, entry);
    return out;
  }
  if (value instanceof duckdb.DuckDBListValue || value instanceof duckdb.DuckDBArrayValue) {
    return value.items.map((item) => plainValue(duckdb, item));
  }
  if (value instanceof duckdb.DuckDBMapValue) {
    const out: Record<string, unknown> = {};
    for (const { key, value: entry } of value.entries) out[String(plainValue(duckdb, key))] = plainValue(duckdb, entry);
    return out;
  }
  if (value instanceof duckdb.DuckDBTimestampValue || value instanceof duckdb.DuckDBTimestampTZValue) {
    return toIso(value.micros);
  }
  if (value instanceof duckdb.DuckDBDecimalValue) return value.toDouble();
  return String(value);
}
