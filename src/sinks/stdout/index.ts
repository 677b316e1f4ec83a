/**
 * @module canon/sinks/stdout
 * The default sink: one JSON line per event on standard output.
 */

import type { Sink } from '../../core/sink.js';
import { createLineSink, type LineSinkOptions } from '../line-sink.js';

export type StdoutSinkOptions = LineSinkOptions;

/**
 * Writes events to stdout (fd 1), buffered, flushed at exit and on SIGTERM/SIGINT.
 *
 * @example
 * createCanon({ sinks: [stdoutSink({ minLength: 0 })] }); // write each line at once
 */
export function stdoutSink(options: StdoutSinkOptions = {}): Sink {
  return createLineSink({ fd: 1 }, options);
}
