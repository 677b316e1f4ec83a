/**
 * @module canon/console/webhooks
 * The Webhooks page's data: delivery counts, endpoints (never their secrets), the
 * deliveries that failed for good with their last error, and redrive.
 */
import type { DeliveryAttempt } from '../webhooks/delivery-log.js';
import type { Webhooks } from '../webhooks/webhooks.js';
import { ApiError } from './respond.js';

/** Log entries read to find the failed deliveries (newest first). */
const LOG_WINDOW = 2_000;

/**
 * Deliveries whose newest attempt failed for good: one per (endpoint, event).
 *
 * @example
 * const failed = failedDeliveries(await webhooks.deliveries.list({ limit: 2000 }));
 */
export function failedDeliveries(log: DeliveryAttempt[]): DeliveryAttempt[] {
  const newest = new Map<string, DeliveryAttempt>();
  for (const attempt of log) {
    const key = `${attempt.endpoint_id}\n${attempt.event_id}`;
    if (!newest.has(key)) newest.set(key, attempt); // the log is newest first
  }
  return [...newest.values()].filter((attempt) => attempt.status === 'failed');
}

/**
 * `GET api/webhooks` → `{ stats, endpoints, failed, recent }`.
 *
 * @example
 * sendJson(res, 200, await webhooksOverview(webhooks));
 */
export async function webhooksOverview(webhooks: Webhooks) {
  const [stats, endpoints, log] = await Promise.all([
    webhooks.stats(),
    webhooks.endpoints.list(),
    webhooks.deliveries.list({ limit: LOG_WINDOW }),
  ]);
  return {
    stats,
    endpoints: endpoints.map(({ secret: _secret, ...endpoint }) => endpoint),
    failed: failedDeliveries(log).map(withoutBody),
    recent: log.slice(0, 50).map(withoutBody),
  };
}

/** The receiver's response body is its own data: the page shows status and error only. */
function withoutBody({ response_body: _body, response_headers: _headers, ...attempt }: DeliveryAttempt) {
  return attempt;
}

/**
 * `POST api/webhooks/redrive` with `{ endpointId?, eventId? }` → `{ redriven }`.
 *
 * @example
 * await redriveWebhooks(webhooks, { endpointId: 'ep_1' });
 */
export async function redriveWebhooks(webhooks: Webhooks, body: Record<string, unknown>) {
  const filter: { endpointId?: string; eventId?: string } = {};
  for (const name of ['endpointId', 'eventId'] as const) {
    const value = body[name];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value === '') throw new ApiError(400, `\`${name}\` must be a string`);
    filter[name] = value;
  }
  return { redriven: await webhooks.deliveries.redrive(filter) };
}
