#!/usr/bin/env node
/**
 * @module canon/audit/verify-cli
 * `canon audit verify [--partial] FILE…` as a small program of its own (the `canon`
 * command calls {@link auditVerifyCommand} for its `audit verify` subcommand). Exit code
 * 0: intact; 1: a bad record; 2: usage or unreadable file. The HMAC key comes from env
 * `CANON_AUDIT_KEY`.
 */
import { pathToFileURL } from 'node:url';
import { verifyAuditFiles } from './verify-files.js';

const USAGE = 'usage: canon audit verify [--partial] FILE…   (key: env CANON_AUDIT_KEY)';

/** Where the command writes. */
export interface CommandOutput {
  write(text: string): unknown;
}

/**
 * Runs `audit verify` with its arguments (after `verify`); returns the exit code.
 *
 * @example
 * process.exitCode = await auditVerifyCommand(['--partial', 'audit.jsonl']);
 */
export async function auditVerifyCommand(
  args: readonly string[],
  out: CommandOutput = process.stdout,
  err: CommandOutput = process.stderr,
): Promise<number> {
  const partial = args.includes('--partial');
  const files = args.filter((arg) => arg !== '--partial');
  const unknown = files.find((arg) => arg.startsWith('-'));
  if (files.length === 0 || unknown !== undefined || args.includes('--help')) {
    (args.includes('--help') ? out : err).write(`${unknown ? `unknown option ${unknown}\n` : ''}${USAGE}\n`);
    return args.includes('--help') ? 0 : 2;
  }
  const { code, message } = await verifyAuditFiles(files, { partial });
  (code === 0 ? out : err).write(`${message}\n`);
  return code;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await auditVerifyCommand(process.argv.slice(2));
}
