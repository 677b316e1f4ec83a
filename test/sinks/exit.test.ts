import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('../fixtures/emit-many.ts', import.meta.url));

interface Outcome {
  lines: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function runChild(
  mode: string,
  count: number,
  options: { signal?: NodeJS.Signals; minLength?: number } = {},
) {
  return new Promise<Outcome>((resolve) => {
    const args = ['--import', 'tsx', fixture, String(count), mode];
    if (options.minLength !== undefined) args.push(String(options.minLength));
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      stderr += chunk;
      if (options.signal && chunk.includes('ready')) child.kill(options.signal);
    });
    child.on('close', (code, signal) => {
      resolve({ lines: stdout.split('\n').filter(Boolean), code, signal, stderr });
    });
  });
}

function expectAllEvents(lines: string[], count: number) {
  expect(lines).toHaveLength(count);
  const seen = lines.map((line) => JSON.parse(line).i);
  expect(seen).toEqual(Array.from({ length: count }, (_, i) => i));
}

describe('no line lost at exit (stdoutSink)', () => {
  it('process.exit() right after 10,000 events', async () => {
    const result = await runChild('exit', 10_000);
    expect(result.code).toBe(0);
    expectAllEvents(result.lines, 10_000);
  });

  it('process.exit() with a 1 MiB buffer still pending', async () => {
    const result = await runChild('exit', 10_000, { minLength: 1_048_000 });
    expectAllEvents(result.lines, 10_000);
  });

  it('a natural end of the event loop', async () => {
    expectAllEvents((await runChild('natural', 10_000, { minLength: 1_048_000 })).lines, 10_000);
  });

  it('an uncaught exception (the app still crashes with code 1)', async () => {
    const result = await runChild('uncaught', 10_000, { minLength: 1_048_000 });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('crash after emitting');
    expectAllEvents(result.lines, 10_000);
  });

  it('SIGTERM and SIGINT: flushes, then dies by the signal as Node would', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const result = await runChild(signal.toLowerCase(), 10_000, { signal, minLength: 1_048_000 });
      expect(result.signal).toBe(signal);
      expectAllEvents(result.lines, 10_000);
    }
  });

  it("leaves the app's own SIGTERM handler in charge", async () => {
    const result = await runChild('own-sigterm', 10_000, { signal: 'SIGTERM', minLength: 1_048_000 });
    expect(result.stderr).toContain('app handler ran');
    expect(result.code).toBe(7);
    expectAllEvents(result.lines, 10_000);
  });

  it('a closed stdout (EPIPE) never crashes the app', async () => {
    const result = await new Promise<Outcome>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', fixture, '20000', 'natural', '0'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.destroy();
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
      child.on('close', (code, signal) => resolve({ lines: [], code, signal, stderr }));
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
