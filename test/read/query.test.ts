import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { queryEvents, querySql } from '../../src/read/index.js';
import { caught } from '../helpers/caught.js';

const dir = mkdtempSync(join(tmpdir(), 'canon-query-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ROUTES = ['/a', '/b/:id', '/c'];
const events = Array.from({ length: 3000 }, (_, i) => ({
  timestamp: new Date(Date.UTC(2026, 11, 1) + i * 1000).toISOString(),
  kind: 'http',
  route: ROUTES[i % 3],
  status_code: i % 17 === 0 ? 503 : 200,
  duration_ms: ((i * 7919) % 1000) / 10,
  user: { id: `u_${i % 10}`, plan: i % 4 === 0 ? 'pro' : 'free' },
}));
const file = join(dir, 'events.jsonl');
writeFileSync(file, `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);

/** quantile_cont: linear interpolation between the closest ranks. */
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = q * (sorted.length - 1);
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

describe('queryEvents', () => {
  it('groups with count, p50 and p99 exactly as computed by hand, busiest group first', async () => {
    const result = await queryEvents({ files: [file], groupBy: 'route', agg: 'count(*), p50(duration_ms), p99(duration_ms)' });
    expect(result.columns).toEqual(['route', 'count', 'p50(duration_ms)', 'p99(duration_ms)']);
    expect(result.rows).toHaveLength(3);
    for (const row of result.rows) {
      const durations = events.filter((e) => e.route === row.route).map((e) => e.duration_ms);
      expect(row.count).toBe(durations.length);
      expect(row['p50(duration_ms)']).toBeCloseTo(quantile(durations, 0.5), 9);
      expect(row['p99(duration_ms)']).toBeCloseTo(quantile(durations, 0.99), 9);
    }
    expect(result.skipped).toBe(0);
  });

  it('addresses nested fields with dots in --where, --group-by and --order-by', async () => {
    const { rows } = await queryEvents({
      files: [file],
      where: 'status_code >= 500 and user.plan = "pro"',
      groupBy: 'user.plan, route',
      agg: 'count(*),max(duration_ms),count_distinct(user.id)',
      orderBy: 'route desc',
      limit: 2,
    });
    const failing = events.filter((e) => e.status_code >= 500 && e.user.plan === 'pro');
    const expected = ['/c', '/b/:id']
      .map((route) => failing.filter((e) => e.route === route))
      .map((list) => ({
        'user.plan': 'pro',
        route: list[0].route,
        count: list.length,
        'max(duration_ms)': Math.max(...list.map((e) => e.duration_ms)),
        'count_distinct(user.id)': new Set(list.map((e) => e.user.id)).size,
      }));
    expect(rows).toEqual(expected);
  });

  it('runs raw SQL over the events table, returning JSON values (numbers, ISO timestamps, objects)', async () => {
    const { rows } = await queryEvents({ files: [file], sql: 'SELECT timestamp, status_code, "user", user.id AS uid FROM events ORDER BY timestamp LIMIT 1' });
    expect(rows).toEqual([{ timestamp: events[0].timestamp, status_code: 503, user: { id: 'u_0', plan: 'pro' }, uid: 'u_0' }]);
  });

  it('leaves out and counts lines that are not JSON objects, in files, gzip files, globs and memory', async () => {
    writeFileSync(join(dir, 'part-1.jsonl'), `${JSON.stringify(events[0])}\nINFO booting\n[1,2]\n{"kind":"http","route":"/a"`);
    writeFileSync(join(dir, 'part-2.jsonl.gz'), gzipSync(`${JSON.stringify(events[1])}\n\n${JSON.stringify(events[2])}\nnot json either\n`));
    const fromFiles = await queryEvents({ files: [join(dir, 'part-*')], sql: 'SELECT count(*) AS n, count(route) AS routes FROM events' });
    expect(fromFiles.rows).toEqual([{ n: 3, routes: 3 }]);
    expect(fromFiles.skipped).toBe(4);
    const fromLines = await queryEvents({ lines: [JSON.stringify(events[0]), 'garbage', '"string"'], agg: 'count(*)' });
    expect(fromLines.rows).toEqual([{ count: 1 }]);
    expect(fromLines.skipped).toBe(2);
  });

  it('infers each column from every line of a small input (a field first seen late, a type that varies)', async () => {
    const lines = events.slice(0, 2500).map((e) => JSON.stringify(e));
    lines.push(JSON.stringify({ kind: 'job', late: { field: 'here' }, status_code: 'n/a' }));
    const { rows } = await queryEvents({ lines, sql: `SELECT late.field AS f, status_code FROM events WHERE kind = 'job'` });
    expect(rows).toEqual([{ f: 'here', status_code: 'n/a' }]);
  });

  it('fails with one clear line naming an unknown field, and refuses --sql mixed with shorthands', async () => {
    const unknown = await caught(queryEvents({ files: [file], where: 'nope.field = 1' }));
    expect(unknown.code).toBe('CANON_QUERY_FAILED');
    expect(unknown.message).toMatch(/^canon: query failed: .*nope/);
    expect(unknown.message).not.toContain('\n');
    expect(() => querySql({ sql: 'SELECT 1', where: 'a = 1' })).toThrow('canon: --sql cannot be combined with');
    expect(() => querySql({ agg: 'p99(duration_ms' })).toThrow(/invalid --agg/);
    expect(() => querySql({ agg: 'stddev(duration_ms)' })).toThrow(/unknown aggregate/);
    expect(() => querySql({ groupBy: 'route desc' })).toThrow(/invalid --group-by "route desc": expected a field name/);
    // a line break inside the key was a TypeError ("reading 'replace'") before
    expect(() => querySql({ orderBy: 'route\nstatus_code desc' })).toThrow(/invalid --order-by "route\\nstatus_code": expected a field name/);
  });

  it('reads spaces around aggregates and --order-by directions as typed', () => {
    expect(querySql({ agg: ' P99 ( duration_ms )  ', orderBy: 'p99(duration_ms)\tDESC' })).toBe(
      'SELECT quantile_cont("duration_ms", 0.99) AS "p99(duration_ms)" FROM events ORDER BY "p99(duration_ms)" DESC',
    );
    expect(querySql({ agg: 'count( )', orderBy: ['count(*)', 'route  asc'] })).toBe('SELECT count(*) AS "count" FROM events ORDER BY "count" ASC, "route" ASC');
    expect(() => querySql({ agg: 'p99(duration_ms)x' })).toThrow(/expected an aggregate/);
    expect(() => querySql({ agg: 'p99(a\nb)' })).toThrow(/expected an aggregate/);
  });

  it('answers an empty input with no rows', async () => {
    writeFileSync(join(dir, 'empty.jsonl'), '');
    const { rows, skipped } = await queryEvents({ files: [join(dir, 'empty.jsonl')], agg: 'count(*)' });
    expect(rows).toEqual([{ count: 0 }]);
    expect(skipped).toBe(0);
  });
});
