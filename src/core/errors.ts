/**
 * @module canon/core/errors
 * The one registry of Canon's own errors. Every error Canon throws carries a stable
 * `code` (listed in docs/errors.md) so users can search and branch on it.
 */

/** Stable error codes. Add new codes here and document them in docs/errors.md. */
export const ErrorCodes = {
  INVALID_OPTION: 'CANON_INVALID_OPTION',
  /** No tenant in scope where one is needed (`canon/tenant`). */
  TENANT_REQUIRED: 'TENANT_REQUIRED',
  /** The request's tenant id failed the adapter's `tenant.validate` (`canon/tenant`). */
  TENANT_INVALID: 'TENANT_INVALID',
  /** Event data failed its definition's schema, or a value is not an event envelope (`canon/events`). */
  INVALID_EVENT: 'CANON_INVALID_EVENT',
  /** A sync call (`createEvent`, `def.read`) met a schema that validates asynchronously. */
  ASYNC_SCHEMA: 'CANON_ASYNC_SCHEMA',
  /** An envelope's version is newer than its definition, or no upcaster covers it. */
  EVENT_VERSION: 'CANON_EVENT_VERSION',
  /** `fromCloudEvent` got something that is not a CloudEvents 1.0 event. */
  INVALID_CLOUDEVENT: 'CANON_INVALID_CLOUDEVENT',
  /** An outbox payload is not JSON-serializable (BigInt, circular reference). */
  OUTBOX_PAYLOAD: 'CANON_OUTBOX_PAYLOAD',
  /** `outbox.enqueue` ran outside a transaction while `requireTransaction` is set. */
  OUTBOX_NO_TRANSACTION: 'CANON_OUTBOX_NO_TRANSACTION',
  /** The outbox table was migrated by a newer Canon than the one running. */
  OUTBOX_SCHEMA_VERSION: 'CANON_OUTBOX_SCHEMA_VERSION',
  /** A relay's `publish` did not settle within `publishTimeoutMs`. */
  OUTBOX_PUBLISH_TIMEOUT: 'CANON_OUTBOX_PUBLISH_TIMEOUT',
  /** A consumed message's body is not a Canon envelope nor a CloudEvent (`canon/consumer`). */
  INVALID_MESSAGE: 'CANON_INVALID_MESSAGE',
  /** What exists on a broker conflicts with what a publisher or source needs (`canon/nats`, ...). */
  BROKER_TOPOLOGY: 'CANON_BROKER_TOPOLOGY',
  /** An incoming webhook lacks a signature, id or timestamp header, or it is malformed (`canon/webhooks`). */
  WEBHOOK_MISSING_HEADER: 'MISSING_HEADER',
  /** No signature of an incoming webhook matches: tampered body or wrong secret. */
  WEBHOOK_BAD_SIGNATURE: 'BAD_SIGNATURE',
  /** An incoming webhook's timestamp is older than the tolerance. */
  WEBHOOK_STALE_TIMESTAMP: 'STALE_TIMESTAMP',
  /** An incoming webhook's timestamp is further in the future than the tolerance. */
  WEBHOOK_FUTURE_TIMESTAMP: 'FUTURE_TIMESTAMP',
  /** An incoming webhook id was already accepted within the tolerance window. */
  WEBHOOK_REPLAYED: 'REPLAYED',
  /** A webhook secret is malformed (not `whsec_` + base64 of 24 to 64 bytes, empty). */
  WEBHOOK_BAD_SECRET: 'BAD_SECRET',
  /** A correctly signed incoming webhook whose body is not JSON. */
  WEBHOOK_BAD_PAYLOAD: 'BAD_PAYLOAD',
  /** An outgoing webhook attempt failed (network, timeout, status); `details.reason` says how. */
  WEBHOOK_DELIVERY_FAILED: 'CANON_WEBHOOK_DELIVERY_FAILED',
  /** An outgoing webhook URL was refused by the SSRF guard (private address, scheme). */
  WEBHOOK_SSRF_BLOCKED: 'CANON_WEBHOOK_SSRF_BLOCKED',
  /** No webhook endpoint has this id. */
  WEBHOOK_ENDPOINT_NOT_FOUND: 'CANON_WEBHOOK_ENDPOINT_NOT_FOUND',
  /** `canon.audit(record)` / `audit(record)` got a record without `action`, `actor` or `target` (`canon/audit`). */
  INVALID_AUDIT: 'CANON_INVALID_AUDIT',
  /** `audit(record)` from `canon/audit` ran with no Canon instance to write through. */
  AUDIT_NO_INSTANCE: 'CANON_AUDIT_NO_INSTANCE',
  /** An optional peer dependency a feature needs is not installed; the message says what to install. */
  MISSING_DEPENDENCY: 'CANON_MISSING_DEPENDENCY',
  /** A file or glob given to the read side (`canon` command, console) cannot be found or read. */
  READ_SOURCE: 'CANON_READ_SOURCE',
  /** A `--where`/`--group-by`/`--agg`/`--order-by` expression does not parse; the message says where. */
  INVALID_EXPRESSION: 'CANON_INVALID_EXPRESSION',
  /** DuckDB refused or failed a query over the events (unknown field, SQL error). */
  QUERY_FAILED: 'CANON_QUERY_FAILED',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/**
 * A configuration error: a `TypeError` whose message starts with the offending option.
 *
 * @example
 * try { createCanon({ sample: 5 as never }) } catch (err) {
 *   err.code   // 'CANON_INVALID_OPTION'
 *   err.option // 'sample'
 * }
 */
export class CanonOptionError extends TypeError {
  readonly code: ErrorCode = ErrorCodes.INVALID_OPTION;
  constructor(
    readonly option: string,
    detail: string,
  ) {
    super(`canon: invalid option \`${option}\`: ${detail}`);
    this.name = 'CanonOptionError';
  }
}

/** Builds a {@link CanonOptionError}; a shorthand for `throw invalidOption(...)`. */
export function invalidOption(option: string, detail: string): CanonOptionError {
  return new CanonOptionError(option, detail);
}

/**
 * Describes a value for error messages without dumping it whole: `undefined`, `null`,
 * `the string "abc"`, `number 5`, `boolean true`, `a function`, `an array`, `an object`.
 *
 * @example
 * `expected a function, got ${describe(options.handler)}` // "… got undefined"
 */
export function describe(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(value.slice(0, 40))}`;
    case 'object':
      return isArray(value) ? 'an array' : 'an object';
    case 'function':
      return 'a function'; // never its source text
    case 'symbol':
      return `symbol ${value.description ?? ''}`.trimEnd();
    default:
      return `${typeof value} ${String(value)}`;
  }
}

function isArray(value: object): boolean {
  try {
    return Array.isArray(value);
  } catch {
    return false; // a revoked Proxy
  }
}

/**
 * A request without a usable tenant (`canon/tenant`): code `TENANT_REQUIRED` or
 * `TENANT_INVALID`, HTTP status 400.
 *
 * @example
 * try { await withTenant(pool, fn) } catch (err) {
 *   if (err instanceof TenantError && err.code === 'TENANT_REQUIRED') ...
 * }
 */
export class TenantError extends Error {
  readonly status = 400;
  constructor(
    readonly code: typeof ErrorCodes.TENANT_REQUIRED | typeof ErrorCodes.TENANT_INVALID,
    message: string,
  ) {
    super(message);
    this.name = 'TenantError';
  }
}

/**
 * An error Canon raises at run time (not a configuration error): `code` is stable and
 * listed in docs/errors.md; `details` carries structured context when there is some.
 *
 * @example
 * try { createEvent(OrderPlaced, { total: 'x' }) } catch (err) {
 *   if (err instanceof CanonError && err.code === 'CANON_INVALID_EVENT') console.log(err.details);
 * }
 */
export class CanonError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CanonError';
  }
}
