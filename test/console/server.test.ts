import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsoleServer } from '../../src/console/index.js';
import { PG_URL } from '../outbox/harness.js';
import { type PgSchema, pgSchema } from './helpers.js';
import { request } from './request.js';

const line = (n: number) => JSON.stringify({ timestamp: new Date().toISOString(), kind: 'http', service: 'files', path: `/f/${n}`, trace_id: 'b'.repeat(32), span_id: String(n).padStart(16, '0'), outcome: 'success', duration_ms: n });

describe('startConsoleServer (canon console)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'canon-console-server-'));
  const file = join(dir, 'app.jsonl');
  let db: PgSchema;
  beforeAll(async () => {
    db = await pgSchema('canon_console_server');
    writeFileSync(file, `${line(1)}\nnot json\n${line(2)}\n`);
  });
  afterAll(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('follows the files for Live, queries them, and shows the database’s outbox; the webhooks page says it has none', async () => {
    const server = await startConsoleServer({ files: [file], database: PG_URL, outboxTable: `${db.schema}.outbox`, port: 0 });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const first = JSON.parse((await request(`${server.url}api/events`)).body);
      expect(first.events.map((e: { path: string }) => e.path)).toEqual(['/f/1', '/f/2']);
      appendFileSync(file, `${line(3)}\n`);
      let paths: string[] = [];
      const deadline = Date.now() + 10_000;
      while (!paths.includes('/f/3') && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        paths = JSON.parse((await request(`${server.url}api/events`)).body).events.map((e: { path: string }) => e.path);
      }
      expect(paths).toEqual(['/f/1', '/f/2', '/f/3']);
      const counted = await request(`${server.url}api/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-canon-console': '1' },
        body: JSON.stringify({ sql: "SELECT count(*) AS n FROM events WHERE service = 'files'" }),
      });
      expect(JSON.parse(counted.body).rows).toEqual([{ n: 3 }]);
      const info = JSON.parse((await request(`${server.url}api/info`)).body);
      expect(info.pages).toMatchObject({ outbox: true, webhooks: false });
      expect(JSON.parse((await request(`${server.url}api/outbox`)).body).stats).toMatchObject({ dead: 0, pending: 0 });
    } finally {
      await server.close();
    }
  });

  it('refuses a non-loopback host without a token, and bad options by name', async () => {
    await expect(startConsoleServer({ files: [file], host: '0.0.0.0', port: 0 })).rejects.toMatchObject({ option: 'host' });
    await expect(startConsoleServer({ port: 0 })).rejects.toMatchObject({ option: 'files' });
    await expect(startConsoleServer({ files: [file], port: 70_000 })).rejects.toMatchObject({ option: 'port' });
  });
});
