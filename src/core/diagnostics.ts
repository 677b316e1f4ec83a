/**
 * @module canon/core/diagnostics
 * Canon's internal signals on `node:diagnostics_channel`, so tools can observe late
 * writes, sink failures and dropped events without patching anything.
 *
 * @example
 * import diagnostics_channel from 'node:diagnostics_channel';
 * diagnostics_channel.subscribe('canon:late-write', (msg) => console.warn(msg));
 */
import diagnostics_channel from 'node:diagnostics_channel';

/** `{ request_id, operation, path? }` for every write after the event was emitted. */
export const lateWriteChannel = diagnostics_channel.channel('canon:late-write');
/** `{ sink, error }` when a sink throws or rejects. */
export const sinkErrorChannel = diagnostics_channel.channel('canon:sink-error');
/** `{ request_id, reason, error? }` when an event is lost to an internal failure. */
export const droppedChannel = diagnostics_channel.channel('canon:dropped');
/**
 * `{ canon, event }` for every event written to the sinks: the instance that emitted it
 * and the object the sinks got (after redaction, validation and sampling).
 */
export const eventChannel = diagnostics_channel.channel('canon:event');

/** Publishes `message` only when someone listens (building it is then skipped too). */
export function publish(channel: diagnostics_channel.Channel, message: () => unknown): void {
  if (channel.hasSubscribers) channel.publish(message());
}
