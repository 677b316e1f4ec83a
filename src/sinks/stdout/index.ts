/**
 * @module canon/sinks/stdout
 * The default sink: one JSON line per event on standard output.
 */
import { fstatSync } from 'node:fs';
import { createLineSink, type LineSink, type LineSinkOptions } from '../line-sink.js';

export type StdoutSinkOptions = LineSinkOptions;

/**
 * Makes a piped stdout non-blocking, so that a reader that stops reading makes a write
 * answer EAGAIN instead of stalling the event loop. Node does it when it opens stdout as
 * a stream (as any `console.log` does); an inherited pipe is blocking until then.
 */
function nonBlockingStdout(): void {
  try {
    const stat = fstatSync(1);
    if (stat.isFIFO() || stat.isSocket()) void process.stdout.fd;
  } catch {
    // no stdout at all: the sink's writes fail and it stops quietly
  }
}

/**
 * Writes events to stdout (fd 1), buffered, flushed at exit and on SIGTERM/SIGINT. A
 * reader that falls behind costs the lines past `maxLength`, never the app's event loop.
 *
 * @example
 * createCanon({ sinks: [stdoutSink({ minLength: 0 })] }); // write each line at once
 */
export function stdoutSink(options: StdoutSinkOptions = {}): LineSink {
  nonBlockingStdout();
  return createLineSink({ fd: 1 }, options);
}
