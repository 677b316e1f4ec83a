/**
 * @module canon/tenant
 * Tenant context for multi-tenant services. Every HTTP adapter takes
 * `tenant: { header, required, validate }` (see `TenantOptions`): the tenant id of each
 * request is checked once, put on its event as `tenant_id` and returned by `getTenant()`
 * anywhere in the request. `withTenant(pool, fn)` runs database work in a node-postgres
 * transaction scoped to that tenant, for row-level security policies to enforce.
 */
import { storage } from '../core/context.js';
import { describe, ErrorCodes, invalidOption, TenantError } from '../core/errors.js';
import type { ClientOf } from '../pg/driver.js';

export { TenantError } from '../core/errors.js';
export type { TenantOptions } from '../http/tenant.js';
export type { ClientOf } from '../pg/driver.js';

/**
 * The tenant id of the request (or job started inside it) in scope; `undefined` outside
 * one, or when the request has no tenant.
 *
 * @example
 * import { getTenant } from 'canon/tenant';
 * async function listInvoices() {
 *   return db.invoices.findMany({ where: { tenantId: getTenant() } });
 * }
 */
export function getTenant(): string | undefined {
  return storage.getStore()?.tenant;
}

/** The part of a node-postgres client `withTenant` uses (`PoolClient` fits). */
export interface TenantClient {
  query(text: string, values?: unknown[]): Promise<unknown>;
  release(err?: Error | boolean): void;
}

/** The part of a node-postgres `Pool` `withTenant` uses. */
export interface TenantPool {
  connect(): Promise<TenantClient>;
}

export interface WithTenantOptions {
  /** The tenant to scope to. Default: `getTenant()`, the request's tenant. */
  tenantId?: string;
  /** The setting your policies read. Default `'app.tenant_id'`. */
  setting?: string;
}

const SETTING = /^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$/;

function checkOptions(options: WithTenantOptions | undefined): void {
  if (options === undefined) return;
  const { tenantId, setting } = options;
  if (tenantId !== undefined && (typeof tenantId !== 'string' || tenantId === '')) {
    throw invalidOption('withTenant.tenantId', `expected a non-empty string, got ${describe(tenantId)}`);
  }
  if (setting !== undefined && (typeof setting !== 'string' || !SETTING.test(setting))) {
    throw invalidOption('withTenant.setting', `expected a name like app.tenant_id, got ${describe(setting)}`);
  }
}

/**
 * Runs `fn(client)` in a transaction where `current_setting('app.tenant_id')` is the
 * tenant (set with `set_config(..., true)`, so it ends with the transaction and never
 * leaks to the pool's next user). Commits and returns `fn`'s result; rolls back and
 * rethrows if `fn` throws. Without a tenant (none given, none in scope) it rejects with a
 * `TenantError`, code `TENANT_REQUIRED`, before touching the pool.
 *
 * @example
 * import pg from 'pg';
 * import { withTenant } from 'canon/tenant';
 * const pool = new pg.Pool({ user: 'app' }); // a role without BYPASSRLS
 * app.get('/invoices', async (req, res) => {
 *   const rows = await withTenant(pool, async (client) => {
 *     const { rows } = await client.query('SELECT * FROM invoices');
 *     return rows; // only this tenant's rows: the policy filters on app.tenant_id
 *   });
 *   res.json(rows);
 * });
 */
export async function withTenant<P extends TenantPool, T>(
  pool: P,
  fn: (client: ClientOf<P>) => T | Promise<T>,
  options?: WithTenantOptions,
): Promise<T> {
  if (typeof pool?.connect !== 'function') {
    throw invalidOption('withTenant(pool)', `expected a pg Pool, got ${describe(pool)}`);
  }
  if (typeof fn !== 'function') {
    throw invalidOption('withTenant(fn)', `expected a function, got ${describe(fn)}`);
  }
  checkOptions(options);
  const tenantId = options?.tenantId ?? getTenant();
  if (tenantId === undefined) {
    throw new TenantError(ErrorCodes.TENANT_REQUIRED, 'withTenant: no tenant in scope and no tenantId given');
  }
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    await client.query('SELECT set_config($1, $2, true)', [options?.setting ?? 'app.tenant_id', tenantId]);
    const result = await fn(client as ClientOf<P>);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      broken = rollbackError as Error; // the connection is unusable: the pool drops it
    }
    throw err;
  } finally {
    client.release(broken);
  }
}
