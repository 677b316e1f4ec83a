import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createSseHub, pgBackplane } from '../../src/sse/index.js';
import { waitFor } from '../helpers/wait.js';
import { describeBackplane } from './backplane-contract.js';
import { joinedPairWithClient, rawClient } from './helpers.js';

const DATABASE = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' };

/** A schema of its own for one run, dropped afterwards. */
async function ownSchema() {
  const admin = new pg.Pool({ ...DATABASE, max: 2 });
  const schema = `canon_sse_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  await admin.query(`CREATE SCHEMA ${schema}`);
  return {
    admin,
    schema,
    async drop() {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}

describeBackplane('PostgreSQL', async () => {
  const { schema, drop } = await ownSchema();
  const pools: pg.Pool[] = [];
  return {
    make() {
      const pool = new pg.Pool({ ...DATABASE, max: 4 });
      pools.push(pool);
      return pgBackplane(pool, { channel: schema, schema });
    },
    async teardown() {
      await Promise.all(pools.map((pool) => pool.end()));
      await drop();
    },
  };
});

describe('canon/sse PostgreSQL backplane specifics', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('carries messages larger than the 8000-byte NOTIFY limit, multi-byte text intact', async () => {
    const { schema, drop } = await ownSchema();
    const poolA = new pg.Pool({ ...DATABASE, max: 2 });
    const poolB = new pg.Pool({ ...DATABASE, max: 2 });
    cleanups.push(
      drop,
      () => poolA.end(),
      () => poolB.end(),
    );
    const a = createSseHub({ backplane: pgBackplane(poolA, { channel: schema, schema }) });
    const b = createSseHub({ backplane: pgBackplane(poolB, { channel: schema, schema }) });
    const { client } = await joinedPairWithClient(a, b, 'big', cleanups);
    const text = `${'é'.repeat(3_000)}😀${'€'.repeat(9_000)}\nend`;
    const [big, small] = [
      await a.publish('big', { data: { text } }),
      await a.publish('big', { data: 'small' }),
    ];
    await waitFor(() => client.parsed().events.length === 2, 5_000, 'both events');
    expect(client.parsed().events[0]).toEqual({ id: big, data: JSON.stringify({ text }) });
    expect(client.parsed().events[1]).toEqual({ id: small, data: 'small' });
  });

  it('releases its LISTEN connection on close and rejects publishes when the database is gone', async () => {
    const { schema, drop } = await ownSchema();
    cleanups.push(drop);
    const pool = new pg.Pool({ ...DATABASE, max: 2 });
    const hub = createSseHub({ backplane: pgBackplane(pool, { channel: schema, schema }) });
    await hub.ready();
    // the LISTEN connection stays checked out (the announce query may still be finishing)
    await waitFor(() => pool.totalCount - pool.idleCount === 1);
    await hub.close();
    expect(pool.totalCount - pool.idleCount).toBe(0);
    await pool.end();
    const after = createSseHub({ backplane: pgBackplane(pool, { channel: schema, schema }) });
    cleanups.push(() => after.close());
    await expect(after.publish('a', { data: 1 })).rejects.toThrow();
    expect(after.stats().backplane_errors).toBeGreaterThanOrEqual(1);
  });

  it('reopens a lost LISTEN connection, resets live clients and clients whose history fell in the gap', async () => {
    const { admin, schema, drop } = await ownSchema();
    const poolA = new pg.Pool({ ...DATABASE, max: 2 });
    const poolB = new pg.Pool({ ...DATABASE, max: 2 });
    cleanups.push(
      drop,
      () => poolA.end(),
      () => poolB.end(),
    );
    poolB.on('error', () => {}); // the terminated LISTEN client reports here too
    const a = createSseHub({ backplane: pgBackplane(poolA, { channel: schema, schema }) });
    const b = createSseHub({ backplane: pgBackplane(poolB, { channel: schema, schema, reconnectMs: 50 }) });
    const { url, client: live } = await joinedPairWithClient(a, b, 'news', cleanups);
    const before = await a.publish('news', { data: 'before' });
    await waitFor(() => live.parsed().events.length === 1);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = $1', [
      `LISTEN "${schema}"`,
    ]);
    await a.publish('news', { data: 'missed by b' });
    await waitFor(
      () => live.parsed().events.some((e) => e.event === 'reset'),
      5_000,
      'a reset for live clients',
    );
    expect(b.stats().backplane_errors).toBeGreaterThan(0);
    let after = 0;
    while (!live.parsed().events.some((e) => e.data === 'after')) {
      if (++after > 100) throw new Error('b never listened again');
      await a.publish('news', { data: 'after' });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(live.parsed().events.map((e) => e.data)).not.toContain('missed by b');
    const stale = rawClient(`${url}/?channels=news`, { 'last-event-id': before });
    cleanups.push(() => stale.close());
    await waitFor(() => stale.parsed().events.length === 1);
    expect(stale.parsed().events[0]).toMatchObject({ event: 'reset' });
    expect(stale.parsed().events[0].data).toContain('"reason":"too_old"');
  });
});
