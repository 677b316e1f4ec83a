/**
 * @module canon/audit/verify
 * Checks a hash chain of audit records line by line: each record's hash must match its
 * content, and within a chain each `seq` must follow the last by one with `prev` equal to
 * its hash. The first record that fails is reported: altered (hash mismatch), removed
 * (`seq` jumps, or `prev` points past a missing record), reordered or duplicated (`seq`
 * goes back), inserted (`prev` does not match). Lines that are JSON but not audit records
 * (wide events, log lines in the same file) are skipped.
 */
import type { Fields } from '../core/paths.js';
import { auditHash, HMAC_PREFIX, SHA256_PREFIX } from './hash.js';

export interface AuditVerifyOptions {
  /** The HMAC key the records were written with (`audit.key` / `CANON_AUDIT_KEY`). */
  key?: string;
  /**
   * Accept chains whose first record here is not their first (`seq` 1): for a file that
   * starts after a rotation. The first record seen of each chain is then trusted.
   */
  partial?: boolean;
}

export interface AuditVerifyResult {
  /** True when every audit record checked out. */
  ok: boolean;
  /** Audit records verified before the first bad one (all of them when `ok`). */
  checked: number;
  /** Chains (writers) seen. */
  chains: number;
  /** 0-based index, among the lines given, of the first bad record. */
  firstBad?: number;
  /** Why it is bad. */
  reason?: string;
}

interface ChainState {
  seq: number;
  hash: string;
}

/** @internal An incremental verifier: feed lines in order, then read the result. */
export interface AuditVerifier {
  /** Checks the next line; false once a bad record was found (later lines are ignored). */
  push(line: string): boolean;
  result(): AuditVerifyResult;
}

function parse(line: string): Fields | 'invalid' {
  try {
    const value: unknown = JSON.parse(line);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Fields) : 'invalid';
  } catch {
    return 'invalid';
  }
}

function chainFields(record: Fields): { chain: string; seq: number; prev: unknown; hash: string } | undefined {
  const audit = record.audit as Fields | undefined;
  if (audit === null || typeof audit !== 'object') return undefined;
  const { chain, seq, prev, hash } = audit;
  if (typeof chain !== 'string' || typeof hash !== 'string') return undefined;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return undefined;
  return { chain, seq, prev, hash };
}

/** Why `record`'s own hash is wrong, or undefined when it is right. */
function hashProblem(record: Fields, hash: string, key: string | undefined): string | undefined {
  if (key === undefined && hash.startsWith(HMAC_PREFIX)) {
    return 'the record is keyed (hmac-sha256): pass the key it was written with (CANON_AUDIT_KEY)';
  }
  if (key !== undefined && !hash.startsWith(HMAC_PREFIX)) {
    return 'the record is not keyed although a key was given: it was not written with this key, or was rewritten';
  }
  if (!hash.startsWith(HMAC_PREFIX) && !hash.startsWith(SHA256_PREFIX)) return `unknown hash format ${hash.slice(0, 16)}`;
  const audit = { ...(record.audit as Fields) };
  delete audit.hash;
  const expected = auditHash({ ...record, audit }, key);
  return expected === hash ? undefined : 'hash mismatch: the record was altered (or written with another key)';
}

/** Why the record breaks its chain's continuity, or undefined. */
function continuityProblem(
  found: { chain: string; seq: number; prev: unknown },
  state: ChainState | undefined,
  partial: boolean,
): string | undefined {
  const { chain, seq, prev } = found;
  if (state === undefined) {
    if (partial) return undefined;
    if (seq !== 1) return `chain ${chain} starts at seq ${seq}: its first ${seq - 1} record(s) are missing`;
    return prev === null ? undefined : `chain ${chain} starts with a prev hash: an earlier record is missing`;
  }
  if (seq <= state.seq) return `seq ${seq} after seq ${state.seq} in chain ${chain}: records reordered or duplicated`;
  if (seq > state.seq + 1) {
    return `seq ${seq} where ${state.seq + 1} was expected in chain ${chain}: records removed or reordered`;
  }
  return prev === state.hash
    ? undefined
    : `prev of seq ${seq} does not match the hash of seq ${state.seq} in chain ${chain}: a record was removed, inserted or altered`;
}

/**
 * @internal Creates an incremental verifier (the CLI streams files through it).
 *
 * @example
 * const verifier = createAuditVerifier({ key: process.env.CANON_AUDIT_KEY });
 * for (const line of lines) if (!verifier.push(line)) break;
 * verifier.result() // { ok, checked, chains, firstBad?, reason? }
 */
export function createAuditVerifier(options: AuditVerifyOptions = {}): AuditVerifier {
  const { key, partial = false } = options;
  const chains = new Map<string, ChainState>();
  let index = -1;
  let checked = 0;
  let bad: { index: number; reason: string } | undefined;

  function push(line: string): boolean {
    if (bad) return false;
    index++;
    if (line.trim() === '') return true;
    const record = parse(line);
    if (record === 'invalid') {
      bad = { index, reason: 'the line is not a JSON object' };
      return false;
    }
    const found = chainFields(record);
    if (found === undefined) {
      if (record.kind !== 'audit' && record.audit === undefined) return true; // not an audit record
      bad = { index, reason: 'audit record without valid audit.chain, audit.seq and audit.hash' };
      return false;
    }
    const reason =
      hashProblem(record, found.hash, key) ?? continuityProblem(found, chains.get(found.chain), partial);
    if (reason !== undefined) {
      bad = { index, reason };
      return false;
    }
    chains.set(found.chain, { seq: found.seq, hash: found.hash });
    checked++;
    return true;
  }

  return {
    push,
    result: () =>
      bad
        ? { ok: false, checked, chains: chains.size, firstBad: bad.index, reason: bad.reason }
        : { ok: true, checked, chains: chains.size },
  };
}

/**
 * Verifies the hash chain of audit records given as lines (a file's lines, in order).
 *
 * @example
 * import { readFileSync } from 'node:fs';
 * import { verifyAuditChain } from 'canon/audit';
 * const result = verifyAuditChain(readFileSync('audit.jsonl', 'utf8').split('\n'));
 * if (!result.ok) console.error(`record ${result.firstBad}: ${result.reason}`);
 */
export function verifyAuditChain(lines: Iterable<string>, options?: AuditVerifyOptions): AuditVerifyResult {
  const verifier = createAuditVerifier(options);
  for (const line of lines) if (!verifier.push(line)) break;
  return verifier.result();
}
