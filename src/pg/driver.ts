/**
 * @module pg/driver
 * Internal (no subpath; `canon/pg` is query tracking, in `src/tracking/pg/`): the parts of
 * node-postgres and PGlite that Canon calls, as structural types. `pg` and
 * `@electric-sql/pglite` are optional peers, so the published declarations never import
 * them: a PostgreSQL user of `canon/outbox` or `canon/consumer` needs no PGlite types and
 * a PGlite user no `@types/pg`. A real `pg.Pool` or `PGlite` fits these shapes, and the
 * `ClientOf`/`TransactionOf` helpers give callbacks the driver's own client type back.
 */

/** A client checked out of a node-postgres pool (`pg.PoolClient` fits). */
export interface PgPoolClient {
  query(text: string, values?: unknown[]): Promise<unknown>;
  on(event: 'notification', listener: (message: { channel: string; payload?: string }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  off(event: string, listener: (...args: any[]) => void): unknown;
  /** Returns the client to the pool; an error (or `true`) destroys it instead. */
  release(error?: Error | boolean): void;
}

/** A node-postgres `Pool` (`new pg.Pool(…)` fits). */
export interface PgPool {
  query(text: string, values?: unknown[]): Promise<unknown>;
  connect(): Promise<PgPoolClient>;
}

/**
 * The client type a pool hands out: `pg.PoolClient` for a `pg.Pool`. pg's `Pool.connect`
 * is overloaded (promise and callback forms), so both are matched to infer the promise's
 * client rather than the last overload's.
 */
export type ClientOf<P> = P extends {
  connect(): Promise<infer C>;
  connect(callback: (...args: any[]) => void): void;
}
  ? C
  : P extends { connect(): Promise<infer C> }
    ? C
    : never;

/** A PGlite transaction (`Transaction` of `@electric-sql/pglite` fits). */
export interface PgliteTransaction {
  query(text: string, params?: unknown[]): Promise<unknown>;
}

/** A PGlite instance (`new PGlite(…)` fits). */
export interface PgliteDb {
  readonly closed: boolean;
  query(text: string, params?: unknown[]): Promise<unknown>;
  transaction<T>(fn: (tx: PgliteTransaction) => Promise<T>): Promise<T>;
  listen(channel: string, callback: (payload: string) => void): Promise<() => Promise<void>>;
}

/** The transaction type a PGlite instance hands to `transaction(fn)`: PGlite's `Transaction`. */
export type TransactionOf<D> = D extends { transaction(fn: (tx: infer X) => Promise<any>): Promise<any> }
  ? X
  : never;
