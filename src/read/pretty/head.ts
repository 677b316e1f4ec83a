/**
 * @module canon/read/pretty/head
 * What one event was, in a few words, per kind: `POST /checkout`, `order.placed ←
 * billing (2/5)`, `order.placed → orders`, `order.placed → hooks.example.com`,
 * `nightly-report`; and its status (HTTP status, webhook response status).
 */
import type { EventRecord } from '../types.js';
import { numberAt, objectAt, textAt } from './values.js';

/** Fields the head shows, hidden from the compact field list (dotted for nested ones). */
export const HEAD_FIELDS = new Set([
  'timestamp',
  'kind',
  'service',
  'duration_ms',
  'outcome',
  'error',
  'method',
  'path',
  'route',
  'status_code',
  'event.type',
  'event.id',
  'event.version',
  'message.consumer',
  'message.attempt',
  'message.max_attempts',
  'outbox.topic',
  'outbox.attempt',
  'outbox.max_attempts',
  'webhook.host',
  'webhook.endpoint_id',
  'webhook.attempt',
  'webhook.max_attempts',
  'webhook.response_status',
  'job.name',
]);

function attempt(section: EventRecord | undefined): string {
  const n = numberAt(section, 'attempt');
  const max = numberAt(section, 'max_attempts');
  return n !== undefined && n > 1 ? ` (${n}${max !== undefined ? `/${max}` : ''})` : '';
}

/**
 * The words naming what `event` did.
 *
 * @example
 * unitName({ kind: 'http', method: 'GET', path: '/users/1' }) // 'GET /users/1'
 */
export function unitName(event: EventRecord): string {
  const kind = event.kind;
  const type = textAt(objectAt(event, 'event'), 'type');
  if (kind === 'message') {
    const message = objectAt(event, 'message');
    return `${type ?? textAt(message, 'subject_or_queue') ?? '?'} ← ${textAt(message, 'consumer') ?? '?'}${attempt(message)}`;
  }
  if (kind === 'outbox') {
    const outbox = objectAt(event, 'outbox');
    return `${type ?? '?'} → ${textAt(outbox, 'topic') ?? '?'}${attempt(outbox)}`;
  }
  if (kind === 'webhook') {
    const webhook = objectAt(event, 'webhook');
    const target = textAt(webhook, 'host') ?? textAt(webhook, 'endpoint_id') ?? '?';
    return `${type ?? '?'} → ${target}${attempt(webhook)}`;
  }
  const method = textAt(event, 'method');
  const where = textAt(event, 'path') ?? textAt(event, 'route');
  const request = method && where ? `${method} ${where}` : (method ?? where);
  if (request) return request;
  return textAt(objectAt(event, 'job'), 'name') ?? textAt(event, 'name') ?? type ?? '';
}

/**
 * The status code shown for `event`: its HTTP status, or a webhook attempt's response status.
 *
 * @example
 * unitStatus({ kind: 'webhook', webhook: { response_status: 503 } }) // 503
 */
export function unitStatus(event: EventRecord): number | undefined {
  return numberAt(event, 'status_code') ?? numberAt(objectAt(event, 'webhook'), 'response_status');
}
