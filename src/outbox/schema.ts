/**
 * @module canon/outbox/schema
 * The outbox table: a queue table (see ./queue/spec) whose rows carry one event each.
 *
 * | column | type | meaning |
 * |---|---|---|
 * | seq | bigserial PK | enqueue order; per-key order follows it |
 * | id | text UNIQUE | the event id |
 * | type | text | the event type |
 * | topic | text | where to publish (default: the event type) |
 * | key | text NULL | ordering key: one key's events are published in order |
 * | payload | jsonb | the whole envelope |
 * | status | text | `pending` → `published` or `dead` |
 * | attempts | int | publish attempts so far |
 * | available_at | timestamptz | not before (retry backoff) |
 * | locked_by, locked_until | text, timestamptz | the relay holding a lease |
 * | last_error | jsonb | the last failed attempt's error |
 * | created_at, published_at | timestamptz | enqueue and publish times |
 */

import { type QueueSpec, queueColumns, queueIndexes } from './queue/spec.js';
import type { TableName } from './store/table-name.js';

/** The queue description of an outbox table. */
export function outboxSpec(table: TableName): QueueSpec {
  return {
    table,
    doneStatus: 'published',
    doneAt: 'published_at',
    payloadColumns: 'r.id, r.type, r.topic, r.payload',
  };
}

/**
 * Migration steps of the outbox table: `steps[i]` takes it from version i to i+1. Append
 * steps, never edit released ones.
 *
 * @example
 * await migrateTable(store, { table, component: 'outbox', steps: outboxMigrations(spec) });
 */
export function outboxMigrations(spec: QueueSpec): string[][] {
  return [
    [
      `CREATE TABLE IF NOT EXISTS ${spec.table.sql} (
        ${queueColumns(spec)},
        id text NOT NULL UNIQUE,
        type text NOT NULL,
        topic text NOT NULL,
        payload jsonb NOT NULL
      )`,
      ...queueIndexes(spec),
    ],
  ];
}
