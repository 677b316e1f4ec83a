/**
 * @module canon/sinks/stdout
 * The default sink: one JSON line per event on standard output.
 */

import type { Sink } from '../../core/sink.js';
import { type BoomOptions, createBoomSink } from '../boom-sink.js';

export type StdoutSinkOptions = BoomOptions;

/**
 * Writes events to stdout (fd 1), buffered, flushed at exit and on SIGTERM/SIGINT.
 *
 * @example
 * createCanon({ sinks: [stdoutSink({ minLength: 0 })] }); // write each line at once
 */
export function stdoutSink(options: StdoutSinkOptions = {}): Sink {
  return createBoomSink({ fd: 1 }, options);
}
