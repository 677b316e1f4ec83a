/**
 * @module canon/outbox/payload
 * Serializing an envelope for the outbox, before anything is written: a payload that
 * JSON cannot carry (BigInt, a circular reference, a throwing `toJSON`) is refused with a
 * `CANON_OUTBOX_PAYLOAD` error naming the event and the offending path. Values JSON
 * silently changes (undefined dropped, Date → string) follow JSON's usual rules.
 */
import { CanonError, ErrorCodes } from '../core/errors.js';
import type { EventEnvelope } from '../events/envelope.js';

/** The path of the first BigInt or circular reference in `value`, if any. */
function findUnserializable(value: unknown, path: string, seen: object[]): string | undefined {
  if (typeof value === 'bigint') return `${path} (a BigInt)`;
  if (value === null || typeof value !== 'object') return undefined;
  if (seen.includes(value)) return `${path} (a circular reference)`;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return undefined;
  seen.push(value);
  for (const [key, child] of Object.entries(value)) {
    const found = findUnserializable(
      child,
      Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`,
      seen,
    );
    if (found) return found;
  }
  seen.pop();
  return undefined;
}

/**
 * `JSON.stringify(event)`, or a clear error.
 *
 * @example
 * serializePayload(createEvent(OrderPlaced, { total: 10n })) // throws: … at event.data.total (a BigInt)
 */
export function serializePayload(event: EventEnvelope): string {
  try {
    return JSON.stringify(event);
  } catch (err) {
    const at = findUnserializable(event, 'event', []);
    throw new CanonError(
      ErrorCodes.OUTBOX_PAYLOAD,
      `canon: event ${event.type} ${event.id} cannot be stored in the outbox: it is not JSON-serializable${at ? ` at ${at}` : ''} (${(err as Error).message})`,
      { type: event.type, id: event.id, path: at },
      { cause: err },
    );
  }
}
