/**
 * `canon audit verify` (the built command): chains canon.audit() really wrote, verified
 * intact, tampered with, keyed, across rotated files, and the usage errors. The command
 * runs with only PATH and HOME from this environment (no CANON_AUDIT_KEY unless given).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCanon, fileSink } from '../../src/index.js';
import { tempDir } from '../audit/helpers.js';
import { canon } from './run.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `count` audit records written by one instance to `name` in the temp folder; returns its path. */
async function writeChain(name: string, count: number, key?: string): Promise<string> {
  const file = join(dir, name);
  const instance = createCanon({ sinks: [], handleExit: false, audit: { sinks: [fileSink(file)], key } });
  for (let i = 1; i <= count; i++) instance.audit({ action: 'user.role_changed', actor: 'u_admin', target: `u_${i}` });
  await instance.close();
  return file;
}

/** The file's lines with `edit` applied to the record at `index` (0-based). */
function tamper(file: string, index: number, edit: (record: Record<string, unknown>) => void): string {
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  const record = JSON.parse(lines[index]!) as Record<string, unknown>;
  edit(record);
  lines[index] = JSON.stringify(record);
  const tampered = file.replace(/\.jsonl$/, '.tampered.jsonl');
  writeFileSync(tampered, `${lines.join('\n')}\n`);
  return tampered;
}

describe('canon audit verify', () => {
  it('says the chain is intact (exit 0), and names the altered record by file and line (exit 1)', async () => {
    const file = await writeChain('audit.jsonl', 3);
    const intact = await canon(['audit', 'verify', file]);
    expect(intact).toEqual({ code: 0, stdout: `ok: 3 audit records in 1 chain intact (${file})\n`, stderr: '' });

    const altered = tamper(file, 1, (record) => (record.target = 'u_99'));
    const bad = await canon(['audit', 'verify', altered]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe(`FAILED at ${altered}:2: hash mismatch: the record was altered (or written with another key) (1 records verified before it)\n`);
  });

  it('verifies a keyed chain with CANON_AUDIT_KEY, and refuses it without the key', async () => {
    const file = await writeChain('keyed.jsonl', 2, 'k'.repeat(32));
    expect((await canon(['audit', 'verify', file], { env: { CANON_AUDIT_KEY: 'k'.repeat(32) } })).code).toBe(0);
    const unkeyed = await canon(['audit', 'verify', file]);
    expect(unkeyed.code).toBe(1);
    expect(unkeyed.stderr).toContain('the record is keyed (hmac-sha256)');
  });

  it('--partial accepts a file that starts after the chain’s first record', async () => {
    const file = await writeChain('rotated.jsonl', 3);
    const rest = join(dir, 'rotated.2.jsonl');
    writeFileSync(rest, readFileSync(file, 'utf8').split('\n').slice(1).join('\n'));
    expect((await canon(['audit', 'verify', rest])).code).toBe(1);
    expect((await canon(['audit', 'verify', '--partial', rest])).code).toBe(0);
  });

  it('answers a missing action, a missing file and an unreadable file with one line and exit 2', async () => {
    const missing = join(dir, 'missing.jsonl');
    const cases: [string[], RegExp][] = [
      [['audit'], /^canon audit: expected verify\n$/],
      [['audit', 'check', 'a.jsonl'], /^canon audit: expected verify, got "check"\n$/],
      [['audit', 'verify'], /^canon audit verify: give the audit files \(rotated ones oldest first\)\n$/],
      [['audit', 'verify', missing], new RegExp(`^canon audit verify: cannot read ${missing}: ENOENT`)],
    ];
    for (const [args, message] of cases) {
      const result = await canon(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(message);
    }
  });
});
