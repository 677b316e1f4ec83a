/**
 * @module canon/audit/options
 * `createCanon({ audit: { sinks?, key? } })`: where audit records go and the key that
 * makes their hash chain unforgeable. Checked at construction like every option.
 */
import { describe, invalidOption } from '../core/errors.js';
import { rejectUnknownOptions } from '../core/option-checks.js';
import { isPlainObject } from '../core/paths.js';
import { checkSinks, type Sink } from '../core/sink.js';

/** The `audit` option of `createCanon`. */
export interface AuditConfig {
  /** Where audit records are written (default: the instance's `sinks`). A `fileSink` of their own is typical. */
  sinks?: Sink[];
  /**
   * HMAC key of the hash chain (default: env `CANON_AUDIT_KEY`). With a key, someone who
   * can rewrite the whole file still cannot forge a chain that verifies.
   */
  key?: string;
}

/** The `audit` option after validation (not exported from `canon/audit`). */
export interface ResolvedAudit {
  /** Undefined: the instance's sinks. */
  sinks: Sink[] | undefined;
  key: string | undefined;
}

/**
 * @internal Validates the `audit` option.
 *
 * @example
 * resolveAuditConfig({ key: 'k' }) // { sinks: undefined, key: 'k' }
 */
export function resolveAuditConfig(config: unknown, env: NodeJS.ProcessEnv = process.env): ResolvedAudit {
  const envKey = env.CANON_AUDIT_KEY || undefined;
  if (config === undefined) return { sinks: undefined, key: envKey };
  if (!isPlainObject(config)) throw invalidOption('audit', `expected { sinks?, key? }, got ${describe(config)}`);
  rejectUnknownOptions(config, ['sinks', 'key'], 'audit.');
  const { sinks, key } = config as AuditConfig;
  if (key !== undefined && (typeof key !== 'string' || key === '')) {
    throw invalidOption('audit.key', `expected a non-empty string, got ${describe(key)}`);
  }
  return {
    sinks: sinks === undefined ? undefined : checkSinks(sinks, 'audit.sinks'),
    key: key ?? envKey,
  };
}
