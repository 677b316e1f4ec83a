import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createSseHub, type PgPoolLike, pgBackplane } from '../../src/sse/index.js';
import { sleep, waitFor } from '../helpers/wait.js';
import { describeBackplane } from './backplane-contract.js';
import { joinedPairWithClient, rawClient, serveHub } from './helpers.js';
import { requireServices } from '../helpers/services.js';

requireServices('postgres');

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

  it('reopens a lost LISTEN connection once when the reopen fails too; none stays checked out', async () => {
    const { admin, schema, drop } = await ownSchema();
    const pool = new pg.Pool({ ...DATABASE, max: 4 });
    pool.on('error', () => {}); // terminated clients report here too
    cleanups.push(drop, () => pool.end());
    let connects = 0;
    const flaky: PgPoolLike = {
      query: (text, values) => pool.query(text, values),
      async connect() {
        const client = await pool.connect();
        if (++connects !== 2) return client;
        // the first reopen: its backend dies just before LISTEN, so pg both emits 'error'
        // on the client and rejects the LISTEN query
        const { rows } = await client.query('SELECT pg_backend_pid() AS pid');
        const query = client.query.bind(client) as (text: string) => Promise<unknown>;
        let errored = false;
        client.once('error', () => (errored = true));
        (client as { query: (text: string) => Promise<unknown> }).query = async (text) => {
          await admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
          await waitFor(() => errored, 5_000, "the client's error event");
          return query(text);
        };
        return client;
      },
    };
    const hub = createSseHub({ backplane: pgBackplane(flaky, { channel: schema, schema, reconnectMs: 20 }) });
    const server = await serveHub(hub);
    cleanups.push(
      () => server.close(),
      () => hub.close(),
    );
    await hub.ready();
    const client = rawClient(`${server.url}/?channels=news`);
    cleanups.push(() => client.close());
    await client.response;
    await waitFor(() => hub.stats().clients === 1);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = $1', [
      `LISTEN "${schema}"`,
    ]);
    const resets = () => client.parsed().events.filter((e) => e.event === 'reset').length;
    await waitFor(() => resets() === 1, 5_000, 'a reset for the live client');
    await sleep(200); // a second reopen would have run by now
    expect(connects).toBe(3);
    expect(resets()).toBe(1);
    const after = await hub.publish('news', { data: 'after' });
    await waitFor(() => client.parsed().events.some((e) => e.id === after), 5_000, 'the event after');
    await hub.close();
    expect(pool.totalCount - pool.idleCount).toBe(0);
  });

  it('releases a LISTEN connection the pool hands out after close()', async () => {
    const { admin, schema, drop } = await ownSchema();
    const pool = new pg.Pool({ ...DATABASE, max: 2 });
    pool.on('error', () => {});
    cleanups.push(drop, () => pool.end());
    let connects = 0;
    let reopening!: () => void;
    const reopened = new Promise<void>((resolve) => (reopening = resolve));
    let letThrough!: () => void;
    const gate = new Promise<void>((resolve) => (letThrough = resolve));
    let handedOut!: () => void;
    const handed = new Promise<void>((resolve) => (handedOut = resolve));
    const slow: PgPoolLike = {
      query: (text, values) => pool.query(text, values),
      async connect() {
        if (++connects !== 2) return pool.connect();
        reopening(); // the reopen waits for a connection until the hub has closed
        await gate;
        const client = await pool.connect();
        handedOut();
        return client;
      },
    };
    const hub = createSseHub({
      backplane: pgBackplane(slow, { channel: schema, schema, reconnectMs: 0 }),
    });
    await hub.ready();
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = $1', [
      `LISTEN "${schema}"`,
    ]);
    await reopened;
    await hub.close();
    letThrough();
    await handed;
    await sleep(50);
    expect(pool.totalCount - pool.idleCount).toBe(0);
  });
});
