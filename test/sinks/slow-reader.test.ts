/**
 * A stdout reader that stops reading for seconds (a real pipe to a child process): the
 * app's event loop keeps running, the sink drops only what overflows its bounded buffer
 * (counted exactly), and writes resume once the reader reads again.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('../fixtures/slow-reader.ts', import.meta.url));
/** How long the reader stops reading, at least: slow on purpose. */
const PAUSE_MS = 8_000;
/** Past this, the reader resumes even if the child never said it overflowed. */
const PAUSE_LIMIT_MS = 30_000;

interface Report {
  emitted: number;
  dropped: number;
  published: number;
  sink: { buffered: number; dropped: number };
  maxDelayMs: number;
}

it('a reader paused for seconds costs the lines past the buffer, never the event loop or the sink', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const stdout = child.stdout!;
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  let overflowed = false;
  let report: Report | undefined;
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.on('message', (message) => {
    if (message === 'overflowed') overflowed = true;
    else report = message as Report;
  });
  let pausedAt: number | undefined;
  stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    if (pausedAt === undefined && lines.length >= 200) {
      pausedAt = Date.now();
      stdout.pause(); // the reader stops reading: the pipe fills up
    }
  });
  const resumeWhenDue = setInterval(() => {
    if (pausedAt === undefined) return;
    const paused = Date.now() - pausedAt;
    if ((paused >= PAUSE_MS && overflowed) || paused >= PAUSE_LIMIT_MS) {
      clearInterval(resumeWhenDue);
      stdout.resume();
      child.send('resumed');
    }
  }, 50);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(resumeWhenDue);

  expect(stderr).toBe('');
  expect(code).toBe(0);
  expect(partial).toBe('');
  expect(report).toBeDefined();
  const { emitted, dropped, published, sink, maxDelayMs } = report!;
  // the event loop never waited for the reader (it was paused for PAUSE_MS or more)
  expect(maxDelayMs).toBeLessThan(PAUSE_MS / 4);
  // whole lines, in order: drops leave gaps, never torn or reordered lines
  const seen = lines.map((line) => JSON.parse(line) as { i: number; phase: string });
  expect(seen.every((event, n) => n === 0 || event.i > seen[n - 1].i)).toBe(true);
  // what was lost is exactly what was counted, in the sink, in Canon and on canon:dropped
  expect(dropped).toBeGreaterThan(0);
  expect(emitted - lines.length).toBe(dropped);
  expect(sink).toEqual({ buffered: 0, dropped });
  expect(published).toBe(dropped);
  // and the sink went on writing once the reader was back
  expect(seen.filter((event) => event.phase === 'after')).toHaveLength(100);
}, 90_000);
