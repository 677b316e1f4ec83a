import { spawn } from 'node:child_process';
import { closeSync, cpSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scaled } from '../helpers/crash.js';
import { listen } from '../helpers/http.js';

const fixture = fileURLToPath(new URL('../fixtures/emit-many.ts', import.meta.url));
const casesFixture = fileURLToPath(new URL('../fixtures/exit-cases.ts', import.meta.url));

interface Outcome {
  lines: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Where the child's stdout goes: a pipe read at once, a file, a pipe read slowly. */
type Stdout = 'pipe' | 'file' | 'slow';

interface RunOptions {
  signal?: NodeJS.Signals;
  nodeArgs?: string[];
  stdout?: Stdout;
}

/** Reads a pipe slowly: each chunk is followed by a 10 ms pause, so the pipe stays full. */
function readSlowly(stream: NodeJS.ReadableStream & { pause(): void; resume(): void }, onChunk: (s: string) => void) {
  stream.on('data', (chunk: string) => {
    onChunk(chunk);
    stream.pause();
    setTimeout(() => stream.resume(), 10);
  });
}

/** Runs a fixture under tsx, sending `signal` once it prints `ready` (killed after 60 s). */
function runFixture(args: string[], options: RunOptions = {}) {
  const target = options.stdout ?? 'pipe';
  const dir = target === 'file' ? mkdtempSync(join(tmpdir(), 'canon-exit-')) : undefined;
  const fd = dir ? openSync(join(dir, 'out.jsonl'), 'w') : undefined;
  return new Promise<Outcome>((resolve) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', ...args], {
      stdio: ['ignore', fd ?? 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const append = (chunk: string) => (stdout += chunk);
    if (child.stdout) {
      child.stdout.setEncoding('utf8');
      if (target === 'slow') readSlowly(child.stdout, append);
      else child.stdout.on('data', append);
    }
    child.stderr!.setEncoding('utf8').on('data', (chunk) => {
      stderr += chunk;
      if (options.signal && chunk.includes('ready')) child.kill(options.signal);
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      if (dir) {
        closeSync(fd!);
        stdout = readFileSync(join(dir, 'out.jsonl'), 'utf8');
        rmSync(dir, { recursive: true, force: true });
      }
      resolve({ lines: stdout.split('\n').filter(Boolean), code, signal, stderr });
    });
  });
}

/** `emit-many.ts`: `count` events, then ends the way `mode` says. */
function runChild(mode: string, count: number, options: RunOptions & { minLength?: number } = {}) {
  const args = [fixture, String(count), mode];
  if (options.minLength !== undefined) args.push(String(options.minLength));
  return runFixture(args, options);
}

/** `exit-cases.ts <mode> <arg>`. */
const runCase = (args: string[], options: RunOptions = {}) =>
  runFixture([casesFixture, ...args], options);

function expectAllEvents(lines: string[], count: number) {
  expect(lines).toHaveLength(count);
  const seen = lines.map((line) => JSON.parse(line).i);
  expect(seen).toEqual(Array.from({ length: count }, (_, i) => i));
}

describe('no event lost at exit', () => {
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

  it('two copies of Canon in one process: SIGTERM still flushes both and ends the process', async () => {
    // a second copy of the sources (as when two packages each depend on their own Canon)
    const copy = fileURLToPath(new URL(`../../node_modules/.canon-copy-${process.pid}`, import.meta.url));
    cpSync(fileURLToPath(new URL('../../src', import.meta.url)), copy, { recursive: true });
    try {
      const result = await runCase(['two-copies', copy], { signal: 'SIGTERM' });
      expect(result.signal).toBe('SIGTERM');
      expect(result.lines.map((line) => JSON.parse(line).service).sort()).toEqual(['first', 'second']);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('SIGTERM waits for asynchronous sinks: the otlpSink batch reaches the collector', async () => {
    const bodies: string[] = [];
    const collector = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        bodies.push(body);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    const { url, close } = await listen(collector);
    try {
      const result = await runCase(['otlp', `${url}/v1/logs`], { signal: 'SIGTERM' });
      expect(result.signal).toBe('SIGTERM');
      expect(bodies).toHaveLength(1);
      expect(JSON.stringify(JSON.parse(bodies[0]))).toContain('otlp-exit');
    } finally {
      await close();
    }
  });

  it('keeps logger lines written before a GC when no instance exists (process.exit right after)', async () => {
    const result = await runCase(['gc-logger'], { nodeArgs: ['--expose-gc'] });
    expect(result.code).toBe(0);
    expect(result.lines.map((line) => JSON.parse(line).msg)).toEqual(['before gc', 'after gc']);
  });
});

/** 50,000 events under CRASH_SCALE=full (the size), 20,000 in CI. */
const BUFFERED = scaled(20_000, 50_000);
/** Larger than all of them: every line is still in the sink's buffer when the process ends. */
const HOLD_ALL = 64 * 1024 * 1024;

describe.concurrent(`no line lost at exit: ${BUFFERED} buffered events × how the process ends × where stdout goes`, () => {
  const endings: { mode: string; signal?: NodeJS.Signals; code?: number; expectSignal?: NodeJS.Signals }[] = [
    { mode: 'exit', code: 0 },
    { mode: 'sigterm', signal: 'SIGTERM', expectSignal: 'SIGTERM' },
    { mode: 'sigint', signal: 'SIGINT', expectSignal: 'SIGINT' },
    { mode: 'uncaught', code: 1 },
    { mode: 'unhandled', code: 1 },
  ];
  for (const stdout of ['pipe', 'file', 'slow'] as const) {
    for (const ending of endings) {
      it(`${ending.mode}, stdout to a ${stdout === 'slow' ? 'slow reader' : stdout}`, { timeout: 90_000 }, async () => {
        const result = await runChild(ending.mode, BUFFERED, { signal: ending.signal, stdout, minLength: HOLD_ALL });
        if (ending.expectSignal) expect(result.signal).toBe(ending.expectSignal);
        else expect(result.code).toBe(ending.code);
        expectAllEvents(result.lines, BUFFERED);
      });
    }
  }
});
