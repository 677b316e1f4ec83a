/**
 * Nothing is lost when the runtime freezes the process right after the handler's
 * promise resolves: a child process invokes wrapped handlers and stops itself with
 * SIGSTOP as soon as each resolves; while it is stopped, its events must already be in
 * the stdout pipe. The unwrapped control shows that buffered lines would otherwise still
 * be in the process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { sleep, waitFor } from '../../helpers/wait.js';

const fixture = fileURLToPath(new URL('../../fixtures/lambda-freeze.ts', import.meta.url));
const children: ChildProcess[] = [];

/** True once the process is stopped by a signal (state `T` in /proc). */
function stopped(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('T');
  } catch {
    return false;
  }
}

function start(mode: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk));
  // complete lines only: a chunk may end mid-line
  const lines = () => out.split('\n').slice(0, -1).map((line) => JSON.parse(line));
  return { child, lines, stderr: () => err };
}

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

describe('canon/lambda and a frozen process', () => {
  it('has every event of an invocation in the pipe when the process stops right after the handler resolved', async () => {
    const { child, lines, stderr } = start('wrapped');
    await waitFor(() => stopped(child.pid!), 20_000, `the first stop (stderr: ${stderr()})`);
    const batch = await waitFor(() => (lines().length === 3 ? lines() : undefined), 2_000, 'three record events');
    expect(batch.map((e) => [e.kind, e.message.source, e.record.body])).toEqual([
      ['message', 'sqs', '{"order":1}'],
      ['message', 'sqs', '{"order":2}'],
      ['message', 'sqs', '{"order":3}'],
    ]);
    child.kill('SIGCONT');
    await waitFor(() => lines().length === 4 && stopped(child.pid!), 10_000, 'the second stop');
    expect(lines()[3]).toMatchObject({ kind: 'http', status_code: 200, path: '/users/42/orders' });
  });

  it('control: without canonLambda the buffered lines are still in the stopped process', async () => {
    const { child, lines, stderr } = start('unwrapped');
    await waitFor(() => stopped(child.pid!), 20_000, `the stop (stderr: ${stderr()})`);
    await sleep(200); // anything already in the pipe would have been read by now
    expect(lines()).toEqual([]);
  });
});
