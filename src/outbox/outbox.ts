/**
 * @module canon/outbox/outbox
 * `createOutbox`: the outbox table of one store. Events are enqueued in the caller's
 * transaction, so they are stored if and only if the business change commits; a relay
 * (see ./relay) publishes them afterwards.
 */
import { describe, invalidOption } from '../core/errors.js';
import type { EventEnvelope } from '../events/envelope.js';
import {
  assertInTransaction,
  type EnqueueEntry,
  type EnqueueOptions,
  insertRows,
  insertSql,
  toRow,
} from './enqueue.js';
import { cleanup, counts, redrive } from './queue/maintenance.js';
import type { QueueSpec } from './queue/spec.js';
import { outboxMigrations, outboxSpec } from './schema.js';
import { migrateTable } from './store/migrate.js';
import { parseTableName } from './store/table-name.js';
import type { OutboxStore, Queryable } from './store/types.js';
import { booleanOption, rejectUnknownOptions } from '../core/option-checks.js';

export interface OutboxOptions {
  /** `pgStore(pool)` or `pgliteStore(db)`. */
  store: OutboxStore;
  /** Table name, optionally schema-qualified (default `'canon_outbox'`). */
  table?: string;
  /** Refuse `enqueue` outside a transaction (costs a SAVEPOINT round trip per call; default false). */
  requireTransaction?: boolean;
  /** NOTIFY relays on commit (default true). Turn off only when no relay listens. */
  notify?: boolean;
}

export interface RedriveFilter {
  /** Only these event ids. */
  ids?: string[];
  /** Only this event type. */
  type?: string;
  /** Only this ordering key. */
  key?: string;
}

export interface OutboxStats {
  /** Waiting to be published (due, or backing off before a retry). */
  pending: number;
  /** Leased by a relay right now. */
  in_flight: number;
  /** Given up after `maxAttempts`; see `last_error`, then `redrive`. */
  dead: number;
  /** Published and not yet deleted by retention. */
  published: number;
  /** Age in ms of the oldest unpublished event (0 when none). */
  lag_ms: number;
}

export interface Outbox {
  /** The table, as given (`'app.outbox'`). */
  readonly table: string;
  readonly store: OutboxStore;
  /** @internal */
  readonly spec: QueueSpec;
  /** Creates or upgrades the table and its indexes; safe to call on every start. */
  migrate(): Promise<void>;
  /** Writes `event` through `tx`, the caller's transaction. */
  enqueue(tx: Queryable, event: EventEnvelope, options?: EnqueueOptions): Promise<void>;
  /** Writes several events in one statement through `tx`. */
  enqueueMany(tx: Queryable, entries: readonly EnqueueEntry[]): Promise<void>;
  /** Puts dead events back to pending (all of them without a filter); resolves to how many. */
  redrive(filter?: RedriveFilter): Promise<number>;
  /** Deletes published rows older than `olderThanMs`; resolves to how many (relays do it on a timer). */
  cleanup(olderThanMs: number): Promise<number>;
  /** Row counts by state (scans the table). */
  stats(): Promise<OutboxStats>;
}

const KNOWN = new Set(['store', 'table', 'requireTransaction', 'notify']);

function checkRedrive(filter: unknown): RedriveFilter {
  if (filter === undefined) return {};
  if (filter === null || typeof filter !== 'object')
    throw invalidOption('filter', `expected { ids?, type?, key? }, got ${describe(filter)}`);
  const { ids, type, key, ...rest } = filter as RedriveFilter;
  if (Object.keys(rest).length > 0)
    throw invalidOption(`filter.${Object.keys(rest)[0]}`, 'unknown filter (known: ids, type, key)');
  if (ids !== undefined && (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string'))) {
    throw invalidOption('filter.ids', `expected an array of event ids, got ${describe(ids)}`);
  }
  for (const [name, value] of [
    ['type', type],
    ['key', key],
  ] as const) {
    if (value !== undefined && typeof value !== 'string')
      throw invalidOption(`filter.${name}`, `expected a string, got ${describe(value)}`);
  }
  return { ids, type, key };
}

function checkQueryable(tx: unknown): asserts tx is Queryable {
  if (typeof (tx as Queryable | null)?.query !== 'function') {
    throw invalidOption(
      'tx',
      `expected your transaction (a pg client inside BEGIN, a PGlite transaction, anything with query(sql, params)), got ${describe(tx)}`,
    );
  }
}

/**
 * Creates the outbox of `store` (call `migrate()` once before use).
 *
 * @example
 * const outbox = createOutbox({ store: pgStore(pool), table: 'app.outbox' });
 * await outbox.migrate();
 * const client = await pool.connect();
 * await client.query('BEGIN');
 * await client.query('INSERT INTO orders (id) VALUES ($1)', [orderId]);
 * await outbox.enqueue(client, createEvent(OrderPlaced, { order_id: orderId }), { key: orderId });
 * await client.query('COMMIT');
 * client.release();
 */
export function createOutbox(options: OutboxOptions): Outbox {
  if (options === null || typeof options !== 'object')
    throw invalidOption('options', `expected { store, table? }, got ${describe(options)}`);
  rejectUnknownOptions(options, KNOWN);
  const { store } = options;
  if (typeof store?.transaction !== 'function' || typeof store.query !== 'function') {
    throw invalidOption('store', `expected pgStore(pool) or pgliteStore(db), got ${describe(store)}`);
  }
  booleanOption(options.requireTransaction, 'requireTransaction', false);
  booleanOption(options.notify, 'notify', true);
  const table = parseTableName(options.table ?? 'canon_outbox', 'table');
  const spec = outboxSpec(table);
  const statement = insertSql(spec, options.notify ?? true);
  const requireTransaction = options.requireTransaction ?? false;

  async function write(tx: Queryable, entries: readonly unknown[], at: (i: number) => string): Promise<void> {
    checkQueryable(tx);
    const rows = entries.map((entry, i) => toRow(entry, at(i)));
    if (requireTransaction) await assertInTransaction(tx, table.text);
    await insertRows(tx, statement, rows);
  }

  return {
    table: table.text,
    store,
    spec,
    async migrate() {
      await migrateTable(store, { table, component: 'outbox', steps: outboxMigrations(spec) });
    },
    enqueue(tx, event, enqueueOptions) {
      const entry = enqueueOptions === undefined ? event : { ...enqueueOptions, event };
      return write(tx, [entry], () => 'event');
    },
    enqueueMany(tx, entries) {
      if (!Array.isArray(entries))
        throw invalidOption('entries', `expected an array, got ${describe(entries)}`);
      return write(tx, entries, (i) => `entries[${i}]`);
    },
    async redrive(filter) {
      const { ids, type, key } = checkRedrive(filter);
      const count = await redrive(
        store,
        spec,
        '($1::text[] IS NULL OR id = ANY($1::text[])) AND ($2::text IS NULL OR type = $2) AND ($3::text IS NULL OR key = $3)',
        [ids ?? null, type ?? null, key ?? null],
      );
      if (count > 0) await store.query(`SELECT pg_notify('${table.channel}', '')`);
      return count;
    },
    cleanup(olderThanMs) {
      if (!Number.isFinite(olderThanMs) || olderThanMs < 0)
        throw invalidOption('olderThanMs', `expected a number >= 0, got ${describe(olderThanMs)}`);
      return cleanup(store, spec, olderThanMs);
    },
    async stats() {
      const { done, ...rest } = await counts(store, spec);
      return { ...rest, published: done };
    },
  };
}
