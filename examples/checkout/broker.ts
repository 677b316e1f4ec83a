/**
 * An in-process message broker for the demo, so `npm start` needs no external service:
 * topics fan out to one queue per consumer, with delayed redelivery, a dead-letter list
 * per consumer and redrive. It implements the small `MessageSource` interface the
 * consumer runtime (`canon/consumer`) runs on, the same one `canon/nats`,
 * `canon/rabbitmq` and `canon/redis-streams` implement; swap it for one of those in
 * production and nothing else changes.
 */
import type { DeadLetter, MessageSource, SourceMessage, Subscription } from '../../src/consumer/index.js';
import type { Publisher } from '../../src/outbox/index.js';
import { getWideEvent } from '../../src/index.js';

interface Stored {
  body: string;
  headers: Record<string, string>;
  attempt: number;
  publishedAt: number;
}

interface Queue {
  ready: Stored[];
  dead: (Stored & { letter: DeadLetter })[];
  waiting: (() => void)[];
  timers: Set<NodeJS.Timeout>;
}

export class MemoryBroker {
  private readonly topics = new Map<string, Map<string, Queue>>();

  private queue(topic: string, consumer: string): Queue {
    let consumers = this.topics.get(topic);
    if (!consumers) this.topics.set(topic, (consumers = new Map()));
    let queue = consumers.get(consumer);
    if (!queue) consumers.set(consumer, (queue = { ready: [], dead: [], waiting: [], timers: new Set() }));
    return queue;
  }

  private push(queue: Queue, message: Stored): void {
    queue.ready.push(message);
    queue.waiting.shift()?.();
  }

  /** A relay publisher: the envelope as JSON, the publishing unit's trace in `traceparent`. */
  publisher(): Publisher {
    return async (event, context) => {
      const unit = getWideEvent();
      const headers: Record<string, string> = unit ? { traceparent: `00-${unit.trace_id}-${unit.span_id}-01` } : {};
      const message = { body: JSON.stringify(event), headers, attempt: 1, publishedAt: Date.now() };
      for (const queue of this.topics.get(context.topic)?.values() ?? []) this.push(queue, { ...message });
    };
  }

  /** Messages still waiting (ready or to be redelivered) for any consumer. */
  get backlog(): number {
    let n = 0;
    for (const consumers of this.topics.values()) for (const q of consumers.values()) n += q.ready.length + q.timers.size;
    return n;
  }

  /** The source of `consumer` on `topic` (created now, so publishes from now on reach it). */
  source(topic: string, consumer: string): MessageSource {
    const queue = this.queue(topic, consumer);
    const push = (message: Stored) => this.push(queue, message);
    return {
      kind: 'memory',
      consumer,
      async subscribe(): Promise<Subscription> {
        let stopped = false;
        const toMessage = (stored: Stored): SourceMessage => ({
          body: stored.body,
          header: (name) => stored.headers[name],
          subject: topic,
          attempt: stored.attempt,
          redelivered: stored.attempt > 1,
          publishedAt: stored.publishedAt,
          ack() {},
          retry(delayMs) {
            const timer = setTimeout(() => {
              queue.timers.delete(timer);
              push({ ...stored, attempt: stored.attempt + 1 });
            }, delayMs);
            queue.timers.add(timer);
          },
          async deadLetter(letter) {
            queue.dead.push({ ...stored, letter });
          },
          release() {
            queue.ready.unshift(stored);
          },
        });
        return {
          async next() {
            while (!stopped && queue.ready.length === 0) await new Promise<void>((resolve) => queue.waiting.push(resolve));
            return stopped ? undefined : toMessage(queue.ready.shift()!);
          },
          async stop() {
            stopped = true;
            for (const wake of queue.waiting.splice(0)) wake();
          },
          async close() {
            for (const timer of queue.timers) clearTimeout(timer);
            queue.timers.clear();
          },
        };
      },
      async redrive(limit) {
        const moved = queue.dead.splice(0, limit);
        for (const { letter: _letter, ...message } of moved) push({ ...message, attempt: 1 });
        return moved.length;
      },
    };
  }
}
