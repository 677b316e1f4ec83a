/**
 * @module canon/read/query/duckdb
 * Loads DuckDB (`@duckdb/node-api`, an optional peer dependency) on first use, and turns
 * its values into plain JSON values: BIGINT → number (string past 2^53), TIMESTAMP →
 * ISO-8601 like Canon writes it, STRUCT → object, LIST → array, MAP → object, DECIMAL →
 * number, JSON (a field whose type varies between lines) → the value it holds.
 */
import { CanonError, ErrorCodes } from '../../core/errors.js';

export type DuckDB = typeof import('@duckdb/node-api');
type DuckDBType = import('@duckdb/node-api').DuckDBType;

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
 * A DuckDB value of `type` as a plain JSON value.
 *
 * @example
 * plainValue(duckdb, 200n) // 200
 */
export function plainValue(duckdb: DuckDB, value: unknown, type?: DuckDBType): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (typeof value === 'string' && type?.alias === 'JSON') {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  if (typeof value !== 'object') return value;
  if (value instanceof duckdb.DuckDBStructValue) {
    const struct = type instanceof duckdb.DuckDBStructType ? type : undefined;
    const out: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value.entries)) {
      const index = struct ? struct.entryNames.indexOf(key) : -1;
      out[key] = plainValue(duckdb, entry, index >= 0 ? struct?.entryTypes[index] : undefined);
    }
    return out;
  }
  if (value instanceof duckdb.DuckDBListValue || value instanceof duckdb.DuckDBArrayValue) {
    const item = type instanceof duckdb.DuckDBListType || type instanceof duckdb.DuckDBArrayType ? type.valueType : undefined;
    return value.items.map((entry) => plainValue(duckdb, entry, item));
  }
  if (value instanceof duckdb.DuckDBMapValue) {
    const item = type instanceof duckdb.DuckDBMapType ? type.valueType : undefined;
    const out: Record<string, unknown> = {};
    for (const { key, value: entry } of value.entries) out[String(plainValue(duckdb, key))] = plainValue(duckdb, entry, item);
    return out;
  }
  if (value instanceof duckdb.DuckDBTimestampValue || value instanceof duckdb.DuckDBTimestampTZValue) {
    return toIso(value.micros);
  }
  if (value instanceof duckdb.DuckDBDecimalValue) return value.toDouble();
  return String(value);
}
