/**
 * @module canon/events/bus
 * `EventBus`: in-process publish/subscribe. `publish` runs every matching handler
 * concurrently and settles them all: one failing (throwing or rejecting) never stops the
 * others, and `publish` resolves (never rejects) to one result per handler. Failures are
 * recorded on the wide event in scope (`event_handler_errors`).
 */
import { storage } from '../core/context.js';
import { describe, ErrorCodes, invalidOption } from '../core/errors.js';
import type { EventDefinition } from './define.js';
import { assertEnvelope, type EventEnvelope } from './envelope.js';
import { compilePattern, type Matcher } from './pattern.js';
import { recordHandlerError } from './scope.js';

export type EventHandler<E = EventEnvelope> = (event: E) => unknown;

/** The outcome of one handler, in subscription order. */
export interface HandlerResult {
  status: 'fulfilled' | 'rejected';
  /** What the handler threw or rejected with. */
  reason?: unknown;
  /** The pattern (or definition type) it subscribed with. */
  pattern: string;
  /** The handler function's name, or 'anonymous'. */
  handler: string;
}

interface Subscription {
  pattern: string;
  matches: Matcher;
  handler: EventHandler<any>;
  /** Runs the handler; definitions read (upcast, validate; sync or async) the event first. */
  call: (event: EventEnvelope) => unknown;
}

/**
 * Runs `handler` with `def.read(event)`: synchronously for a sync schema (as a plain
 * handler runs), after `readAsync` for an async one.
 */
function readThen(def: EventDefinition<string, any, any>, handler: EventHandler<any>) {
  return (event: EventEnvelope): unknown => {
    let read: EventEnvelope;
    try {
      read = def.read(event);
    } catch (err) {
      if ((err as { code?: unknown } | null)?.code !== ErrorCodes.ASYNC_SCHEMA) throw err;
      return def.readAsync(event).then(handler);
    }
    return handler(read);
  };
}

export class EventBus {
  #subscriptions: Subscription[] = [];

  /**
   * Subscribes `handler` to an exact type, `'entity.*'`, `'*'`, or a definition (the
   * handler then gets `def.read(event)`, or `def.readAsync(event)` for an async schema:
   * upcast to the current version and validated).
   * Returns a function that unsubscribes.
   *
   * @example
   * const bus = new EventBus();
   * bus.on(OrderPlaced, async function reserveStock(event) { await reserve(event.data.order_id); });
   * bus.on('order.*', (event) => metrics.increment(event.type));
   */
  on<Type extends string, Data>(
    pattern: EventDefinition<Type, Data, any>,
    handler: EventHandler<EventEnvelope<Data, Type>>,
  ): () => void;
  on(pattern: string, handler: EventHandler): () => void;
  on(pattern: string | EventDefinition<string, any, any>, handler: EventHandler<any>): () => void {
    if (typeof handler !== 'function')
      throw invalidOption('handler', `expected a function, got ${describe(handler)}`);
    const def = typeof pattern === 'object' && pattern !== null ? pattern : undefined;
    const name = def ? def.type : pattern;
    const matches = compilePattern(name);
    const call = def ? readThen(def, handler) : handler;
    this.#subscriptions.push({ pattern: name as string, matches, handler, call });
    return () => this.off(pattern, handler);
  }

  /**
   * Removes the first subscription of `handler` under `pattern`; true when one was found.
   *
   * @example
   * bus.off('order.*', countOrders);
   */
  off(pattern: string | EventDefinition<string, any, any>, handler: EventHandler<any>): boolean {
    const name = typeof pattern === 'object' && pattern !== null ? pattern.type : pattern;
    const at = this.#subscriptions.findIndex((s) => s.pattern === name && s.handler === handler);
    if (at === -1) return false;
    // copy-on-write: a publish in progress keeps the list it started with
    this.#subscriptions = this.#subscriptions.filter((_, i) => i !== at);
    return true;
  }

  /** Number of subscriptions matching `type` (all when omitted). @example bus.listenerCount('order.placed') */
  listenerCount(type?: string): number {
    if (type === undefined) return this.#subscriptions.length;
    return this.#subscriptions.filter((s) => s.matches(type)).length;
  }

  /**
   * Delivers `event` to every matching handler and waits for all of them. Never rejects;
   * a value that is not an envelope is a programming error and throws synchronously.
   *
   * @example
   * const results = await bus.publish(createEvent(OrderPlaced, data));
   * const failed = results.filter((r) => r.status === 'rejected');
   */
  publish(event: EventEnvelope): Promise<HandlerResult[]> {
    assertEnvelope(event, 'event');
    const unit = storage.getStore();
    const matching = this.#subscriptions.filter((s) => s.matches(event.type));
    return Promise.all(
      matching.map(async (s): Promise<HandlerResult> => {
        const handler = s.handler.name || 'anonymous';
        try {
          await s.call(event);
          return { status: 'fulfilled', pattern: s.pattern, handler };
        } catch (reason) {
          recordHandlerError(unit, event, handler, reason);
          return { status: 'rejected', reason, pattern: s.pattern, handler };
        }
      }),
    );
  }
}
