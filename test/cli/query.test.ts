import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, canon, root } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'canon-cli-query-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = join(dir, 'events.jsonl');
const events = [
  { kind: 'http', route: '/a', status_code: 200, duration_ms: 10, user: { plan: 'pro' } },
  { kind: 'http', route: '/a', status_code: 500, duration_ms: 30, user: { plan: 'free' } },
  { kind: 'http', route: '/b', status_code: 200, duration_ms: 20, user: { plan: 'pro' } },
  { kind: 'http', route: '/a', status_code: 200, duration_ms: 50, user: { plan: 'pro' }, note: 'a, "quoted" note' },
];
writeFileSync(file, `${events.map((e) => JSON.stringify(e)).join('\n')}\nnot json\n`);

/** Canon's `dependencies` and theirs, as an install without optional peers has them. */
function runtimeDependencies(): string[] {
  const found = new Set<string>();
  const visit = (manifest: string) => {
    const { dependencies = {} } = JSON.parse(readFileSync(manifest, 'utf8')) as { dependencies?: Record<string, string> };
    for (const name of Object.keys(dependencies)) {
      if (found.has(name)) continue;
      found.add(name);
      visit(join(root, 'node_modules', name, 'package.json'));
    }
  };
  visit(join(root, 'package.json'));
  return [...found];
}

describe('canon query', () => {
  it('prints JSON lines when piped, one object per row, and counts skipped lines on stderr', async () => {
    const { code, stdout, stderr } = await canon(['query', file, '--group-by', 'route', '--agg', 'count(*),p50(duration_ms),max(duration_ms)']);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n').map((line) => JSON.parse(line))).toEqual([
      { route: '/a', count: 3, 'p50(duration_ms)': 30, 'max(duration_ms)': 50 },
      { route: '/b', count: 1, 'p50(duration_ms)': 20, 'max(duration_ms)': 20 },
    ]);
    expect(stderr).toBe('canon: skipped 1 line (not JSON objects)\n');
  });

  it('prints an aligned table (--table) and CSV (--csv) with nested fields and quoting', async () => {
    const table = await canon(['query', file, '--where', 'user.plan = "pro"', '--group-by', 'user.plan,route', '--order-by', 'route', '--table']);
    expect(table.stdout).toBe(['user.plan  route  count', '─────────  ─────  ─────', 'pro        /a         2', 'pro        /b         1', ''].join('\n'));
    const csv = await canon(['query', file, '--select', 'route,note', '--where', 'note is not null', '--csv']);
    expect(csv.stdout).toBe('route,note\n/a,"a, ""quoted"" note"\n');
  });

  it('prints an aligned table by default on a terminal (a real pseudo-terminal)', () => {
    const command = [process.execPath, CLI, 'query', file, '--group-by', 'route'].map((arg) => `'${arg}'`).join(' ');
    const result = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(result.stdout.replace(/\r\n/g, '\n')).toContain('route  count\n─────  ─────\n/a         3\n/b         1\n');
  });

  it('runs --sql from standard input, and exits 1 with "no rows" when nothing matches', async () => {
    const input = events.map((e) => JSON.stringify(e)).join('\n');
    const sql = await canon(['query', '--sql', 'SELECT count(*) AS n FROM events WHERE status_code >= 500', '--json'], { input });
    expect(sql.stdout).toBe('{"n":1}\n');
    const none = await canon(['query', file, '--where', 'status_code = 418', '--json']);
    expect(none.code).toBe(1);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain('canon: no rows\n');
  });

  it('names the unknown field of a failed query in one line (exit 2)', async () => {
    const { code, stderr } = await canon(['query', file, '--group-by', 'usr.plan']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^canon: query failed: Binder Error: .*usr.*\n$/);
  });

  it('says exactly what to install when DuckDB cannot be loaded (exit 2)', async () => {
    // an install of canon with its own dependencies but without the optional peer
    const install = mkdtempSync(join(tmpdir(), 'canon-without-duckdb-'));
    try {
      cpSync(join(root, 'dist'), join(install, 'dist'), { recursive: true });
      cpSync(join(root, 'package.json'), join(install, 'package.json'));
      for (const dependency of runtimeDependencies()) {
        cpSync(join(root, 'node_modules', dependency), join(install, 'node_modules', dependency), { recursive: true });
      }
      expect(() => createRequire(join(install, 'dist/cli/main.js')).resolve('@duckdb/node-api')).toThrow(/Cannot find module/);
      const { code, stdout, stderr } = await canon(['query', file, '--agg', 'count(*)'], { cli: join(install, 'dist/cli/main.js'), cwd: install });
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toBe('canon: querying events needs DuckDB, and it is not installed: npm install @duckdb/node-api\n');
      const pretty = await canon(['pretty', file], { cli: join(install, 'dist/cli/main.js'), cwd: install });
      expect(pretty.code).toBe(0); // everything else works without it
    } finally {
      rmSync(install, { recursive: true, force: true });
    }
  });
});
