/**
 * @module canon/outbox/store/types
 * The small database interface the outbox (and the webhook and broker delivery queues
 * built on the same machinery) needs. Two implementations: `pgStore(pool)` for
 * node-postgres and `pgliteStore(db)` for embedded PGlite. Anything that speaks
 * PostgreSQL through `query(sql, params)` can be adapted in a few lines.
 */

/**
 * Anything with node-postgres' or PGlite's `query(text, params)`: a `pg` Pool or client,
 * a PGlite instance or transaction. The caller's transaction handle in `enqueue(tx, …)`.
 */
export interface Queryable {
  query(text: string, params?: unknown[]): Promise<unknown>;
}

/** A query result, normalized across drivers. */
export interface SqlResult<Row = Record<string, unknown>> {
  rows: Row[];
  /** Rows inserted, updated, deleted or returned. */
  rowCount: number;
}

/** Stops a LISTEN subscription. */
export type Unlisten = () => Promise<void>;

export interface OutboxStore {
  /** `'pg'`, `'pglite'`, …: shown in errors and wide events. */
  readonly kind: string;
  /** Runs one statement on its own (autocommit). */
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<SqlResult<Row>>;
  /** Runs `fn` in a transaction on one connection: COMMIT when it resolves, ROLLBACK when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Calls `onNotify` for each NOTIFY on `channel` (a lowercase identifier) until the
   * returned function is called. Resolves once listening. A store that loses its
   * listening connection reconnects by itself; missed notifications are covered by the
   * relay's polling.
   */
  listen(channel: string, onNotify: () => void): Promise<Unlisten>;
  /**
   * Optional. Runs `sql`, statements separated by `;` and without parameters (values
   * inlined as literals), on one connection in a single round trip; resolves to each
   * statement's result, in order. When a statement fails, the rest are skipped and a
   * transaction the script opened is rolled back before the connection is reused. Claims
   * use it to lock and lease in one round trip instead of four (BEGIN, lock, lease,
   * COMMIT); without it they run through `transaction`.
   */
  script?(sql: string): Promise<SqlResult[]>;
}

/**
 * Runs `text` on any {@link Queryable} and normalizes the result
 * (node-postgres `rowCount`, PGlite `affectedRows`/`rowCount`).
 *
 * @example
 * const { rows } = await runQuery(client, 'SELECT 1 AS one');
 */
export async function runQuery<Row = Record<string, unknown>>(
  db: Queryable,
  text: string,
  params?: unknown[],
): Promise<SqlResult<Row>> {
  return toSqlResult<Row>(await db.query(text, params));
}

/**
 * Normalizes one driver result (node-postgres `rowCount`, PGlite `affectedRows`/`rowCount`).
 *
 * @example
 * toSqlResult(await client.query('SELECT 1 AS one')) // { rows: [{ one: 1 }], rowCount: 1 }
 */
export function toSqlResult<Row = Record<string, unknown>>(result: unknown): SqlResult<Row> {
  const raw = result as { rows?: Row[]; rowCount?: number | null; affectedRows?: number } | undefined;
  const rows = raw?.rows ?? [];
  return { rows, rowCount: raw?.rowCount ?? raw?.affectedRows ?? rows.length };
}
