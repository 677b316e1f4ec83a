/**
 * @module canon/http/tenant
 * The `tenant` adapter option, handled once for every adapter: read the tenant id from a
 * request header; refuse the request with `400` when the id is missing (and required) or
 * fails `validate`; otherwise make it the unit's tenant (`tenant_id` on the event,
 * `getTenant()` from `canon/tenant` anywhere in the request).
 */
import type { ServerResponse } from 'node:http';
import type { WideEvent } from '../core/event.js';
import { describe, ErrorCodes, invalidOption, TenantError } from '../core/errors.js';
import { isPlainObject } from '../core/paths.js';
import { booleanOption, rejectUnknownOptions } from '../core/option-checks.js';

/** The adapters' `tenant` option. */
export interface TenantOptions {
  /** Request header that carries the tenant id. Default `'x-tenant-id'` (any case). */
  header?: string;
  /**
   * Refuse requests without the header: `400 { error: { code: 'TENANT_REQUIRED' } }`.
   * Default `true`. With `false` such requests run without a tenant.
   */
  required?: boolean;
  /**
   * Accept only ids for which it returns `true`; others (and ids it throws on) are refused
   * with `400 { error: { code: 'TENANT_INVALID' } }`. Runs once per request: keep it cheap.
   */
  validate?: (tenantId: string) => boolean;
}

/** @internal The validated option, with its refusal bodies prepared once. */
export interface TenantRule {
  /** Lower-case header name, as node:http keys its headers. */
  header: string;
  required: boolean;
  validate: ((tenantId: string) => boolean) | undefined;
  missing: Refusal;
  invalid: Refusal;
}

/** @internal A prepared `400` answer. */
export interface Refusal {
  code: typeof ErrorCodes.TENANT_REQUIRED | typeof ErrorCodes.TENANT_INVALID;
  message: string;
  /** `{ error: { code, message } }` as JSON. */
  body: string;
}

/** @internal Status of a refused request. */
export const REFUSAL_STATUS = 400;
/** @internal Content type of a refused request. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const KNOWN = new Set(['header', 'required', 'validate']);

function refusal(code: Refusal['code'], message: string): Refusal {
  return { code, message, body: JSON.stringify({ error: { code, message } }) };
}

/**
 * @internal Validates the `tenant` option; throws a `CanonOptionError` naming the bad field.
 *
 * @example
 * const rule = tenantRule({ header: 'X-Org', validate: (id) => /^org_\w+$/.test(id) });
 */
export function tenantRule(value: unknown): TenantRule {
  if (!isPlainObject(value)) {
    throw invalidOption('tenant', `expected { header?, required?, validate? }, got ${describe(value)}`);
  }
  rejectUnknownOptions(value, KNOWN, 'tenant.');
  const { header = 'x-tenant-id', validate } = value;
  if (typeof header !== 'string' || !HEADER_NAME.test(header)) {
    throw invalidOption('tenant.header', `expected an HTTP header name, got ${describe(header)}`);
  }
  const required = booleanOption(value.required, 'tenant.required', true);
  if (validate !== undefined && typeof validate !== 'function') {
    throw invalidOption('tenant.validate', `expected (tenantId) => boolean, got ${describe(validate)}`);
  }
  const name = header.toLowerCase();
  return {
    header: name,
    required,
    validate: validate as TenantRule['validate'],
    missing: refusal(ErrorCodes.TENANT_REQUIRED, `A tenant is required: send the ${name} header`),
    invalid: refusal(ErrorCodes.TENANT_INVALID, `The ${name} header does not name a valid tenant`),
  };
}

function isValid(rule: TenantRule, tenantId: string): boolean {
  if (rule.validate === undefined) return true;
  try {
    return rule.validate(tenantId) === true;
  } catch {
    return false; // a throwing validator refuses; it must never break the request
  }
}

/**
 * @internal Applies the rule to one request: on success the id becomes the unit's tenant and
 * `undefined` is returned; otherwise the error is marked on the unit and the prepared
 * refusal is returned for the adapter to send with status 400.
 *
 * @example
 * const refused = enterTenant(rule, unit, req.headers[rule.header]);
 * if (refused) return refuseRequest(res, refused);
 */
export function enterTenant(
  rule: TenantRule,
  unit: WideEvent,
  value: string | string[] | undefined | null,
): Refusal | undefined {
  if (typeof value !== 'string' || value === '') {
    if (!rule.required) return undefined;
    unit.markError(new TenantError(rule.missing.code, rule.missing.message));
    return rule.missing;
  }
  if (!isValid(rule, value)) {
    unit.markError(new TenantError(rule.invalid.code, rule.invalid.message));
    return rule.invalid;
  }
  unit.tenant = value;
  unit.fields.tenant_id = value;
  return undefined;
}

/**
 * @internal Sends a refusal on a node:http response (the adapters without a reply API of their own).
 *
 * @example
 * if (refused) return refuseRequest(res, refused);
 */
export function refuseRequest(res: ServerResponse, refused: Refusal): void {
  res.statusCode = REFUSAL_STATUS;
  res.setHeader('content-type', JSON_CONTENT_TYPE);
  res.end(refused.body);
}
