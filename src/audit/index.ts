/**
 * @module canon/audit
 * A tamper-evident audit trail. `canon.audit(record)` (or `audit(record)` here, through
 * the instance of the unit in scope) writes a separate `kind: 'audit'` record: never
 * sampled, never dropped by schema validation, redacted like any event, hash-chained
 * (`audit: { chain, seq, prev, hash }`) and written to the audit sinks. `verifyAuditChain`
 * and `verifyAuditFiles` (the `canon audit verify` command) find the first altered,
 * removed, reordered or inserted record.
 */
import { storage } from '../core/context.js';
import { CanonError, ErrorCodes } from '../core/errors.js';
import { latestLogOutput } from '../core/log-output.js';
import type { AuditInput } from './record.js';

export type { AuditConfig } from './options.js';
export type { AuditInput } from './record.js';
export { type AuditVerifyFilesResult, verifyAuditFiles } from './verify-files.js';
export { type AuditVerifyOptions, type AuditVerifyResult, verifyAuditChain } from './verify.js';

/**
 * Writes an audit record through the Canon instance of the unit in scope (linking its
 * `request_id` and `trace_id`, and counting `audit_count` on its event); outside a unit,
 * through the most recently created instance that is still open. Throws
 * `CANON_INVALID_AUDIT` for a record without `action`, `actor` or `target`, and
 * `CANON_AUDIT_NO_INSTANCE` when no instance exists.
 *
 * @example
 * import { audit } from 'canon/audit';
 * app.post('/users/:id/role', (req, res) => {
 *   audit({ action: 'user.role_changed', actor: { id: 'u_admin' }, target: { id: req.params.id }, after: 'admin' });
 *   res.sendStatus(204);
 * });
 */
export function audit(record: AuditInput): void {
  const unit = storage.getStore();
  const output = unit && !unit.owner.remote ? unit.owner : latestLogOutput();
  if (!output?.audit) {
    throw new CanonError(
      ErrorCodes.AUDIT_NO_INSTANCE,
      'canon: audit() found no Canon instance: call it inside a unit of work, or create one with createCanon() first',
    );
  }
  output.audit(record);
}
