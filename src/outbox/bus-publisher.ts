/**
 * @module canon/outbox/bus-publisher
 * `busPublisher(bus)`: a relay publisher that delivers to the in-process `EventBus`.
 * Broker and webhook publishers have the same shape (a `Publisher`): `(event, { topic, key, attempt })`.
 */
import { describe, invalidOption } from '../core/errors.js';
import type { EventBus } from '../events/bus.js';
import type { EventEnvelope } from '../events/envelope.js';

export interface BusPublisherOptions {
  /**
   * Fail the attempt when a handler failed, so the relay retries the event (every handler
   * runs again: make them idempotent). Default true; false counts the attempt as
   * published whatever the handlers did (failures still land on the wide event).
   */
  failOnHandlerError?: boolean;
}

/**
 * Publishes outbox events to `bus`.
 *
 * @example
 * const bus = new EventBus();
 * bus.on(OrderPlaced, sendConfirmationEmail);
 * const relay = createRelay({ outbox, publish: busPublisher(bus) });
 */
export function busPublisher(
  bus: EventBus,
  options: BusPublisherOptions = {},
): (event: EventEnvelope) => Promise<void> {
  if (typeof (bus as EventBus | null)?.publish !== 'function')
    throw invalidOption('bus', `expected an EventBus, got ${describe(bus)}`);
  const failOnHandlerError = options.failOnHandlerError ?? true;
  return async function publishToBus(event: EventEnvelope): Promise<void> {
    const results = await bus.publish(event);
    if (!failOnHandlerError) return;
    const failed = results.filter((result) => result.status === 'rejected');
    if (failed.length > 0) {
      throw new AggregateError(
        failed.map((result) => result.reason),
        `${failed.length} of ${results.length} handlers failed for ${event.type} ${event.id}: ${failed.map((r) => r.handler).join(', ')}`,
      );
    }
  };
}
