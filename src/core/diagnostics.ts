/**
 * @module canon/core/diagnostics
 * Canon's signals on `node:diagnostics_channel`, so tools can observe every emitted event,
 * every unit start, late writes, sink failures and dropped events without patching
 * anything. Nothing is built or published while a channel has no subscribers.
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
 * `{ event, line, canon }` for every event written to the sinks (audit records too):
 * `event` the object the sinks got, `line` its JSON text, `canon` the instance.
 */
export const eventChannel = diagnostics_channel.channel('canon:event');
/** `{ unit, canon }` when a unit of work starts: `unit` its handle, after the plugins' `onStart`. */
export const unitStartChannel = diagnostics_channel.channel('canon:unit-start');

/** Publishes `message` only when someone listens (building it is then skipped too). */
export function publish(channel: diagnostics_channel.Channel, message: () => unknown): void {
  if (channel.hasSubscribers) channel.publish(message());
}
