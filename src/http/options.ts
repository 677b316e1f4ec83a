/**
 * @module canon/http/options
 * The options object every HTTP adapter takes (`canonExpress(canon, options)`,
 * `canonNode(canon, handler, options)`, `canonHono(canon, options)`,
 * `canonKoa(canon, options)`, Fastify's register options). Validated once, when the
 * adapter is created: a mistake throws a `CanonOptionError` naming it, never a request.
 */
import type { Canon } from '../core/canon.js';
import { describe, invalidOption } from '../core/errors.js';
import { isPlainObject } from '../core/paths.js';
import { installRequestIdEcho } from './request-id-echo.js';
import { type TenantOptions, type TenantRule, tenantRule } from './tenant.js';

/** Options shared by every HTTP adapter. */
export interface HttpAdapterOptions {
  /** Take the tenant from a request header; see `canon/tenant`. */
  tenant?: TenantOptions;
}

/** @internal What an adapter needs at request time. */
export interface AdapterSettings {
  canon: Canon;
  tenant: TenantRule | undefined;
}

/** @internal How a framework passes its options (Fastify: `canon` inside register options). */
export interface FrameworkOptions {
  /** Where the Canon instance came from, for error messages. */
  canonOption: string;
  /** Keys of the framework's own (Fastify's `prefix`, `logLevel`...), ignored here. */
  passThrough: readonly string[];
}

/**
 * @internal Validates an adapter's `canon` argument and options.
 *
 * @example
 * const { tenant } = resolveAdapterOptions('canonKoa', canon, options);
 */
export function resolveAdapterOptions(
  adapter: string,
  canon: unknown,
  options: unknown,
  framework?: FrameworkOptions,
): AdapterSettings {
  if (typeof canon !== 'object' || canon === null || typeof (canon as Canon).startUnit !== 'function') {
    throw invalidOption(
      framework?.canonOption ?? `${adapter}(canon)`,
      `expected the instance createCanon() returns, got ${describe(canon)}`,
    );
  }
  // before any request: see request-id-echo (other code may take `writeHead` per response)
  installRequestIdEcho();
  if (options === undefined) return { canon: canon as Canon, tenant: undefined };
  if (!isPlainObject(options)) {
    throw invalidOption(`${adapter}(options)`, `expected an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (key !== 'tenant' && !framework?.passThrough.includes(key)) {
      throw invalidOption(key, `unknown option of ${adapter}; known: tenant`);
    }
  }
  return {
    canon: canon as Canon,
    tenant: options.tenant === undefined ? undefined : tenantRule(options.tenant),
  };
}
