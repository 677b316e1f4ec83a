/**
 * @module canon/sinks/file
 * Appends one JSON line per event to a file (parent folders are created).
 */

import { invalidOption } from '../../core/errors.js';
import { createLineSink, type LineSink, type LineSinkOptions } from '../line-sink.js';

export type FileSinkOptions = LineSinkOptions;

/**
 * Writes events to `path`, buffered like {@link stdoutSink}.
 *
 * @example
 * createCanon({ sinks: [fileSink('./logs/events.ndjson')] });
 */
export function fileSink(path: string, options: FileSinkOptions = {}): LineSink {
  if (typeof path !== 'string' || path === '') throw invalidOption('fileSink(path)', 'expected a file path');
  return createLineSink({ path }, options);
}
