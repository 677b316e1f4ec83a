/**
 * @module canon/audit/verify-files
 * `canon audit verify FILE…` without the command around it: streams the files in the
 * order given (one chain may run across rotated files) through the verifier and returns
 * the exit code and the message to print: 0 intact, 1 a bad record (named by file and
 * line), 2 a file that cannot be read.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { type AuditVerifyOptions, type AuditVerifyResult, createAuditVerifier } from './verify.js';

export interface AuditVerifyFilesResult {
  /** 0: every chain intact; 1: a bad record; 2: a file could not be read. */
  code: 0 | 1 | 2;
  /** One line for a person. */
  message: string;
  result?: AuditVerifyResult;
  /** Where the first bad record is (`line` 1-based). */
  at?: { file: string; line: number };
}

/**
 * Verifies the audit chains in `paths`, read in that order. The key defaults to env
 * `CANON_AUDIT_KEY`.
 *
 * @example
 * import { verifyAuditFiles } from 'canon/audit';
 * const { code, message } = await verifyAuditFiles(['audit.jsonl']);
 * console.log(message);
 * process.exitCode = code;
 */
export async function verifyAuditFiles(
  paths: readonly string[],
  options: AuditVerifyOptions = {},
): Promise<AuditVerifyFilesResult> {
  if (paths.length === 0) return { code: 2, message: 'canon audit verify: no file given' };
  const verifier = createAuditVerifier({ key: process.env.CANON_AUDIT_KEY || undefined, ...options });
  const starts: { file: string; index: number }[] = [];
  let index = 0;
  for (const file of paths) {
    starts.push({ file, index });
    try {
      const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
      for await (const line of lines) {
        index++;
        if (!verifier.push(line)) break;
      }
    } catch (error) {
      return { code: 2, message: `canon audit verify: cannot read ${file}: ${(error as Error).message}` };
    }
    if (!verifier.result().ok) break;
  }
  const result = verifier.result();
  const chains = `${result.chains} chain${result.chains === 1 ? '' : 's'}`;
  if (result.ok) {
    const what = result.checked === 0 ? 'no audit records found' : `${result.checked} audit records in ${chains} intact`;
    return { code: 0, message: `ok: ${what} (${paths.join(', ')})`, result };
  }
  let start = starts[0];
  for (const entry of starts) if (entry.index <= result.firstBad!) start = entry;
  const at = { file: start.file, line: result.firstBad! - start.index + 1 };
  return {
    code: 1,
    message: `FAILED at ${at.file}:${at.line}: ${result.reason} (${result.checked} records verified before it)`,
    result,
    at,
  };
}
