/**
 * @module canon/rabbitmq/publisher
 * `rabbitPublisher`: a relay publisher (`createRelay({ publish })`) over a RabbitMQ
 * confirm channel. Messages are persistent, `message_id` = the event id, with
 * CloudEvents-style headers; the promise resolves on the broker's confirm. Messages are
 * published `mandatory`: one that no queue is bound to receive is returned by RabbitMQ,
 * and the publish fails (so the relay retries it) instead of the event vanishing.
 */
import type { ConfirmChannel, Message } from 'amqplib';
import { describe, invalidOption } from '../../core/errors.js';
import { encodeEvent } from '../../consumer/wire.js';
import type { EventEnvelope } from '../../events/envelope.js';
import type { PublishContext, Publisher } from '../../outbox/relay-options.js';
import { PUBLISHED_AT_HEADER } from './headers.js';
import { checkConfirmChannel } from './source.js';
import { ensureExchange } from './topology.js';
import { booleanOption, rejectUnknownOptions } from '../../core/option-checks.js';

export interface RabbitPublisherOptions {
  /** A confirm channel (`await connection.createConfirmChannel()`). */
  channel: ConfirmChannel;
  /** Exchange to publish to; created as a durable topic exchange when missing. */
  exchange: string;
  /** Routing key, or a function of the event (default: the outbox topic, which defaults to the event type). */
  routingKey?: string | ((event: EventEnvelope, context: PublishContext) => string);
  /** Fail the publish when no queue receives the message (default true). */
  mandatory?: boolean;
}

const KNOWN = ['channel', 'exchange', 'routingKey', 'mandatory'];

/** Per channel, the ids of the messages RabbitMQ returned as unroutable and not yet confirmed. */
const returnedByChannel = new WeakMap<ConfirmChannel, Set<string>>();

/**
 * The returned ids of `channel`, collected by one `'return'` listener however many
 * publishers share the channel (one each would pass Node's limit of 10 listeners).
 */
function returnedIds(channel: ConfirmChannel): Set<string> {
  let returned = returnedByChannel.get(channel);
  if (returned === undefined) {
    const ids = new Set<string>();
    channel.on('return', function collectReturned(message: Message) {
      if (typeof message.properties.messageId === 'string') ids.add(message.properties.messageId);
    });
    returnedByChannel.set(channel, ids);
    returned = ids;
  }
  return returned;
}

/**
 * A publisher to a RabbitMQ exchange.
 *
 * @example
 * import amqp from 'amqplib';
 * import { rabbitPublisher } from 'canon/rabbitmq';
 * const connection = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
 * const channel = await connection.createConfirmChannel();
 * const relay = createRelay({ outbox, publish: rabbitPublisher({ channel, exchange: 'orders' }) });
 */
export function rabbitPublisher(options: RabbitPublisherOptions): Publisher {
  if (options === null || typeof options !== 'object')
    throw invalidOption('options', `expected { channel, exchange, routingKey? }, got ${describe(options)}`);
  rejectUnknownOptions(options, KNOWN);
  const { channel, exchange, routingKey, mandatory = true } = options;
  checkConfirmChannel(channel);
  if (typeof exchange !== 'string')
    throw invalidOption(
      'exchange',
      `expected an exchange name ('' for the default exchange), got ${describe(exchange)}`,
    );
  if (routingKey !== undefined && typeof routingKey !== 'string' && typeof routingKey !== 'function')
    throw invalidOption(
      'routingKey',
      `expected a string or (event, context) => string, got ${describe(routingKey)}`,
    );
  booleanOption(mandatory, 'mandatory', true);

  const returned = returnedIds(channel);
  let ready: Promise<void> | undefined;
  const ensure = () =>
    (ready ??= ensureExchange(channel, exchange).catch((err) => {
      ready = undefined;
      throw err;
    }));

  return async function publishToRabbit(event, context) {
    await ensure();
    const key = typeof routingKey === 'function' ? routingKey(event, context) : (routingKey ?? context.topic);
    const { body, headers } = encodeEvent(event);
    const { 'content-type': contentType, ...rest } = headers;
    await new Promise<void>((resolve, reject) => {
      channel.publish(
        exchange,
        key,
        Buffer.from(body),
        {
          persistent: true,
          mandatory,
          messageId: event.id,
          correlationId: event.correlation_id,
          type: event.type,
          contentType,
          timestamp: Math.floor(Date.now() / 1000),
          headers: { ...rest, [PUBLISHED_AT_HEADER]: Date.now() },
        },
        (err) => {
          const unroutable = returned.delete(event.id);
          if (err)
            reject(
              err instanceof Error ? err : new Error(`canon: RabbitMQ did not confirm event ${event.id}`),
            );
          else if (unroutable)
            reject(
              new Error(
                `canon: no queue is bound to receive ${event.type} ${event.id} from exchange "${exchange}" with routing key "${key}"`,
              ),
            );
          else resolve();
        },
      );
    });
  };
}
