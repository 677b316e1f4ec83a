/**
 * @module canon/consumer/decode
 * From a delivery's body to the envelope the handler receives: JSON → a Canon envelope
 * (as Canon's publishers write it) or a structured-mode CloudEvent from another producer
 * (mapped with `fromCloudEvent`), then, when a definition of its type is registered,
 * upcast and validated with `def.readAsync`. A body that is neither fails with
 * `CANON_INVALID_MESSAGE` and is not retried: no retry can make it readable.
 */
import { CanonError, ErrorCodes } from '../core/errors.js';
import { fromCloudEvent } from '../events/cloudevents-parse.js';
import type { EventDefinition } from '../events/define.js';
import { type EventEnvelope, isEventEnvelope } from '../events/envelope.js';

const textDecoder = new TextDecoder();

/** A definitions registry keyed by event type. */
export type Definitions = ReadonlyMap<string, EventDefinition<string, unknown, unknown>>;

function invalid(message: string, cause?: unknown): CanonError {
  const error = new CanonError(ErrorCodes.INVALID_MESSAGE, `canon: ${message}`, undefined, { cause });
  (error as CanonError & { retriable: boolean }).retriable = false;
  return error;
}

/**
 * Parses a body into an envelope; throws `CANON_INVALID_MESSAGE` (with `retriable: false`).
 *
 * @example
 * decodeBody(Buffer.from(JSON.stringify(createEvent(OrderPlaced, data)))).type // 'order.placed'
 */
export function decodeBody(body: Uint8Array | string): EventEnvelope {
  const text = typeof body === 'string' ? body : textDecoder.decode(body);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw invalid(`the message body is not JSON (${(err as Error).message})`, err);
  }
  if (isEventEnvelope(value)) return value;
  if (value !== null && typeof value === 'object' && 'specversion' in value) {
    try {
      return fromCloudEvent(value);
    } catch (err) {
      throw invalid(`the message body is not a valid CloudEvent: ${(err as Error).message}`, err);
    }
  }
  throw invalid('the message body is neither a Canon event envelope nor a CloudEvent');
}

/**
 * The envelope at its definition's current version (upcast and validated) when one is
 * registered for its type, else as received.
 *
 * @example
 * await readEvent(envelope, new Map([[OrderPlaced.type, OrderPlaced]]))
 */
export async function readEvent(envelope: EventEnvelope, definitions: Definitions): Promise<EventEnvelope> {
  const definition = definitions.get(envelope.type);
  if (!definition) return envelope;
  try {
    return await definition.readAsync(envelope);
  } catch (err) {
    // data that fails its schema stays invalid however often it is retried
    if ((err as CanonError).code === ErrorCodes.INVALID_EVENT)
      (err as { retriable?: boolean }).retriable = false;
    throw err;
  }
}
