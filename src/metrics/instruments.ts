/**
 * @module canon/metrics/instruments
 * Which metric each finalized event feeds, and with which attributes. Durations are
 * histograms in seconds; attribute values come from the event (route templates, never raw
 * paths). HTTP follows OTel's semantic conventions (`http.server.request.duration`),
 * consumed messages `messaging.process.duration`; outbox publishes, webhook deliveries and
 * jobs (every other kind) have Canon metrics named the same way.
 */
import type { Fields } from '../core/paths.js';

export type AttributeValue = string | number;

/** One histogram fed by the events of some kinds. */
export interface DurationMetric {
  /** OTel name. */
  name: string;
  description: string;
  /** OTel attribute keys, in the order `values` returns them. */
  attributes: readonly string[];
  values(event: Fields): (AttributeValue | undefined)[];
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'QUERY']);

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function part(event: Fields, object: string): Fields {
  const value = event[object];
  return value !== null && typeof value === 'object' ? (value as Fields) : {};
}

/** `http.request.method` as OTel wants it: a known method, else `_OTHER`. */
function method(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return METHODS.has(value) ? value : '_OTHER';
}

export const HTTP: DurationMetric = {
  name: 'http.server.request.duration',
  description: 'Duration of HTTP server requests.',
  attributes: ['http.request.method', 'http.route', 'http.response.status_code', 'outcome'],
  values: (e) => [
    method(e.method),
    text(e.route),
    Number.isInteger(e.status_code) ? (e.status_code as number) : undefined,
    text(e.outcome),
  ],
};

export const MESSAGE: DurationMetric = {
  name: 'messaging.process.duration',
  description: 'Duration of handling consumed messages.',
  attributes: [
    'messaging.system',
    'messaging.destination.name',
    'messaging.consumer.group.name',
    'message.result',
    'outcome',
  ],
  values: (e) => {
    const message = part(e, 'message');
    return [text(message.source), text(message.subject_or_queue), text(message.consumer), text(message.result), text(e.outcome)];
  },
};

export const OUTBOX: DurationMetric = {
  name: 'canon.outbox.publish.duration',
  description: 'Duration of outbox relay publish attempts.',
  attributes: ['messaging.destination.name', 'outbox.result', 'outcome'],
  values: (e) => {
    const outbox = part(e, 'outbox');
    return [text(outbox.topic), text(outbox.result), text(e.outcome)];
  },
};

export const WEBHOOK: DurationMetric = {
  name: 'canon.webhook.delivery.duration',
  description: 'Duration of outgoing webhook delivery attempts.',
  attributes: ['server.address', 'webhook.status', 'outcome'],
  values: (e) => {
    const webhook = part(e, 'webhook');
    return [text(webhook.host), text(webhook.status), text(e.outcome)];
  },
};

export const JOB: DurationMetric = {
  name: 'canon.job.duration',
  description: 'Duration of jobs and other units of work (canon.run).',
  attributes: ['kind', 'job.name', 'outcome'],
  values: (e) => [text(e.kind), text(part(e, 'job').name), text(e.outcome)],
};

export const DURATIONS: readonly DurationMetric[] = [HTTP, MESSAGE, OUTBOX, WEBHOOK, JOB];

/** Kinds that are records rather than units of work: no duration. */
const NOT_UNITS = new Set(['audit', 'log']);

/**
 * The duration metric an event feeds, if any.
 *
 * @example
 * durationMetricOf({ kind: 'http' }) === HTTP
 */
export function durationMetricOf(event: Fields): DurationMetric | undefined {
  switch (event.kind) {
    case 'http':
      return HTTP;
    case 'message':
      return MESSAGE;
    case 'outbox':
      return OUTBOX;
    case 'webhook':
      return WEBHOOK;
    default:
      return typeof event.kind === 'string' && !NOT_UNITS.has(event.kind) ? JOB : undefined;
  }
}

export const ERRORS = {
  name: 'canon.errors',
  description: 'Units of work that ended in error, by error type.',
  attributes: ['kind', 'error.type'] as const,
};

/**
 * `error.type` of an event that ended in error: the marked error's type, else the HTTP
 * status code (as OTel does), else `_OTHER`.
 *
 * @example
 * errorType({ error: { type: 'TimeoutError' } }) // 'TimeoutError'
 * errorType({ status_code: 503 })                // '503'
 */
export function errorType(event: Fields): string {
  const type = text(part(event, 'error').type);
  if (type !== undefined) return type;
  return Number.isInteger(event.status_code) ? String(event.status_code) : '_OTHER';
}
