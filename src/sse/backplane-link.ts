/**
 * @module canon/sse/backplane-link
 * A hub's side of a backplane. On start, and after every resubscription, it publishes a
 * marker through the backplane; the hub becomes ready when its first marker comes back:
 * from then on the replay buffer knows exactly which range of sequence numbers it holds.
 * Markers consume a sequence number but are never sent to clients.
 */
import { randomUUID } from 'node:crypto';
import { publish as publishDiagnostic } from '../core/diagnostics.js';
import { backplaneErrorChannel, type SseBackplane } from './backplane.js';
import type { Envelope } from './message.js';

/** How long connections wait for the marker before the hub serves them anyway. */
const READY_TIMEOUT_MS = 5_000;
/** Delay between attempts to subscribe or announce. */
const RETRY_MS = 1_000;

interface Marker {
  /** the starting hub's nonce */
  h: string;
}

/** @internal What the link reports to its hub. */
export interface LinkEvents {
  /** A message in sequence order; `envelope` undefined for markers and unreadable payloads. */
  receive(seq: number, envelope: Envelope | undefined): void;
  ready(): void;
  /** Messages may have been missed (the subscription was re-established). */
  gap(): void;
  error(error: unknown, operation: string): void;
}

/** @internal */
export interface BackplaneLink {
  publish(envelope: Envelope): Promise<number>;
  close(): Promise<void>;
}

function decode(payload: string): Envelope | Marker {
  return JSON.parse(payload) as Envelope | Marker;
}

/**
 * @internal
 * Subscribes the hub and announces it.
 *
 * @example
 * const link = linkBackplane(redisBackplane(redis), { receive, ready, error });
 */
export function linkBackplane(backplane: SseBackplane, events: LinkEvents): BackplaneLink {
  const nonce = randomUUID();
  let isReady = false;
  const becomeReady = (): void => {
    if (isReady) return;
    isReady = true;
    clearTimeout(timeout);
    events.ready();
  };
  const timeout = setTimeout(becomeReady, READY_TIMEOUT_MS).unref();
  const fail = (operation: string) => (error: unknown) => {
    events.error(error, operation);
    publishDiagnostic(backplaneErrorChannel, () => ({ error, operation }));
  };

  function onMessage(seq: number, payload: string): void {
    let message: Envelope | Marker | undefined;
    try {
      message = decode(payload);
    } catch (error) {
      fail('decode')(error);
    }
    if (message !== undefined && 'h' in message) {
      events.receive(seq, undefined);
      if (message.h === nonce) becomeReady();
    } else {
      events.receive(seq, message);
    }
  }

  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  function start(): void {
    backplane
      .subscribe({
        message: onMessage,
        error: (error, operation) => fail(operation)(error),
        resubscribed() {
          events.gap();
          announce();
        },
      })
      .then(
        () => (closed ? backplane.close().catch(fail('close')) : announce()),
        (error) => {
          fail('subscribe')(error);
          if (!closed) retry = setTimeout(start, RETRY_MS).unref();
        },
      );
  }
  function announce(): void {
    backplane.publish(JSON.stringify({ h: nonce } satisfies Marker)).catch((error) => {
      fail('publish')(error);
      if (!closed && !isReady) retry = setTimeout(announce, RETRY_MS).unref();
    });
  }
  start();

  return {
    publish(envelope) {
      const published = backplane.publish(JSON.stringify(envelope));
      published.catch(fail('publish'));
      return published;
    },
    async close() {
      closed = true;
      clearTimeout(timeout);
      clearTimeout(retry);
      await backplane.close().catch(fail('close'));
    },
  };
}
