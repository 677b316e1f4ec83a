/**
 * @module canon/webhooks/schema
 * The three tables of `canon/webhooks`, named from one prefix (default `canon_webhook`):
 *
 * - `<prefix>_endpoints`: `id`, `url`, `events` (type patterns), `secret`,
 *   `previous_secrets` (still signed with until they expire), `enabled`,
 *   `disabled_reason` (`manual`, `gone`, `failing`), `failing_since`, `created_at`, `updated_at`.
 * - `<prefix>_deliveries`: a queue table (see canon/outbox's queue/spec) with one row per
 *   event and endpoint: `endpoint_id`, `event_id`, `event_type`, `webhook_id`,
 *   `correlation_id`, `trace_id`, `span_id`, `tracestate` (version 2) and the exact `body`
 *   signed on every attempt.
 * - `<prefix>_attempts`: the delivery log, one row per attempt.
 *
 * Deleting an endpoint deletes its deliveries and their log (ON DELETE CASCADE).
 */
import type { Migration } from '../outbox/store/migrate.js';
import { type QueueSpec, queueColumns, queueIndexes } from '../outbox/queue/spec.js';
import { parseTableName, type TableName } from '../outbox/store/table-name.js';

export interface WebhookTables {
  endpoints: TableName;
  deliveries: TableName;
  attempts: TableName;
  /** The deliveries table as a queue. */
  spec: QueueSpec;
}

/**
 * Names the tables of `prefix` (a `TypeError` naming `tablePrefix` when invalid).
 *
 * @example
 * webhookTables('app.hooks').deliveries.sql // '"app"."hooks_deliveries"'
 */
export function webhookTables(prefix: string): WebhookTables {
  parseTableName(prefix, 'tablePrefix');
  const endpoints = parseTableName(`${prefix}_endpoints`, 'tablePrefix');
  const deliveries = parseTableName(`${prefix}_deliveries`, 'tablePrefix');
  const attempts = parseTableName(`${prefix}_attempts`, 'tablePrefix');
  const spec: QueueSpec = {
    table: deliveries,
    doneStatus: 'delivered',
    doneAt: 'delivered_at',
    payloadColumns: `r.endpoint_id, r.event_id, r.event_type, r.webhook_id, r.correlation_id, r.trace_id,
      r.span_id, r.tracestate, r.body, (SELECT json_build_object('url', ep.url, 'secret', ep.secret,
        'previous_secrets', ep.previous_secrets, 'enabled', ep.enabled)
      FROM ${endpoints.sql} ep WHERE ep.id = r.endpoint_id) AS endpoint`,
  };
  return { endpoints, deliveries, attempts, spec };
}

/**
 * The migrations of the three tables, in the order they must run. Append steps, never
 * edit released ones.
 *
 * @example
 * for (const migration of webhookMigrations(tables)) await migrateTable(store, migration);
 */
export function webhookMigrations(tables: WebhookTables): Migration[] {
  const { endpoints, deliveries, attempts, spec } = tables;
  return [
    {
      table: endpoints,
      component: 'webhook_endpoints',
      steps: [
        [
          `CREATE TABLE IF NOT EXISTS ${endpoints.sql} (
            id text PRIMARY KEY,
            url text NOT NULL,
            events text[] NOT NULL,
            secret text NOT NULL,
            previous_secrets jsonb NOT NULL DEFAULT '[]',
            enabled boolean NOT NULL DEFAULT true,
            disabled_reason text,
            failing_since timestamptz,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now()
          )`,
        ],
      ],
    },
    {
      table: deliveries,
      component: 'webhook_deliveries',
      steps: [
        [
          `CREATE TABLE IF NOT EXISTS ${deliveries.sql} (
            ${queueColumns(spec)},
            endpoint_id text NOT NULL REFERENCES ${endpoints.sql} (id) ON DELETE CASCADE,
            event_id text NOT NULL,
            event_type text NOT NULL,
            webhook_id text NOT NULL,
            correlation_id text,
            trace_id text,
            span_id text,
            body text NOT NULL,
            UNIQUE (endpoint_id, event_id)
          )`,
          ...queueIndexes(spec),
          `CREATE INDEX IF NOT EXISTS ${deliveries.object('event_idx')} ON ${deliveries.sql} (event_id)`,
        ],
        [`ALTER TABLE ${deliveries.sql} ADD COLUMN IF NOT EXISTS tracestate text`],
      ],
    },
    {
      table: attempts,
      component: 'webhook_attempts',
      steps: [
        [
          `CREATE TABLE IF NOT EXISTS ${attempts.sql} (
            id text PRIMARY KEY,
            delivery_seq bigint NOT NULL REFERENCES ${deliveries.sql} (seq) ON DELETE CASCADE,
            endpoint_id text NOT NULL,
            event_id text NOT NULL,
            event_type text NOT NULL,
            webhook_id text NOT NULL,
            attempt integer NOT NULL,
            status text NOT NULL CHECK (status IN ('delivered', 'failed', 'retrying')),
            response_status integer,
            response_headers jsonb,
            response_body text,
            duration_ms double precision NOT NULL,
            error text,
            created_at timestamptz NOT NULL DEFAULT clock_timestamp()
          )`,
          `CREATE INDEX IF NOT EXISTS ${attempts.object('delivery_idx')} ON ${attempts.sql} (delivery_seq)`,
          `CREATE INDEX IF NOT EXISTS ${attempts.object('endpoint_idx')} ON ${attempts.sql} (endpoint_id, created_at)`,
          `CREATE INDEX IF NOT EXISTS ${attempts.object('event_idx')} ON ${attempts.sql} (event_id, created_at)`,
        ],
      ],
    },
  ];
}
