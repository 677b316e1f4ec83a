#!/usr/bin/env node
/**
 * @module canon/audit/verify-cli
 * `canon audit verify [--partial] FILE…` as a small program of its own, for a host
 * without the `canon` command (whose `audit verify` subcommand, in cli/commands/audit,
 * does the same). Exit code 0: intact; 1: a bad record; 2: usage or unreadable file. The
 * HMAC key comes from env `CANON_AUDIT_KEY`.
 */
import { pathToFileURL } from 'node:url';
import { verifyAuditFiles } from './verify-files.js';

const USAGE = 'usage: canon audit verify [--partial] FILE…   (key: env CANON_AUDIT_KEY)';

/** Runs `audit verify` with its arguments (after `verify`); returns the exit code. */
async function auditVerifyCommand(args: readonly string[]): Promise<number> {
  const partial = args.includes('--partial');
  const files = args.filter((arg) => arg !== '--partial');
  const unknown = files.find((arg) => arg.startsWith('-'));
  if (files.length === 0 || unknown !== undefined || args.includes('--help')) {
    const out = args.includes('--help') ? process.stdout : process.stderr;
    out.write(`${unknown ? `unknown option ${unknown}\n` : ''}${USAGE}\n`);
    return args.includes('--help') ? 0 : 2;
  }
  const { code, message } = await verifyAuditFiles(files, { partial });
  (code === 0 ? process.stdout : process.stderr).write(`${message}\n`);
  return code;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await auditVerifyCommand(process.argv.slice(2));
}
