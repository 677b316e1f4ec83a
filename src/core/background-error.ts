/**
 * @module canon/core/background-error
 * How background workers (the outbox relay, the webhook deliverer, the consumer runtime)
 * report a failure that belongs to no unit of work: the caller's `onError` hook is
 * called (a hook that throws is ignored), and, with a Canon instance, the failure is one
 * wide event of its own with `outcome: 'error'`.
 */
import type { Canon } from './canon.js';
import type { Fields } from './paths.js';

export interface BackgroundError {
  canon: Canon | undefined;
  kind: string;
  /** Fields identifying the worker and the operation that failed. */
  fields: Fields;
  onError: ((error: unknown, operation: string) => void) | undefined;
}

/**
 * Reports `error` from `operation` (e.g. `'claim'`, `'listen'`, `'settle'`).
 *
 * @example
 * reportBackgroundError({ canon, kind: 'outbox', fields: { outbox: { operation } }, onError }, err, 'claim');
 */
export function reportBackgroundError(report: BackgroundError, error: unknown, operation: string): void {
  try {
    report.onError?.(error, operation);
  } catch {
    // the caller's hook must never stop the worker
  }
  if (!report.canon) return;
  const unit = report.canon.startUnit({ kind: report.kind, fields: report.fields });
  unit.markError(error);
  unit.end();
}
