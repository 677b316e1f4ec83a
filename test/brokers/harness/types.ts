/**
 * One broker behind one interface for the shared broker contract (../contract.ts): real
 * NATS JetStream, RabbitMQ and Redis on 127.0.0.1, with names unique to the run (deleted
 * by `cleanup`). `attach(names)` reconnects to the same names from a child process.
 */
import type { MessageSource } from '../../../src/consumer/index.js';
import type { Publisher } from '../../../src/outbox/index.js';

export type BrokerName = 'nats' | 'rabbitmq' | 'redis-streams';

export interface SourceTuning {
  /** Read-ahead of this consumer. */
  prefetch?: number;
  /** Redis: this process's consumer name inside the group. */
  instance?: string;
}

export interface DeadLetterView {
  body: string;
  error: string | undefined;
  attempts: string | undefined;
}

export interface BrokerHarness {
  readonly broker: BrokerName;
  /** Serializable: what `attach` needs to reach the same stream/exchange. */
  readonly names: Record<string, string>;
  /** The relay-shaped publisher under test. */
  publisher(): Publisher;
  /** A source of consumer group `group` (NATS durable, RabbitMQ queue bound to the exchange, Redis group). */
  source(group: string, tuning?: SourceTuning): Promise<MessageSource>;
  /** Publishes `body` as is, outside Canon's publisher (no dedupe id). */
  publishRaw(body: string): Promise<void>;
  /** The dead letters of `group`, without removing them. */
  deadLetters(group: string): Promise<DeadLetterView[]>;
  /** Messages of `group` not acknowledged yet (waiting or unacked). */
  backlog(group: string): Promise<number>;
  cleanup(): Promise<void>;
}

export type HarnessFactory = (names?: Record<string, string>) => Promise<BrokerHarness>;
