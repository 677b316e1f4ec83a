/**
 * @module canon/console/options
 * `createConsole` options: types, defaults and validation (a `CanonOptionError` naming
 * the option).
 */
import type { Canon } from '../core/canon.js';
import { describe, invalidOption } from '../core/errors.js';
import { rejectUnknownOptions } from '../core/option-checks.js';
import type { MessageSource } from '../consumer/source.js';
import type { Outbox } from '../outbox/outbox.js';
import type { Webhooks } from '../webhooks/webhooks.js';
import type { ConsoleSink } from './sink.js';

export interface ConsoleOptions {
  /** The instance whose emitted events the console shows (no sink to add). */
  canon?: Canon;
  /** Instead of `canon`: a `consoleSink()` you put in the instance's `sinks` yourself. */
  sink?: ConsoleSink;
  /** Events kept for the Live, Query and Trace pages when the console makes its own buffer (default 10,000). */
  size?: number;
  /** JSON-lines files (globs) the Query and Trace pages read too, e.g. your `fileSink`'s. */
  files?: string[];
  /** The Outbox page: counts, dead rows, redrive. */
  outbox?: Outbox;
  /** The Webhooks page: counts, endpoints, failed deliveries, redrive. */
  webhooks?: Webhooks;
  /** Consumer sources the Dead letters page may redrive (`natsSource(...)`, ...). */
  consumers?: MessageSource[];
  /**
   * Required of every request when set (default: env `CANON_CONSOLE_TOKEN`). Without one
   * the console answers on loopback listeners only. At least 16 characters.
   */
  token?: string;
}

/** @internal */
export interface ResolvedConsoleOptions {
  canon: Canon | undefined;
  sink: ConsoleSink | undefined;
  size: number | undefined;
  files: string[];
  outbox: Outbox | undefined;
  webhooks: Webhooks | undefined;
  consumers: MessageSource[];
  token: string | undefined;
}

const KNOWN = ['canon', 'sink', 'size', 'files', 'outbox', 'webhooks', 'consumers', 'token'];
export const MIN_TOKEN_LENGTH = 16;

function hasMethods(value: unknown, names: string[]): boolean {
  return value !== null && typeof value === 'object' && names.every((name) => typeof (value as never)[name] === 'function');
}

function resolveToken(option: unknown): string | undefined {
  const fromEnv = process.env.CANON_CONSOLE_TOKEN;
  const [token, name] = option !== undefined ? [option, 'token'] : [fromEnv || undefined, 'CANON_CONSOLE_TOKEN'];
  if (token === undefined) return undefined;
  if (typeof token !== 'string' || token.length < MIN_TOKEN_LENGTH)
    throw invalidOption(name, `expected a secret of at least ${MIN_TOKEN_LENGTH} characters, got ${typeof token === 'string' ? `${token.length}` : describe(token)}`);
  return token;
}

/**
 * @internal Validates `createConsole` options (a `CanonOptionError` names the bad one).
 *
 * @example
 * resolveConsoleOptions({ canon, outbox });
 */
export function resolveConsoleOptions(options: ConsoleOptions): ResolvedConsoleOptions {
  if (options === null || typeof options !== 'object')
    throw invalidOption('options', `expected { canon, outbox?, webhooks?, files? }, got ${describe(options)}`);
  rejectUnknownOptions(options, KNOWN);
  const { canon, sink, size, files = [], outbox, webhooks, consumers = [] } = options;
  if (canon !== undefined && !hasMethods(canon, ['run', 'startUnit']))
    throw invalidOption('canon', `expected the instance createCanon() returned, got ${describe(canon)}`);
  if (sink !== undefined && !hasMethods(sink, ['write', 'entries', 'subscribe']))
    throw invalidOption('sink', `expected a consoleSink(), got ${describe(sink)}`);
  if (canon === undefined && sink === undefined && (!Array.isArray(files) || files.length === 0))
    throw invalidOption('canon', 'the console needs events: pass `canon` (or `sink`, or `files`)');
  if (!Array.isArray(files) || files.some((file) => typeof file !== 'string' || file === ''))
    throw invalidOption('files', `expected an array of file paths or globs, got ${describe(files)}`);
  if (outbox !== undefined && !hasMethods(outbox, ['stats', 'redrive']))
    throw invalidOption('outbox', `expected createOutbox(...), got ${describe(outbox)}`);
  if (webhooks !== undefined && (!hasMethods(webhooks, ['stats']) || !hasMethods(webhooks.deliveries, ['list', 'redrive'])))
    throw invalidOption('webhooks', `expected createWebhooks(...), got ${describe(webhooks)}`);
  if (!Array.isArray(consumers)) throw invalidOption('consumers', `expected an array of sources, got ${describe(consumers)}`);
  consumers.forEach((source, i) => {
    if (!hasMethods(source, ['redrive']) || typeof source.consumer !== 'string')
      throw invalidOption(`consumers[${i}]`, `expected natsSource(...), rabbitSource(...) or redisStreamsSource(...), got ${describe(source)}`);
  });
  return { canon, sink, size, files: [...files], outbox, webhooks, consumers: [...consumers], token: resolveToken(options.token) };
}
