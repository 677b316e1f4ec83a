/**
 * `canon/tenant` against a real PostgreSQL row-level-security policy. Each run creates its
 * own schema and login role (no BYPASSRLS, not the table owner) and drops both after.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonNode } from '../../src/frameworks/node/index.js';
import { CanonOptionError, createCanon, memorySink } from '../../src/index.js';
import { getTenant, TenantError, withTenant } from '../../src/tenant/index.js';
import { listen } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';
import { requireServices } from '../helpers/services.js';

requireServices('postgres');

const suffix = randomBytes(4).toString('hex');
const schema = `canon_tenant_${suffix}`;
const role = `canon_tenant_app_${suffix}`;
const connection = { host: '127.0.0.1', port: 5432, database: 'test' };

let admin: pg.Client;
let pool: pg.Pool;

beforeAll(async () => {
  admin = new pg.Client({ ...connection, user: 'postgres' });
  await admin.connect();
  await admin.query(`
    CREATE ROLE ${role} LOGIN;
    CREATE SCHEMA ${schema};
    -- fail closed, loudly: no tenant in the transaction → the query is refused
    CREATE FUNCTION ${schema}.current_tenant() RETURNS text LANGUAGE plpgsql STABLE AS $$
      DECLARE tenant text := current_setting('app.tenant_id', true);
      BEGIN
        IF tenant IS NULL OR tenant = '' THEN
          RAISE EXCEPTION 'no tenant in scope' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN tenant;
      END $$;
    CREATE TABLE ${schema}.invoices (
      id serial PRIMARY KEY,
      tenant_id text NOT NULL DEFAULT ${schema}.current_tenant(),
      amount int NOT NULL
    );
    ALTER TABLE ${schema}.invoices ENABLE ROW LEVEL SECURITY;
    CREATE POLICY tenant_isolation ON ${schema}.invoices
      USING (tenant_id = ${schema}.current_tenant())
      WITH CHECK (tenant_id = ${schema}.current_tenant());
    GRANT USAGE ON SCHEMA ${schema} TO ${role};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ${schema}.invoices TO ${role};
    GRANT USAGE ON SEQUENCE ${schema}.invoices_id_seq TO ${role};
    INSERT INTO ${schema}.invoices (tenant_id, amount) VALUES ('acme', 100), ('acme', 200), ('globex', 300);
  `);
  pool = new pg.Pool({ ...connection, user: role, max: 1 }); // one connection: leaks would show
});

afterAll(async () => {
  await pool?.end();
  await admin?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP ROLE IF EXISTS ${role};`);
  await admin?.end();
});

const amounts = (client: pg.PoolClient) =>
  client
    .query<{ amount: number }>(`SELECT amount FROM ${schema}.invoices ORDER BY amount`)
    .then((result) => result.rows.map((row) => row.amount));

async function adminAmounts(tenant: string): Promise<number[]> {
  const { rows } = await admin.query(
    `SELECT amount FROM ${schema}.invoices WHERE tenant_id = $1 ORDER BY amount`,
    [tenant],
  );
  return rows.map((row) => row.amount);
}

describe('withTenant', () => {
  it("reads only the tenant's rows", async () => {
    expect(await withTenant(pool, amounts, { tenantId: 'acme' })).toEqual([100, 200]);
    expect(await withTenant(pool, amounts, { tenantId: 'globex' })).toEqual([300]);
    expect(await withTenant(pool, amounts, { tenantId: 'nobody' })).toEqual([]);
  });

  it("cannot insert, update or delete another tenant's rows", async () => {
    await withTenant(
      pool,
      async (client) => {
        await expect(
          client.query(`INSERT INTO ${schema}.invoices (tenant_id, amount) VALUES ('globex', 1)`),
        ).rejects.toThrow(/row-level security/);
      },
      { tenantId: 'acme' },
    );
    const changed = await withTenant(
      pool,
      async (client) => {
        const updated = await client.query(
          `UPDATE ${schema}.invoices SET amount = 0 WHERE tenant_id = 'globex'`,
        );
        const deleted = await client.query(`DELETE FROM ${schema}.invoices WHERE tenant_id = 'globex'`);
        return [updated.rowCount, deleted.rowCount];
      },
      { tenantId: 'acme' },
    );
    expect(changed).toEqual([0, 0]);
    expect(await adminAmounts('globex')).toEqual([300]);
  });

  it('refuses queries outside a tenant scope, and the setting never outlives its transaction', async () => {
    await expect(pool.query(`SELECT amount FROM ${schema}.invoices`)).rejects.toThrow(/no tenant in scope/);
    await withTenant(pool, amounts, { tenantId: 'acme' });
    // the same pooled connection (max: 1), right after a tenant's transaction
    const { rows } = await pool.query(`SELECT current_setting('app.tenant_id', true) AS tenant`);
    expect(rows[0].tenant ?? '').toBe('');
    await expect(pool.query(`SELECT amount FROM ${schema}.invoices`)).rejects.toThrow(/no tenant in scope/);
  });

  it('rejects with TENANT_REQUIRED outside a tenant scope, before taking a connection', async () => {
    let connects = 0;
    const counting = { connect: () => (connects++, pool.connect()) };
    expect(getTenant()).toBeUndefined();
    const outside = withTenant(counting, amounts);
    await expect(outside).rejects.toBeInstanceOf(TenantError);
    await expect(outside).rejects.toMatchObject({ code: 'TENANT_REQUIRED', status: 400 });
    expect(connects).toBe(0);
  });

  it("commits and returns fn's result; rolls back and rethrows when fn throws", async () => {
    const id = await withTenant(
      pool,
      async (client) => {
        const insert = `INSERT INTO ${schema}.invoices (amount) VALUES (500) RETURNING id`;
        const { rows } = await client.query(insert);
        return rows[0].id as number;
      },
      { tenantId: 'initech' },
    );
    expect(typeof id).toBe('number');
    const failure = new Error('payment declined');
    await expect(
      withTenant(
        pool,
        async (client) => {
          await client.query(`INSERT INTO ${schema}.invoices (amount) VALUES (999)`);
          throw failure;
        },
        { tenantId: 'initech' },
      ),
    ).rejects.toBe(failure);
    expect(await adminAmounts('initech')).toEqual([500]); // tenant_id defaulted from the scope
    expect(pool.totalCount).toBe(1); // the connection went back to the pool
  });

  it('sets a custom setting name when given one', async () => {
    const seen = await withTenant(
      pool,
      async (client) => (await client.query(`SELECT current_setting('app.org_id') AS org`)).rows[0].org,
      { tenantId: 'acme', setting: 'app.org_id' },
    );
    expect(seen).toBe('acme');
  });

  it('rejects bad arguments with a CanonOptionError naming them', async () => {
    for (const [call, option] of [
      [() => withTenant(undefined as never, amounts, { tenantId: 'a' }), 'withTenant(pool)'],
      [() => withTenant(pool, 'query' as never, { tenantId: 'a' }), 'withTenant(fn)'],
      [() => withTenant(pool, amounts, { tenantId: '' }), 'withTenant.tenantId'],
      [() => withTenant(pool, amounts, { tenantId: 'a', setting: 'tenant' }), 'withTenant.setting'],
      [() => withTenant(pool, amounts, { tenantId: 'a', setting: "x.y'; DROP" }), 'withTenant.setting'],
    ] as const) {
      const result = call();
      await expect(result, option).rejects.toBeInstanceOf(CanonOptionError);
      await expect(result, option).rejects.toMatchObject({ option });
    }
  });
});

describe('withTenant inside a request', () => {
  it("scopes to the request's tenant, also in a job started from the request", async () => {
    const sink = memorySink();
    const canon = createCanon({ sinks: [sink], handleExit: false });
    const server = await listen(
      http.createServer(
        canonNode(
          canon,
          async (_req, res) => {
            const rows = await withTenant(pool, amounts);
            const inJob = await canon.run({ kind: 'job' }, () => withTenant(pool, amounts));
            res.setHeader('content-type', 'application/json');
            res.end(JSON.stringify({ rows, inJob }));
          },
          { tenant: { validate: (id) => /^[a-z]+$/.test(id) } },
        ),
      ),
    );
    try {
      const acme = await fetch(server.url, { headers: { 'x-tenant-id': 'acme' } });
      expect(await acme.json()).toEqual({ rows: [100, 200], inJob: [100, 200] });
      const globex = await fetch(server.url, { headers: { 'x-tenant-id': 'globex' } });
      expect(await globex.json()).toEqual({ rows: [300], inJob: [300] });
      const anonymous = await fetch(server.url);
      expect(anonymous.status).toBe(400);
      await waitFor(() => sink.events.length === 5);
      const jobs = sink.events.filter((event) => event.kind === 'job');
      expect(jobs.map((job) => job.tenant_id)).toEqual(['acme', 'globex']);
    } finally {
      await server.close();
    }
  });

  it('a tenant_id written into the event never switches the tenant', async () => {
    const canon = createCanon({ sinks: [memorySink()], handleExit: false });
    const server = await listen(
      http.createServer(
        canonNode(
          canon,
          async (req, res) => {
            req.canon.enrich({ tenant_id: 'globex' }); // e.g. a request body copied onto the event
            res.end(JSON.stringify({ tenant: getTenant(), rows: await withTenant(pool, amounts) }));
          },
          { tenant: {} },
        ),
      ),
    );
    try {
      const res = await fetch(server.url, { headers: { 'x-tenant-id': 'acme' } });
      expect(await res.json()).toEqual({ tenant: 'acme', rows: [100, 200] });
    } finally {
      await server.close();
    }
  });
});
