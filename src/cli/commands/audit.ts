/**
 * @module canon/cli/commands/audit
 * `canon audit verify [--partial] FILE…`: checks the hash chains of audit files through
 * canon/audit's `verifyAuditFiles` and names the first bad record. Its exit codes are the
 * command's: 0 intact, 1 a bad record, 2 a file that cannot be read.
 */
import { verifyAuditFiles } from '../../audit/verify-files.js';
import type { Command } from '../command.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { warn } from '../io.js';

export const auditCommand: Command = {
  name: 'audit',
  summary: 'audit verify: check the hash chains of canon.audit() files',
  help: `Usage: canon audit verify [--partial] FILE…

Reads the audit records in the files, in the order given (rotated files of one chain
oldest first), and checks each writer's hash chain: the first record altered, removed,
reordered or inserted is named with its file and line. Other lines (wide events, logs)
are skipped. The HMAC key of keyed chains is env CANON_AUDIT_KEY.

Options:
  --partial         accept chains that start after seq 1 (a file after a rotation,
                    checked alone); their first record is trusted

Exits 1 at a bad record, 2 when a file cannot be read.`,
  options: { partial: { type: 'boolean' } },
  async run(parsed, { out, env }) {
    const [action, ...files] = parsed.positionals;
    if (action !== 'verify') {
      throw new UsageError(`canon audit: expected verify${action ? `, got ${JSON.stringify(action)}` : ''}`);
    }
    if (files.length === 0) throw new UsageError('canon audit verify: give the audit files (rotated ones oldest first)');
    const { code, message } = await verifyAuditFiles(files, {
      key: env.CANON_AUDIT_KEY || undefined,
      partial: parsed.values.partial === true,
    });
    if (code !== EXIT_OK) {
      warn(message);
      return code;
    }
    await out.write(`${message}\n`);
    await out.flush();
    return code;
  },
};
