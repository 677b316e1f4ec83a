/**
 * @module canon/sinks/boom-sink
 * The line writer behind `stdoutSink` and `fileSink`: pino's sonic-boom in synchronous
 * mode with a small buffer. Lines are batched (4 KiB by default) and a timer pushes out
 * what is left every 100 ms; because no write is ever in flight on a thread, the
 * synchronous flush at exit or on a signal is exact: no line lost, none reordered.
 * A broken pipe (EPIPE) stops the sink quietly instead of crashing the app.
 */
import { createRequire } from 'node:module';
import type { SonicBoom as SonicBoomType } from 'sonic-boom';

// sonic-boom is CommonJS with `module.exports = SonicBoom`; its types describe a named class.
const SonicBoom = createRequire(import.meta.url)('sonic-boom') as typeof SonicBoomType;

import { describe, invalidOption } from '../core/errors.js';
import type { Sink } from '../core/sink.js';

export interface BoomOptions {
  /** Bytes buffered before a write (default 4096; 0 writes every line at once). */
  minLength?: number;
  /** How often buffered lines are pushed out when traffic is low (default 100 ms). */
  flushIntervalMs?: number;
}

/** A sink writing newline-terminated lines through sonic-boom. */
export function createBoomSink(target: { fd: number } | { dest: string }, options: BoomOptions = {}): Sink {
  const minLength = options.minLength ?? 4096;
  if (!Number.isInteger(minLength) || minLength < 0) {
    throw invalidOption('minLength', `expected a non-negative integer, got ${describe(minLength)}`);
  }
  const interval = options.flushIntervalMs ?? 100;
  if (!(interval > 0))
    throw invalidOption('flushIntervalMs', `expected a positive number, got ${describe(interval)}`);
  const maxWrite = Math.max(16 * 1024, minLength * 2);
  const boom = new SonicBoom({ ...target, sync: true, minLength, maxWrite, mkdir: true, append: true });
  let broken = false;
  let dirty = false;
  boom.on('error', () => {
    broken = true; // EPIPE or a closed fd: stop writing, never crash the app
  });

  const flushSync = (): void => {
    if (broken || !dirty) return;
    dirty = false;
    try {
      boom.flushSync();
    } catch {
      broken = true;
    }
  };
  const timer = minLength > 0 ? setInterval(flushSync, interval) : undefined;
  timer?.unref();

  return {
    write(line) {
      if (broken) throw new Error('sink is broken (EPIPE or closed descriptor)');
      dirty = true;
      boom.write(`${line}\n`);
    },
    flush: flushSync,
    flushSync,
    close() {
      if (timer) clearInterval(timer);
      flushSync();
      if (!broken && 'dest' in target) boom.end();
    },
  };
}
