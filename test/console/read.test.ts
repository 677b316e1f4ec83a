import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCanon, fileSink, memorySink } from '../../src/index.js';
import { waitFor } from '../helpers/wait.js';
import { type App, startApp } from './helpers.js';
import { request } from './request.js';

const query = (app: App, sql: string) =>
  request(`${app.url}/_canon/api/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-canon-console': '1' },
    body: JSON.stringify({ sql }),
  });

describe('Query and Trace pages (DuckDB, read side)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'canon-console-'));
  const file = join(dir, 'events.jsonl');
  const canon = createCanon({ service: 'read-test', sinks: [memorySink(), fileSink(file)], handleExit: false });
  let app: App;
  beforeAll(async () => {
    app = await startApp(canon, {}, (express) => {
      express.get('/q/:n', (req, res) => void res.send(req.params.n));
      express.get('/order', async (_req, res) => {
        await canon.run({ kind: 'job', job: { name: 'reserve' } }, async () => {
          await canon.run({ kind: 'job', job: { name: 'charge' } }, () => new Promise((r) => setTimeout(r, 5)));
        });
        await canon.run({ kind: 'job', job: { name: 'notify' } }, () => {});
        res.send('ok');
      });
    });
    for (let i = 0; i < 7; i++) await fetch(`${app.url}/q/${i}`);
    await waitFor(() => app.console.sink.entries().filter((e) => e.line.includes('"/q/:n"')).length === 7);
  });
  afterAll(async () => {
    await app.close();
    await canon.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs SQL over the buffered events', async () => {
    const res = await query(app, "SELECT route, count(*) AS n FROM events WHERE kind = 'http' AND route = '/q/:n' GROUP BY route");
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ columns: ['route', 'n'], rows: [{ route: '/q/:n', n: 7 }] });
  });

  it('a query error is a 400 with DuckDB’s message; an empty one names `sql`', async () => {
    const bad = await query(app, 'SELECT nope FROM events');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toMatch(/query failed: .*nope/);
    const empty = await query(app, ' ');
    expect(empty.status).toBe(400);
    expect(JSON.parse(empty.body).error).toContain('`sql`');
  });

  it('reads the given files instead of the buffer', async () => {
    await canon.flush();
    const withFiles = await startApp(canon, { files: [file] });
    try {
      const res = await query(withFiles, "SELECT count(*) AS n FROM events WHERE route = '/q/:n'");
      expect(JSON.parse(res.body).rows).toEqual([{ n: 7 }]);
    } finally {
      await withFiles.close();
    }
  });

  it('builds a trace’s tree: children under their parent, siblings in time order', async () => {
    const res = await fetch(`${app.url}/order`);
    const requestId = res.headers.get('x-request-id');
    await waitFor(() => app.console.sink.entries().some((e) => e.line.includes('"/order"')));
    const http = app.console.sink.entries().map((e) => JSON.parse(e.line)).find((e) => e.request_id === requestId);
    const trace = JSON.parse((await request(`${app.url}/_canon/api/trace?id=${http.trace_id}`)).body);
    expect(trace.spans.map((s: any) => [s.depth, s.event.kind, s.event.job?.name ?? s.event.route])).toEqual([
      [0, 'http', '/order'],
      [1, 'job', 'reserve'],
      [2, 'job', 'charge'],
      [1, 'job', 'notify'],
    ]);
    expect(trace.spans.every((s: any) => s.orphan === false)).toBe(true);
    expect(trace.spans[2].offset_ms).toBeGreaterThanOrEqual(trace.spans[1].offset_ms);
    expect(trace.duration_ms).toBeGreaterThanOrEqual(trace.spans[2].duration_ms);
    expect((await request(`${app.url}/_canon/api/trace?id=nope`)).status).toBe(400);
  });
});
