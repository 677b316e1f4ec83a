/**
 * @module canon/rabbitmq/headers
 * AMQP header bookkeeping: the attempt counter Canon carries across its retry queues,
 * and which headers are dropped when a message is republished (RabbitMQ's own
 * dead-lettering history, quorum delivery counts, Canon's dead-letter headers).
 */
import type { Message } from 'amqplib';
import { WireHeaders } from '../../consumer/wire.js';

/** The attempt the message is on when it comes back from a retry queue. */
export const ATTEMPT_HEADER = 'x-canon-attempt';
/** When Canon's publisher sent it (ms since the epoch). */
export const PUBLISHED_AT_HEADER = 'x-canon-published-at';

const DROPPED = new Set<string>([
  'x-death',
  'x-first-death-exchange',
  'x-first-death-queue',
  'x-first-death-reason',
  'x-last-death-exchange',
  'x-last-death-queue',
  'x-last-death-reason',
  'x-delivery-count',
  ATTEMPT_HEADER,
  WireHeaders.error,
  WireHeaders.attempts,
  WireHeaders.consumer,
  WireHeaders.failedAt,
]);

/**
 * `message`'s headers without the bookkeeping ones, plus `extra`.
 *
 * @example
 * republishHeaders(msg, { 'x-canon-attempt': 2 })
 */
export function republishHeaders(message: Message, extra: Record<string, unknown>): Record<string, unknown> {
  const headers: Record<string, unknown> = {};
  const original = message.properties.headers ?? {};
  for (const name in original) if (!DROPPED.has(name)) headers[name] = original[name];
  return Object.assign(headers, extra);
}

/**
 * `message`'s properties as publish options for a copy of it: `userId` is left out
 * (RabbitMQ refuses a publish whose user-id is not the connection's user) and so is
 * `clusterId` (deprecated, not a publish option).
 *
 * @example
 * channel.sendToQueue(queue, msg.content, { ...copyProperties(msg), headers })
 */
export function copyProperties(message: Message): Record<string, unknown> {
  const { userId: _userId, clusterId: _clusterId, ...properties } = message.properties;
  return properties;
}

/** A header as a string (AMQP values may be numbers, Buffers...). */
export function headerText(message: Message, name: string): string | undefined {
  const value = message.properties.headers?.[name];
  if (value === undefined || value === null) return undefined;
  return Buffer.isBuffer(value) ? value.toString() : String(value);
}

/** Attempt of a delivery: Canon's counter, plus a quorum queue's redeliveries of this copy. */
export function attemptOf(message: Message): number {
  const base = Number(message.properties.headers?.[ATTEMPT_HEADER]);
  const redeliveries = Number(message.properties.headers?.['x-delivery-count']);
  return (
    (Number.isInteger(base) && base >= 1 ? base : 1) + (Number.isInteger(redeliveries) ? redeliveries : 0)
  );
}
