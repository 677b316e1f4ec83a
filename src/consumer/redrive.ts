/**
 * @module canon/consumer/redrive
 * `redrive`: moves dead-lettered messages of one consumer back for another round of
 * attempts (attempts count from 1 again). Each broker moves them its own way: see the
 * source's `redrive` and docs/brokers.md.
 */
import { describe, invalidOption } from '../core/errors.js';
import type { MessageSource } from './source.js';
import { integerOption } from '../core/option-checks.js';

export interface RedriveOptions {
  /** The source whose dead letters to move back (only this consumer's). */
  source: MessageSource;
  /** Most messages moved (default: all of them, 1 000 000 at most). */
  limit?: number;
}

const MAX_LIMIT = 1_000_000;

/**
 * Moves up to `limit` dead letters back; resolves to how many were moved.
 *
 * @example
 * import { redrive } from 'canon/consumer';
 * const moved = await redrive({ source: natsSource({ js, stream: 'ORDERS', durable: 'billing' }), limit: 100 });
 */
export async function redrive(options: RedriveOptions): Promise<number> {
  if (options === null || typeof options !== 'object')
    throw invalidOption('options', `expected { source, limit? }, got ${describe(options)}`);
  const { source, limit = MAX_LIMIT } = options;
  if (typeof source?.redrive !== 'function')
    throw invalidOption(
      'source',
      `expected natsSource(...), rabbitSource(...) or redisStreamsSource(...), got ${describe(source)}`,
    );
  integerOption(limit, 'limit', undefined, { min: 1, max: MAX_LIMIT });
  return source.redrive(limit);
}
