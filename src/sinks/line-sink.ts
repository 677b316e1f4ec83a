/**
 * @module canon/sinks/line-sink
 * The line writer behind `stdoutSink` and `fileSink`. Lines are appended to an in-memory
 * string and written with one synchronous `fs.writeSync` per 4 KiB batch (a timer pushes
 * out what is left every 100 ms). No write is ever in flight on a background thread, so
 * the synchronous flush at exit or on a signal is exact: no line lost, none reordered.
 *
 * A reader that falls behind (a full non-blocking pipe: EAGAIN) never blocks the event
 * loop: the unwritten rest waits in memory and is retried on a timer, new lines queue
 * behind it, and once `maxLength` characters wait, further lines are dropped — counted by
 * the sink (`stats().dropped`) and by Canon (`canon.stats().dropped`, `canon:dropped`) —
 * until the reader catches up. Only at exit is a full pipe waited for (10 s at most).
 * EPIPE (the reader is gone for good) stops the sink quietly instead of crashing the app.
 *
 * Why not sonic-boom: measured on this project's bench machine, sonic-boom costs
 * 1.2–2.2 µs per line in sync mode and 8–12 µs in async mode; this writer costs ~0.13 µs
 * (see bench/RESULTS.md, "stdout sink"). docs/core.md compares the two on a slow reader.
 */
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, invalidOption } from '../core/errors.js';
import { integerOption } from '../core/option-checks.js';
import type { Sink } from '../core/sink.js';
import { writeAvailable, writeUntil } from './fd-write.js';

export interface LineSinkOptions {
  /** Characters buffered before a write (default 4096; 0 writes every line at once). */
  minLength?: number;
  /** How often buffered lines are pushed out when traffic is low (default 100 ms). */
  flushIntervalMs?: number;
  /**
   * Characters kept at most while the reader is behind (default 16 MiB); lines that do not
   * fit are dropped and counted instead of blocking the app.
   */
  maxLength?: number;
}

/** `stats()` of a line sink. */
export interface LineSinkStats {
  /** Characters waiting for the reader. */
  buffered: number;
  /** Lines dropped because `maxLength` characters were already waiting. */
  dropped: number;
}

/** A sink writing lines to a descriptor or a file (`stdoutSink`, `fileSink`). */
export interface LineSink extends Sink {
  /** Returns `false` when the line was dropped (the buffer is full). */
  write(line: string): boolean;
  flush(): Promise<void>;
  flushSync(): void;
  close(): void;
  stats(): LineSinkStats;
}

/** How long the exit flush waits in all for a reader that is behind. */
const EXIT_BUDGET_MS = 10_000;
/** Bytes written at most in one turn of the loop (a fast reader must not hold it). */
const TURN_BYTES = 1024 * 1024;

function checkOptions(options: LineSinkOptions) {
  const minLength = integerOption(options.minLength, 'minLength', 4096, { min: 0 });
  const maxLength = integerOption(options.maxLength, 'maxLength', 16 * 1024 * 1024, { min: 1 });
  const interval = options.flushIntervalMs ?? 100;
  if (!(typeof interval === 'number' && interval > 0)) {
    throw invalidOption('flushIntervalMs', `expected a positive number, got ${describe(interval)}`);
  }
  return { minLength, maxLength, interval };
}

/**
 * A sink writing newline-terminated lines to a file descriptor or an appended file.
 *
 * @example
 * const sink = createLineSink({ fd: 1 }); sink.write('{"a":1}');
 */
export function createLineSink(target: { fd: number } | { path: string }, options: LineSinkOptions = {}): LineSink {
  const { minLength, maxLength, interval } = checkOptions(options);
  let fd: number;
  if ('fd' in target) fd = target.fd;
  else {
    mkdirSync(dirname(target.path), { recursive: true });
    fd = openSync(target.path, 'a');
  }
  /** Lines not handed to the descriptor yet. */
  let pending = '';
  /** The part of a batch the reader has not taken yet: written before `pending`. */
  let stalled: Uint8Array | undefined;
  let broken = false;
  let dropped = 0;
  let retry: NodeJS.Timeout | undefined;
  let backoffMs = 1;
  /** Resolved when nothing waits any more (`flush()` callers). */
  let drained: Array<() => void> = [];

  const waiting = () => pending.length + (stalled?.length ?? 0);

  function settle(): void {
    if (waiting() > 0 && !broken) return;
    const done = drained;
    drained = [];
    for (const resolve of done) resolve();
  }

  function fail(): void {
    broken = true; // EPIPE, a closed descriptor, a reader gone for good: never crash the app
    pending = '';
    stalled = undefined;
    settle();
  }

  /** Writes what the reader takes now; never waits. Returns whether anything is left. */
  function push(): boolean {
    if (broken) return false;
    try {
      let budget = TURN_BYTES;
      if (stalled !== undefined) {
        const written = writeAvailable(fd, stalled, budget);
        budget -= written;
        stalled = written < stalled.length ? stalled.subarray(written) : undefined;
      }
      if (stalled === undefined && pending !== '') {
        const data = Buffer.from(pending);
        pending = '';
        const written = writeAvailable(fd, data, budget);
        if (written < data.length) stalled = data.subarray(written);
      }
    } catch {
      fail();
      return false;
    }
    return stalled !== undefined;
  }

  /** Tries again later: soon after progress, backing off (up to the interval) while none. */
  function scheduleRetry(progressed: boolean): void {
    if (retry !== undefined) return;
    backoffMs = progressed ? 1 : Math.min(backoffMs * 2, interval);
    retry = setTimeout(function retryWrite() {
      retry = undefined;
      const before = waiting();
      if (push()) scheduleRetry(waiting() < before);
      else backoffMs = 1;
      settle();
    }, backoffMs);
    retry.unref(); // a reader far behind must not keep the process alive: exit flushes it
  }

  function flushNow(): void {
    if (stalled !== undefined) return; // the retry timer is on it, in order
    if (push()) scheduleRetry(true);
  }

  function flushSync(): void {
    if (broken) return;
    if (retry !== undefined) retry = void clearTimeout(retry);
    const deadline = Date.now() + EXIT_BUDGET_MS;
    try {
      if (stalled !== undefined) writeUntil(fd, stalled, deadline);
      stalled = undefined;
      if (pending !== '') writeUntil(fd, Buffer.from(pending), deadline);
      pending = '';
    } catch {
      fail();
    }
    settle();
  }

  const timer = minLength > 0 ? setInterval(flushNow, interval) : undefined;
  timer?.unref();

  return {
    write(line) {
      if (broken) throw new Error('sink is broken (EPIPE or closed descriptor)');
      if (stalled !== undefined && waiting() + line.length + 1 > maxLength) {
        dropped++;
        return false;
      }
      pending += `${line}\n`;
      if (pending.length >= minLength) flushNow();
      return true;
    },
    flush() {
      flushNow();
      if (waiting() === 0 || broken) return Promise.resolve();
      // resolves once the reader took everything, or after the exit budget at most; holds
      // no process open (`beforeExit` calls this: an exit would flush the rest anyway)
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(limit);
          resolve();
        };
        const limit = setTimeout(() => {
          drained = drained.filter((waiter) => waiter !== done);
          resolve();
        }, EXIT_BUDGET_MS).unref();
        drained.push(done);
      });
    },
    flushSync,
    close() {
      if (timer) clearInterval(timer);
      flushSync();
      if ('path' in target && !broken) closeSync(fd);
      broken = true;
    },
    stats: () => ({ buffered: waiting(), dropped }),
  };
}
