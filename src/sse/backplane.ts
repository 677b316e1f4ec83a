/**
 * @module canon/sse/backplane
 * What joins the hubs of several instances. A backplane is a totally ordered log with
 * fan-out: `publish` assigns the next sequence number *atomically with* handing the
 * message to every subscriber, so every instance (the publisher included) receives
 * messages in sequence order. That is what makes ids identical everywhere and replay
 * correct on whichever instance a client reconnects to. `redisBackplane` (Lua INCR +
 * PUBLISH) and `pgBackplane` (advisory lock + sequence + NOTIFY) implement it.
 */
import diagnostics_channel from 'node:diagnostics_channel';

/** What a backplane reports to the hub subscribed to it. */
export interface SseBackplaneListener {
  /** A message from any instance, in sequence order. */
  message(seq: number, payload: string): void;
  /** A failure after `subscribe` resolved (a lost connection, for instance). */
  error(error: unknown, operation: string): void;
  /** The subscription was re-established: messages may have been missed meanwhile. */
  resubscribed(): void;
}

export interface SseBackplane {
  /**
   * Starts receiving every message published by any instance, in sequence order.
   * Resolves once the subscription is active. Called again only if it rejected.
   */
  subscribe(listener: SseBackplaneListener): Promise<void>;
  /** Publishes `payload` under the next sequence number and resolves with that number. */
  publish(payload: string): Promise<number>;
  /** Stops the subscription and releases what the backplane opened (not your client). */
  close(): Promise<void>;
}

/** `{ error, operation }` whenever a backplane call fails (publish, subscribe, listen). */
export const backplaneErrorChannel = diagnostics_channel.channel('canon:sse:backplane-error');
