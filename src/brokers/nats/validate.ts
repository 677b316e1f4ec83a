/**
 * @module canon/nats/validate
 * Option checks shared by the NATS publisher and source.
 */
import type { JetStreamClient } from 'nats';
import { describe, invalidOption } from '../../core/errors.js';

/** JetStream stream and consumer names: no whitespace, `.`, `*`, `>`, path separators. */
const NAME = /^[^\s.*>/\\]{1,255}$/;

/** Throws unless `js` looks like `nc.jetstream()`. */
export function checkJetStream(js: unknown): asserts js is JetStreamClient {
  const candidate = js as JetStreamClient | null;
  if (typeof candidate?.publish !== 'function' || typeof candidate.jetstreamManager !== 'function')
    throw invalidOption('js', `expected a JetStream client (nc.jetstream()), got ${describe(js)}`);
}

/** Throws unless `value` is a valid stream or consumer name. */
export function checkName(value: unknown, option: string): asserts value is string {
  if (typeof value !== 'string' || !NAME.test(value))
    throw invalidOption(
      option,
      `expected a JetStream name (no spaces, '.', '*', '>', '/' or '\\\\'), got ${describe(value)}`,
    );
}
