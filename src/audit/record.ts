/**
 * @module canon/audit/record
 * What one audit record holds before it is redacted and chained: the standard fields
 * (`timestamp`, `kind: 'audit'`, the ids of the unit in scope, `service`, `version`,
 * `host`, the instance's static fields), then `action`, `actor`, `target`, `outcome`,
 * `reason` and the caller's other fields. A record without `action`, `actor` or `target`
 * is a programming error and throws `CANON_INVALID_AUDIT` naming the field.
 */
import { CanonError, describe, ErrorCodes } from '../core/errors.js';
import type { WideEvent } from '../core/event.js';
import { type Fields, isPlainObject, isSafeKey } from '../core/paths.js';

/** One audited action: who (`actor`) did what (`action`) to what (`target`). */
export interface AuditInput {
  /** What was done, e.g. `'user.role_changed'`. */
  action: string;
  /** Who did it: an id, or an object such as `{ id, type: 'user' }`. */
  actor: string | Fields;
  /** What it was done to: an id, or an object such as `{ id, type: 'invoice' }`. */
  target: string | Fields;
  /** Default `'success'`; e.g. `'denied'`, `'failure'`. */
  outcome?: string;
  /** Why, in words (a ticket, a justification). */
  reason?: string;
  /** Any other fields (`before`, `after`, `ip`, ...). */
  [field: string]: unknown;
}

/** @internal The fields every record of an instance starts with. */
export interface AuditBase {
  service: string;
  version?: string;
  host: string;
  staticFields: Fields;
}

/** Keys the record owns: a caller's field of the same name is ignored. */
const RESERVED = new Set([
  'timestamp',
  'kind',
  'request_id',
  'trace_id',
  'span_id',
  'service',
  'version',
  'host',
  'audit',
  'schema_errors',
  'sample_rate',
]);

/** Set from the checked input above the loop over the caller's other fields. */
const OWN = new Set(['action', 'actor', 'target', 'outcome']);

function invalid(field: string, detail: string): CanonError {
  return new CanonError(ErrorCodes.INVALID_AUDIT, `canon: audit record \`${field}\`: ${detail}`, { field });
}

function checkParty(value: unknown, field: string): void {
  if ((typeof value === 'string' && value !== '') || isPlainObject(value)) return;
  throw invalid(field, `expected a non-empty string or an object, got ${describe(value)}`);
}

function checkInput(input: unknown): asserts input is AuditInput {
  if (!isPlainObject(input)) throw invalid('record', `expected { action, actor, target, ... }, got ${describe(input)}`);
  if (typeof input.action !== 'string' || input.action === '') {
    throw invalid('action', `expected a non-empty string, got ${describe(input.action)}`);
  }
  checkParty(input.actor, 'actor');
  checkParty(input.target, 'target');
  for (const field of ['outcome', 'reason'] as const) {
    if (input[field] !== undefined && typeof input[field] !== 'string') {
      throw invalid(field, `expected a string, got ${describe(input[field])}`);
    }
  }
}

/**
 * @internal Builds the record of `input`, linked to `unit` (the unit in scope) when given.
 *
 * @example
 * buildAuditRecord({ action: 'user.delete', actor: 'u_1', target: 'u_2' }, base, getWideEvent())
 */
export function buildAuditRecord(input: unknown, base: AuditBase, unit: WideEvent | undefined): Fields {
  checkInput(input);
  const record: Fields = {
    timestamp: new Date().toISOString(),
    kind: 'audit',
    request_id: unit?.request_id,
    trace_id: unit?.trace_id,
    span_id: unit?.span_id,
    service: base.service,
    version: base.version,
    host: base.host,
  };
  for (const key in base.staticFields) if (!RESERVED.has(key)) record[key] = base.staticFields[key];
  record.action = input.action;
  record.actor = input.actor;
  record.target = input.target;
  record.outcome = input.outcome ?? 'success';
  for (const key in input) {
    if (Object.hasOwn(input, key) && !RESERVED.has(key) && !OWN.has(key) && isSafeKey(key)) {
      record[key] = input[key];
    }
  }
  return record;
}
