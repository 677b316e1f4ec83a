import { spawn } from 'node:child_process';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { listen } from '../helpers/http.js';
import { expectAllEvents, fixture, type Outcome, runCase, runChild } from './exit-harness.js';

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
    // an ES module like the package itself (an ESM-only dependency cannot be required)
    writeFileSync(join(copy, 'package.json'), '{"type":"module"}');
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
