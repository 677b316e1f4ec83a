/**
 * Runs the exit fixtures (test/fixtures/emit-many.ts, exit-cases.ts) in child processes
 * under tsx, with stdout to a pipe, a file or a slow reader, and collects what they wrote.
 * Shared by exit.test.ts and exit-matrix.stress.test.ts.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const fixture = fileURLToPath(new URL('../fixtures/emit-many.ts', import.meta.url));
export const casesFixture = fileURLToPath(new URL('../fixtures/exit-cases.ts', import.meta.url));

export interface Outcome {
  lines: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Where the child's stdout goes: a pipe read at once, a file, a pipe read slowly. */
export type Stdout = 'pipe' | 'file' | 'slow';

export interface RunOptions {
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
export function runFixture(args: string[], options: RunOptions = {}) {
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
export function runChild(mode: string, count: number, options: RunOptions & { minLength?: number } = {}) {
  const args = [fixture, String(count), mode];
  if (options.minLength !== undefined) args.push(String(options.minLength));
  return runFixture(args, options);
}

/** `exit-cases.ts <mode> <arg>`. */
export const runCase = (args: string[], options: RunOptions = {}) =>
  runFixture([casesFixture, ...args], options);

export function expectAllEvents(lines: string[], count: number) {
  expect(lines).toHaveLength(count);
  const seen = lines.map((line) => JSON.parse(line).i);
  expect(seen).toEqual(Array.from({ length: count }, (_, i) => i));
}

