import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { verifyAuditChain, verifyAuditFiles } from '../../src/audit/index.js';
import { auditHash } from '../../src/audit/hash.js';
import { type CanonConfig, createCanon, fileSink } from '../../src/index.js';
import { linesOf, tempDir } from './helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

/** Runs the self-contained `canon audit verify` entry as its own process. */
async function verifyCli(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', `${root}src/audit/verify-cli.ts`, ...args],
      { cwd: root, env: { ...process.env, CANON_AUDIT_KEY: '', ...env } },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** `count` audit records from jobs, written to a file; returns its lines. */
async function writeChain(count: number, audit: CanonConfig['audit'] = {}) {
  const file = join(tempDir(), 'audit.jsonl');
  const canon = createCanon({ sinks: [], handleExit: false, audit: { sinks: [fileSink(file)], ...audit } });
  for (let i = 1; i <= count; i++) {
    await canon.run({ job: { name: 'role-sync' } }, () => {
      canon.audit({ action: 'user.role_changed', actor: 'system', target: `u_${i}`, after: i });
    });
  }
  await canon.close();
  return { file, lines: linesOf(file) };
}

function save(lines: string[]): string {
  const file = join(tempDir(), 'tampered.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Rewrites one record's content without fixing its hash. */
function alter(line: string, change: (record: any) => void): string {
  const record = JSON.parse(line);
  change(record);
  return JSON.stringify(record);
}

/** Recomputes a record's hash as a forger without the key would. */
function rehash(record: any, key?: string): string {
  const { hash: _hash, ...chain } = record.audit;
  record.audit = { ...chain, hash: auditHash({ ...record, audit: chain }, key) };
  return JSON.stringify(record);
}

describe('verifyAuditChain and canon audit verify', () => {
  it('passes an intact file (exit 0) and skips other JSON lines in it', async () => {
    const { file, lines } = await writeChain(6);
    const mixed = [lines[0], '{"kind":"http","status_code":200}', ...lines.slice(1), ''];
    expect(verifyAuditChain(mixed)).toEqual({ ok: true, checked: 6, chains: 1 });
    const cli = await verifyCli([file]);
    expect(cli).toMatchObject({ code: 0 });
    expect(cli.stdout).toContain('6 audit records in 1 chain intact');
  });

  it('finds an altered record', async () => {
    const { lines } = await writeChain(6);
    lines[3] = alter(lines[3], (record) => {
      record.target = 'u_999';
    });
    expect(verifyAuditChain(lines)).toMatchObject({ ok: false, checked: 3, firstBad: 3 });
    expect(verifyAuditChain(lines).reason).toMatch(/hash mismatch/);
    const cli = await verifyCli([save(lines)]);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/FAILED at .*tampered\.jsonl:4: hash mismatch/);
  });

  it('finds a removed record, in the middle and at the start', async () => {
    const { lines } = await writeChain(6);
    const middle = [...lines.slice(0, 2), ...lines.slice(3)];
    expect(verifyAuditChain(middle)).toMatchObject({ ok: false, firstBad: 2 });
    expect(verifyAuditChain(middle).reason).toMatch(/seq 4 where 3 was expected/);
    expect(verifyAuditChain(lines.slice(1))).toMatchObject({ ok: false, firstBad: 0 });
    expect(verifyAuditChain(lines.slice(1)).reason).toMatch(/starts at seq 2/);
    expect((await verifyCli([save(middle)])).code).toBe(1);
  });

  it('finds reordered records', async () => {
    const { lines } = await writeChain(6);
    const swapped = [lines[0], lines[1], lines[3], lines[2], lines[4], lines[5]];
    expect(verifyAuditChain(swapped)).toMatchObject({ ok: false, checked: 2, firstBad: 2 });
    expect((await verifyCli([save(swapped)])).code).toBe(1);
  });

  it('finds inserted records: a duplicate, a forged one, one renumbered to fit', async () => {
    const { lines } = await writeChain(6);
    const duplicated = [...lines.slice(0, 3), lines[1], ...lines.slice(3)];
    expect(verifyAuditChain(duplicated)).toMatchObject({ ok: false, firstBad: 3 });
    expect(verifyAuditChain(duplicated).reason).toMatch(/reordered or duplicated/);

    const forged = alter(lines[2], (record) => {
      record.action = 'user.deleted';
      record.audit.hash = `sha256:${'0'.repeat(64)}`;
    });
    expect(verifyAuditChain([...lines.slice(0, 3), forged, ...lines.slice(3)])).toMatchObject({ ok: false, firstBad: 3 });

    // a forger who fits the new record into the chain still breaks the next original
    const fitted = JSON.parse(lines[2]);
    fitted.action = 'user.deleted';
    fitted.audit.seq = 4;
    fitted.audit.prev = JSON.parse(lines[2]).audit.hash;
    const withFitted = [...lines.slice(0, 3), rehash(fitted), ...lines.slice(3)];
    expect(verifyAuditChain(withFitted)).toMatchObject({ ok: false, firstBad: 4 });
  });

  it('with a key (CANON_AUDIT_KEY), a whole-file rewrite without the key does not verify', async () => {
    const { file, lines } = await writeChain(4, { key: 'audit-secret' });
    expect(JSON.parse(lines[0]).audit.hash).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(verifyAuditChain(lines, { key: 'audit-secret' })).toMatchObject({ ok: true, checked: 4 });
    expect(verifyAuditChain(lines, { key: 'wrong' })).toMatchObject({ ok: false, firstBad: 0 });
    expect(verifyAuditChain(lines).reason).toMatch(/keyed .*pass the key/);

    // rewrite every record (target changed) and rebuild the chain with plain SHA-256
    let prev: string | null = null;
    const rewritten = lines.map((line) => {
      const record = JSON.parse(line);
      record.target = 'u_0';
      record.audit.prev = prev;
      const out = rehash(record);
      prev = JSON.parse(out).audit.hash;
      return out;
    });
    expect(verifyAuditChain(rewritten).ok).toBe(true); // without a key, nothing to tell
    expect(verifyAuditChain(rewritten, { key: 'audit-secret' })).toMatchObject({ ok: false, firstBad: 0 });
    expect((await verifyCli([save(rewritten)], { CANON_AUDIT_KEY: 'audit-secret' })).code).toBe(1);
    expect((await verifyCli([file], { CANON_AUDIT_KEY: 'audit-secret' })).code).toBe(0);
    expect((await verifyCli([file])).code).toBe(1);
  });

  it('follows one chain across rotated files given in order; --partial accepts a later file alone', async () => {
    const { lines } = await writeChain(6);
    const first = save(lines.slice(0, 3));
    const second = save(lines.slice(3));
    expect(await verifyAuditFiles([first, second])).toMatchObject({ code: 0 });
    expect(await verifyAuditFiles([second, first])).toMatchObject({ code: 1, at: { file: second, line: 1 } });
    expect(await verifyAuditFiles([second])).toMatchObject({ code: 1 });
    expect(await verifyAuditFiles([second], { partial: true })).toMatchObject({ code: 0 });
    expect((await verifyCli(['--partial', second])).code).toBe(0);
  });

  it('checks each writer’s chain on its own when several write one file', async () => {
    const file = join(tempDir(), 'shared.jsonl');
    const sink = fileSink(file);
    const a = createCanon({ sinks: [], handleExit: false, audit: { sinks: [sink] } });
    const b = createCanon({ sinks: [], handleExit: false, audit: { sinks: [sink] } });
    for (let i = 0; i < 4; i++) {
      a.audit({ action: 'a.did', actor: 'a', target: String(i) });
      b.audit({ action: 'b.did', actor: 'b', target: String(i) });
    }
    await a.flush();
    await b.close();
    expect(verifyAuditChain(linesOf(file))).toEqual({ ok: true, checked: 8, chains: 2 });
  });

  it('chains records whose values JSON cannot carry as such (NaN, lone surrogates)', async () => {
    const file = join(tempDir(), 'odd.jsonl');
    const canon = createCanon({ sinks: [], handleExit: false, audit: { sinks: [fileSink(file)] } });
    canon.audit({ action: 'odd.values', actor: 'a', target: 't', ratio: Number.NaN, big: Number.POSITIVE_INFINITY });
    canon.audit({ action: 'odd.text', actor: 'a\ud800', target: 't', ['k\udc00']: 'v' });
    canon.audit({ action: 'plain', actor: 'a', target: 't', n: -0 });
    await canon.close();
    const lines = linesOf(file);
    expect(JSON.parse(lines[0]).ratio).toBeNull();
    expect(verifyAuditChain(lines)).toEqual({ ok: true, checked: 3, chains: 1 });
  });

  it('reports text that is not JSON, and exits 2 on a missing file or no file', async () => {
    const { lines } = await writeChain(2);
    expect(verifyAuditChain([lines[0], 'garbage', lines[1]])).toMatchObject({ ok: false, firstBad: 1 });
    expect(verifyAuditChain([lines[0], '{"kind":"audit"}'])).toMatchObject({ ok: false, firstBad: 1 });
    expect((await verifyCli([join(tempDir(), 'missing.jsonl')])).code).toBe(2);
    const usage = await verifyCli([]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: canon audit verify');
  });
});
