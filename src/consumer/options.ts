/**
 * @module canon/consumer/options
 * `consume` options: types, defaults and validation (a `TypeError` naming the option).
 */
import type { Canon } from '../core/canon.js';
import type { WideEvent } from '../core/event.js';
import { describe, invalidOption } from '../core/errors.js';
import type { EventDefinition } from '../events/define.js';
import type { EventEnvelope } from '../events/envelope.js';
import { type BackoffOptions, type ResolvedBackoff, resolveBackoff } from '../outbox/queue/backoff.js';
import type { Definitions } from './decode.js';
import type { Inbox } from './inbox/inbox.js';
import type { MessageSource } from './source.js';
import { integerOption, rejectUnknownOptions } from '../core/option-checks.js';

/** What a handler gets next to the event. */
export interface MessageContext<Tx = undefined> {
  /** The inbox transaction (undefined without `inbox`): write through it so your changes and the inbox record commit together. */
  tx: Tx;
  /** 1 for the first delivery. */
  attempt: number;
  /** True when the broker delivered the message before. */
  redelivered: boolean;
  /** NATS subject, RabbitMQ queue or Redis stream. */
  subject: string;
  /** A message header (Redis: a field) by lowercase name. */
  header(name: string): string | undefined;
  /** This message's wide event, the same object as `getWideEvent()`. */
  canon: WideEvent;
}

export type MessageHandler<Tx> = (event: EventEnvelope<any>, ctx: MessageContext<Tx>) => unknown;

export interface RetryOptions {
  /** Attempts before the message is dead-lettered, the first one included (default 5). */
  maxAttempts?: number;
  /** Exponential backoff with jitter between attempts (default { baseMs: 1 000, maxMs: 60 000 }). */
  backoff?: BackoffOptions;
}

export interface ConsumeOptions<Tx = undefined> {
  /** One wide event (`kind: 'message'`) per delivery goes through this instance. */
  canon: Canon;
  /** `natsSource(...)`, `rabbitSource(...)`, `redisStreamsSource(...)`. */
  source: MessageSource;
  /** Runs once per delivery; resolving acknowledges, throwing retries (`retriable: false` on the error dead-letters at once). */
  handler: MessageHandler<Tx>;
  /** Handlers run at once (default 1). */
  concurrency?: number;
  retry?: RetryOptions;
  /** `pgInbox(pool)` or `pgliteInbox(db)`: skip events this consumer already handled. */
  inbox?: Inbox<Tx>;
  /** Definitions to upcast and validate events of their type with (`def.readAsync`). */
  events?: readonly EventDefinition<string, any, any>[];
  /** Broker trouble outside a handler (`operation`: `'fetch'`); also emitted as wide events. */
  onError?: (error: unknown, operation: string) => void;
}

export interface ResolvedConsumeOptions<Tx> {
  canon: Canon;
  source: MessageSource;
  handler: MessageHandler<Tx>;
  concurrency: number;
  maxAttempts: number;
  backoff: ResolvedBackoff;
  inbox?: Inbox<Tx>;
  definitions: Definitions;
  onError?: (error: unknown, operation: string) => void;
}

const KNOWN = ['canon', 'source', 'handler', 'concurrency', 'retry', 'inbox', 'events', 'onError'];

function resolveRetry(retry: unknown): { maxAttempts: number; backoff: ResolvedBackoff } {
  if (retry === undefined) return { maxAttempts: 5, backoff: resolveBackoff(undefined, 'retry.backoff') };
  if (retry === null || typeof retry !== 'object')
    throw invalidOption('retry', `expected { maxAttempts?, backoff? }, got ${describe(retry)}`);
  const { maxAttempts, backoff, ...rest } = retry as RetryOptions;
  const unknown = Object.keys(rest);
  if (unknown.length > 0)
    throw invalidOption(`retry.${unknown[0]}`, 'unknown option (known: maxAttempts, backoff)');
  return {
    maxAttempts: integerOption(maxAttempts, 'retry.maxAttempts', 5, { min: 1, max: 1_000 }),
    backoff: resolveBackoff(backoff, 'retry.backoff'),
  };
}

function resolveDefinitions(events: unknown): Definitions {
  const definitions = new Map<string, EventDefinition<string, unknown, unknown>>();
  if (events === undefined) return definitions;
  if (!Array.isArray(events))
    throw invalidOption('events', `expected an array of defineEvent() results, got ${describe(events)}`);
  events.forEach((def: EventDefinition | null, i) => {
    if (typeof def?.type !== 'string' || typeof def.readAsync !== 'function')
      throw invalidOption(`events[${i}]`, `expected a defineEvent() result, got ${describe(def)}`);
    if (definitions.has(def.type)) throw invalidOption(`events[${i}]`, `${def.type} is listed twice`);
    definitions.set(def.type, def);
  });
  return definitions;
}

/**
 * Validates `consume` options and fills in defaults.
 *
 * @example
 * resolveConsumeOptions({ canon, source, handler }).maxAttempts // 5
 */
export function resolveConsumeOptions<Tx>(options: ConsumeOptions<Tx>): ResolvedConsumeOptions<Tx> {
  if (options === null || typeof options !== 'object')
    throw invalidOption('options', `expected { canon, source, handler, ... }, got ${describe(options)}`);
  rejectUnknownOptions(options, KNOWN);
  const { canon, source, handler, inbox, onError } = options;
  if (typeof canon?.startUnit !== 'function')
    throw invalidOption('canon', `expected createCanon(...), got ${describe(canon)}`);
  if (typeof source?.subscribe !== 'function' || typeof source.consumer !== 'string')
    throw invalidOption(
      'source',
      `expected natsSource(...), rabbitSource(...) or redisStreamsSource(...), got ${describe(source)}`,
    );
  if (typeof handler !== 'function')
    throw invalidOption('handler', `expected (event, ctx) => Promise, got ${describe(handler)}`);
  if (inbox !== undefined && (typeof inbox?.run !== 'function' || typeof inbox.migrate !== 'function'))
    throw invalidOption('inbox', `expected pgInbox(pool) or pgliteInbox(db), got ${describe(inbox)}`);
  if (onError !== undefined && typeof onError !== 'function')
    throw invalidOption('onError', `expected a function, got ${describe(onError)}`);
  return {
    canon,
    source,
    handler,
    inbox,
    onError,
    concurrency: integerOption(options.concurrency, 'concurrency', 1, { min: 1, max: 10_000 }),
    ...resolveRetry(options.retry),
    definitions: resolveDefinitions(options.events),
  };
}
