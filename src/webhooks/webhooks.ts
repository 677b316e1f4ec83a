/**
 * @module canon/webhooks/webhooks
 * `createWebhooks`: endpoints, durable fan-out (`send`), the delivery worker
 * (`start`/`stop`), the delivery log and redrive, over one store.
 */
import { describe, invalidOption } from '../core/errors.js';
import { isPlainObject } from '../core/paths.js';
import type { EventEnvelope } from '../events/envelope.js';
import { counts, redrive } from '../outbox/queue/maintenance.js';
import type { QueueWorker } from '../outbox/queue/worker.js';
import { migrateTable } from '../outbox/store/migrate.js';
import { createDeliveryWorker } from './delivery-worker.js';
import { type DeliveryAttempt, type DeliveryFilter, listAttempts } from './delivery-log.js';
import { createEndpoints, type Endpoints } from './endpoints.js';
import { createHttpClient, type HttpClient } from './http-client.js';
import { resolveWebhooksOptions, type WebhooksOptions } from './options.js';
import { webhookMigrations, webhookTables } from './schema.js';
import { fanOut, type SendOptions, type SendResult, sendSql } from './send.js';
import { reportBackgroundError } from '../core/background-error.js';

export interface RedriveDeliveriesFilter {
  endpointId?: string;
  eventId?: string;
}

export interface WebhookStats {
  /** Waiting for their first attempt or a retry. */
  pending: number;
  /** Being attempted right now. */
  in_flight: number;
  /** Failed for good (see the log, then `deliveries.redrive`). */
  failed: number;
  /** Delivered and still retained. */
  delivered: number;
  /** Age in ms of the oldest undelivered delivery (0 when none). */
  lag_ms: number;
}

export interface Webhooks {
  /** Creates or upgrades the tables; safe to call on every start. */
  migrate(): Promise<void>;
  /** Starts this process's delivery worker (loads undici). Calling it again does nothing. */
  start(): Promise<void>;
  /** Stops claiming, finishes the attempts in flight, hands back the rest. */
  stop(): Promise<void>;
  readonly running: boolean;
  readonly endpoints: Endpoints;
  /** Fans `event` out to the matching enabled endpoints, inside `options.tx` when given. */
  send(event: EventEnvelope, options?: SendOptions): Promise<SendResult>;
  readonly deliveries: {
    /** The delivery log (one entry per attempt), newest first. */
    list(filter?: DeliveryFilter): Promise<DeliveryAttempt[]>;
    /** Schedules failed deliveries again with a fresh schedule (all without a filter); resolves to how many. */
    redrive(filter?: RedriveDeliveriesFilter): Promise<number>;
  };
  /** Delivery counts by state (scans the table). */
  stats(): Promise<WebhookStats>;
}

function checkRedrive(filter: unknown): RedriveDeliveriesFilter {
  if (filter === undefined) return {};
  if (!isPlainObject(filter))
    throw invalidOption('filter', `expected { endpointId?, eventId? }, got ${describe(filter)}`);
  for (const [key, value] of Object.entries(filter)) {
    if (key !== 'endpointId' && key !== 'eventId')
      throw invalidOption(`filter.${key}`, 'unknown filter (known: endpointId, eventId)');
    if (typeof value !== 'string')
      throw invalidOption(`filter.${key}`, `expected a string, got ${describe(value)}`);
  }
  return filter;
}

/**
 * Creates the webhooks of `options.store` (call `migrate()` once, `start()` where deliveries are sent).
 *
 * @example
 * const webhooks = createWebhooks({ store: pgStore(pool), canon });
 * await webhooks.migrate();
 * await webhooks.endpoints.create({ url: 'https://example.com/hooks', events: ['order.*'] });
 * await webhooks.start();
 * await webhooks.send(createEvent(OrderPlaced, { order_id: 'o_1' }), { tx: client });
 */
export function createWebhooks(options: WebhooksOptions): Webhooks {
  const resolved = resolveWebhooksOptions(options);
  const { store, canon } = resolved;
  const tables = webhookTables(resolved.tablePrefix);
  const statement = sendSql(tables);
  let client: HttpClient | undefined;
  let worker: QueueWorker | undefined;
  let starting: Promise<void> | undefined;

  function onError(error: unknown, operation: string): void {
    const fields = { webhook: { operation, table: tables.deliveries.text } };
    reportBackgroundError({ canon, kind: 'webhook', fields, onError: resolved.onError }, error, operation);
  }

  return {
    async migrate() {
      for (const migration of webhookMigrations(tables)) await migrateTable(store, migration);
    },
    start() {
      starting ??= (async () => {
        client = await createHttpClient(resolved.allowPrivateNetworks);
        worker = createDeliveryWorker(resolved, tables, () => client!, onError);
        await worker.start();
      })().catch((err) => {
        starting = undefined;
        throw err;
      });
      return starting;
    },
    async stop() {
      const started = starting;
      starting = undefined;
      if (!started) return;
      await started.catch(() => {});
      const [stopping, closing] = [worker, client];
      worker = undefined;
      client = undefined;
      await stopping?.stop();
      await closing?.close();
    },
    get running() {
      return worker?.running ?? false;
    },
    endpoints: createEndpoints(store, tables, resolved.allowPrivateNetworks),
    send(event, sendOptions) {
      if (sendOptions !== undefined && !isPlainObject(sendOptions)) {
        throw invalidOption('options', `expected { tx? }, got ${describe(sendOptions)}`);
      }
      return fanOut(
        (sendOptions as SendOptions | undefined)?.tx ?? store,
        statement,
        event,
        resolved.schedule[0],
      );
    },
    deliveries: {
      list: (filter) => listAttempts(store, tables, filter),
      async redrive(filter) {
        const { endpointId, eventId } = checkRedrive(filter);
        const count = await redrive(
          store,
          tables.spec,
          '($1::text IS NULL OR endpoint_id = $1) AND ($2::text IS NULL OR event_id = $2)',
          [endpointId ?? null, eventId ?? null],
        );
        if (count > 0) await store.query(`SELECT pg_notify('${tables.deliveries.channel}', '')`);
        return count;
      },
    },
    async stats() {
      const { done, dead, ...rest } = await counts(store, tables.spec);
      return { ...rest, failed: dead, delivered: done };
    },
  };
}
