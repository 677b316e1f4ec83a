import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { CLI, canon, root } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'canon-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ok = { timestamp: '2026-12-01T10:00:00.000Z', kind: 'http', service: 'shop', method: 'GET', path: '/a', status_code: 200, duration_ms: 5, outcome: 'success', request_id: 'r1' };
const slow = { ...ok, timestamp: '2026-12-01T10:00:01.000Z', path: '/slow', duration_ms: 2500, request_id: 'r2' };
const failed = { ...ok, timestamp: '2026-12-01T10:00:02.000Z', path: '/b', status_code: 503, outcome: 'error', request_id: 'r3', error: { type: 'Boom', message: 'down' } };
const jsonl = (...events: object[]) => events.map((e) => `${JSON.stringify(e)}\n`).join('');

/** One line, no stack frames. */
function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
  return lines[0];
}

describe('canon', () => {
  it('--help lists the commands (exit 0); no command prints it to stderr (exit 2)', async () => {
    const help = await canon(['--help']);
    expect(help.code).toBe(0);
    for (const name of ['pretty', 'tail', 'query', 'trace', 'flows', 'outbox', 'webhooks', 'console', 'audit']) expect(help.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    const none = await canon([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: canon <command>');
    const sub = await canon(['query', '--help']);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('--group-by');
  });

  it('runs as npx canon from the project (the "bin" of package.json)', () => {
    const result = spawnSync('npx', ['--no-install', 'canon', '--help'], { cwd: root, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: canon <command> \[options\]/);
  });

  it('answers a wrong command, option or value with one line and exit 2', async () => {
    const cases: [string[], string][] = [
      [['nope'], 'canon: unknown command "nope" (commands: pretty, tail, query, trace, flows, outbox, webhooks, console, audit)'],
      [['pretty', '--bogus'], 'canon pretty: unknown option --bogus (see canon pretty --help)'],
      [['pretty', '--slow', 'fast', '-'], 'canon pretty: --slow expects a number >= 0, got "fast"'],
      [['query', 'x.jsonl', '--limit', '2.5'], 'canon query: --limit expects a whole number >= 0, got "2.5"'],
      [['pretty', join(dir, 'missing.jsonl')], `canon: no such file: ${join(dir, 'missing.jsonl')}`],
      [['pretty', '--where', 'status_code >>= 5', '-'], 'canon: invalid --where "status_code >>= 5": expected a field, a number or a quoted string at column 14 (near ">= 5")'],
      [['tail'], 'canon tail: give the files to follow (canon pretty reads standard input)'],
      [['trace'], 'canon trace: give the trace id: canon trace TRACE_ID [files…]'],
      [['outbox', 'status'], 'canon outbox status: give the database with --database postgres://… or DATABASE_URL'],
      [['outbox', 'purge'], 'canon outbox: expected one of status, dead, redrive, got "purge"'],
    ];
    for (const [args, message] of cases) {
      const result = await canon(args, { env: { DATABASE_URL: undefined } });
      expect(result.code, args.join(' ')).toBe(2);
      expect(oneLine(result.stderr), args.join(' ')).toBe(message);
    }
  });
});

describe('canon pretty', () => {
  it('reads stdin, prints one line per event with the error expanded, and counts the lines it skipped', async () => {
    const { code, stdout, stderr } = await canon(['pretty'], { input: `${jsonl(ok)}GET /x 200 (a plain log line)\n[1]\n${jsonl(failed)}` });
    expect(code).toBe(0);
    expect(stdout).toBe('10:00:00.000 shop http    GET /a 200 5.0ms\n10:00:02.000 shop http    GET /b 503 5.0ms error\n  ✖ Boom: down\n');
    expect(oneLine(stderr)).toBe('canon: skipped 2 lines (not JSON objects)');
  });

  it('filters with --errors, --slow and --where, and shows --fields first', async () => {
    const input = jsonl(ok, slow, failed);
    const paths = async (args: string[]) => (await canon(['pretty', ...args], { input })).stdout.match(/GET (\S+)/g);
    expect(await paths(['--errors'])).toEqual(['GET /b']);
    expect(await paths(['--slow', '1000'])).toEqual(['GET /slow']);
    expect(await paths(['--where', "path like '/%' and status_code < 500"])).toEqual(['GET /a', 'GET /slow']);
    expect((await canon(['pretty', '--fields', 'request_id'], { input: jsonl(ok) })).stdout).toContain('5.0ms request_id=r1\n');
  });

  it('colours only on request: never when piped, FORCE_COLOR forces, NO_COLOR does not win over FORCE_COLOR', async () => {
    expect((await canon(['pretty'], { input: jsonl(failed) })).stdout).not.toContain('\x1b[');
    expect((await canon(['pretty'], { input: jsonl(failed), env: { FORCE_COLOR: '1' } })).stdout).toContain('\x1b[31m503\x1b[39m');
    expect((await canon(['pretty'], { input: jsonl(failed), env: { FORCE_COLOR: '0' } })).stdout).not.toContain('\x1b[');
  });

  it('reads files, globs and .gz files in order', async () => {
    writeFileSync(join(dir, 'day-1.jsonl'), jsonl(ok));
    writeFileSync(join(dir, 'day-2.jsonl.gz'), gzipSync(jsonl(slow, failed)));
    const { code, stdout } = await canon(['pretty', join(dir, 'day-*')]);
    expect(code).toBe(0);
    expect(stdout.match(/GET (\S+)/g)).toEqual(['GET /a', 'GET /slow', 'GET /b']);
  });

  it('stops quietly when its reader goes away (canon pretty | head -1)', () => {
    const file = join(dir, 'many.jsonl');
    writeFileSync(file, jsonl(...Array.from({ length: 50_000 }, () => ok)));
    const script = `node ${JSON.stringify(CLI)} pretty ${JSON.stringify(file)} | head -1 > /dev/null; echo "exit \${PIPESTATUS[0]}" >&2`;
    const result = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
    expect(result.stderr).toBe('exit 0\n');
  });
});
