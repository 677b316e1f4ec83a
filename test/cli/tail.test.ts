import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.js';
import { CLI, root } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'canon-cli-tail-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const line = (n: number, extra: object = {}) => `${JSON.stringify({ kind: 'http', n, status_code: n % 2 ? 500 : 200, ...extra })}\n`;

function tail(args: string[]) {
  const child = spawn(process.execPath, [CLI, 'tail', ...args], { cwd: root, env: { PATH: process.env.PATH } });
  const state = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (chunk) => (state.stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (state.stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, state, exited, seen: () => state.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l).n) };
}

describe('canon tail', () => {
  it('follows a file through a real rotation, filters with --where, and stops on SIGINT with exit 0', async () => {
    const file = join(dir, 'app.jsonl');
    writeFileSync(file, line(1) + line(2) + line(3));
    const run = tail([file, '--json', '-n', '2', '--where', 'status_code >= 500']);
    await waitFor(() => run.seen().includes(3), 10_000, 'the last lines');
    expect(run.seen()).toEqual([3]); // of the last 2 lines (2, 3), only 3 failed
    appendFileSync(file, line(5) + 'garbage\n');
    await waitFor(() => run.seen().includes(5), 10_000, 'an appended line');
    appendFileSync(file, line(7)); // still written to the old file
    renameSync(file, `${file}.1`); // logrotate: move away, start a new file
    writeFileSync(file, line(8) + line(9));
    await waitFor(() => run.seen().includes(9), 10_000, 'the new file');
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.seen()).toEqual([3, 5, 7, 9]);
    expect(run.state.stderr).toBe('canon: skipped 1 line (not JSON objects)\n');
  });

  it('prints pretty lines by default', async () => {
    const file = join(dir, 'pretty.jsonl');
    writeFileSync(file, line(2, { timestamp: '2026-12-01T08:00:00.000Z', method: 'GET', path: '/x', duration_ms: 3, service: 'api' }));
    const run = tail([file]);
    await waitFor(() => run.state.stdout.includes('\n'), 10_000, 'a line');
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.state.stdout).toBe('08:00:00.000 api http    GET /x 200 3.0ms n=2\n');
  });
});
