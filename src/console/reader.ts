/**
 * @module canon/console/reader
 * The Query and Trace pages' data, over the console's files when it has some, else over
 * its buffer of recent events.
 */
import { ApiError } from './respond.js';
import type { ConsoleSink } from './sink.js';

/**
 * @example
 * const reader = createReader([], sink);
 */
export function createReader(_files: string[], _sink: ConsoleSink) {
  return {
    async query(_sql: string): Promise<unknown> {
      throw new ApiError(501, 'query is not available yet');
    },
    async trace(_traceId: string): Promise<unknown> {
      throw new ApiError(501, 'trace is not available yet');
    },
  };
}
