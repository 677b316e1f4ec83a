import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { audit, verifyAuditChain } from '../../src/audit/index.js';
import { CanonError, CanonOptionError, createCanon, memorySink } from '../../src/index.js';
import { waitFor } from '../helpers/wait.js';
import { auditApp, linesOf } from './helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function started(config: Parameters<typeof auditApp>[0] = {}) {
  const app = await auditApp(config);
  closers.push(async () => {
    await app.close();
    await app.canon.close();
  });
  return app;
}

/** Five audited requests, flushed to the audit file. */
async function fiveRecords(config: Parameters<typeof auditApp>[0] = {}) {
  const app = await started(config);
  for (let i = 1; i <= 5; i++) await app.changeRole(`u_${i}`, i % 2 ? 'admin' : 'viewer');
  const stats = () => app.canon.stats();
  await waitFor(() => stats().emitted + stats().sampled_out === 5, 5_000, 'five wide events');
  await app.canon.flush();
  return { ...app, lines: linesOf(app.file) };
}

describe('canon.audit on a real server', () => {
  it('writes one chained audit record per call, linked to the request, and counts it on the wide event', async () => {
    const { events, lines, canon } = await fiveRecords();
    expect(lines).toHaveLength(5);
    const records = lines.map((line) => JSON.parse(line));
    records.forEach((record, i) => {
      const event = events.events[i];
      expect(record).toMatchObject({
        kind: 'audit',
        action: 'user.role_changed',
        actor: { id: 'u_admin' },
        target: { id: `u_${i + 1}` },
        outcome: 'success',
        request_id: event.request_id,
        trace_id: event.trace_id,
        span_id: event.span_id,
        audit: { seq: i + 1, chain: records[0].audit.chain, prev: i === 0 ? null : records[i - 1].audit.hash },
      });
      expect(record.audit.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(event.audit_count).toBe(1);
    });
    expect(verifyAuditChain(lines)).toEqual({ ok: true, checked: 5, chains: 1 });
    expect(canon.stats()).toMatchObject({ audited: 5, emitted: 5 });
  });

  it('is never sampled out, and never dropped by validation (annotated instead)', async () => {
    const schema = z.object({ route: z.string() }); // audit records have no route
    const { events, lines, canon } = await fiveRecords({ sample: () => false, schema, onInvalid: 'drop' });
    expect(events.events).toHaveLength(0);
    expect(canon.stats()).toMatchObject({ sampled_out: 5, emitted: 0, audited: 5, invalid: 5 });
    expect(lines).toHaveLength(5);
    for (const line of lines) {
      expect(JSON.parse(line).schema_errors).toEqual([{ path: 'route', message: expect.any(String) }]);
    }
    expect(verifyAuditChain(lines).ok).toBe(true);
  });

  it('redacts records like any event, and the chain covers the redacted record', async () => {
    const app = await started({
      redact: { fields: ['**.password'], patterns: ['email'] },
    });
    await app.changeRole('u_1', 'admin', { password: 'hunter2' });
    await app.canon.flush();
    const lines = linesOf(app.file);
    const record = JSON.parse(lines[0]);
    expect(record.password).toBe('[REDACTED]');
    expect(record.actor.email).toBe('[REDACTED]');
    expect(lines[0]).not.toContain('hunter2');
    expect(lines[0]).not.toContain('admin@example.com');
    expect(verifyAuditChain(lines).ok).toBe(true);
  });
});

describe('audit() from canon/audit', () => {
  it('writes through the instance of the unit in scope, else the latest open instance', async () => {
    const first = memorySink();
    const second = memorySink();
    const a = createCanon({ sinks: [first], handleExit: false });
    const b = createCanon({ sinks: [second], handleExit: false }); // the latest
    await a.run({ kind: 'job' }, (event) => {
      audit({ action: 'report.exported', actor: 'u_1', target: 'report_7' });
      expect(first.events.at(-1)).toMatchObject({ kind: 'audit', request_id: event.request_id });
    });
    audit({ action: 'config.changed', actor: 'ops', target: 'flags' });
    expect(second.events).toEqual([expect.objectContaining({ action: 'config.changed' })]);
    expect(second.events[0]).not.toHaveProperty('request_id');
    expect(first.events.map((e) => e.kind)).toEqual(['audit', 'job']);
    expect(first.events[1].audit_count).toBe(1);
    await a.close();
    await b.close();
  });

  it('throws CANON_AUDIT_NO_INSTANCE when no instance exists', () => {
    const script = `
      const { audit } = await import(${JSON.stringify(`${root}src/audit/index.ts`)});
      try { audit({ action: 'a.b', actor: 'x', target: 'y' }); } catch (err) { console.log(err.code); }
    `;
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(output.trim()).toBe('CANON_AUDIT_NO_INSTANCE');
  });

  it('refuses a record without action, actor or target, naming the field', () => {
    const canon = createCanon({ sinks: [memorySink()], handleExit: false });
    const cases: [unknown, string][] = [
      [null, 'record'],
      [{ actor: 'a', target: 't' }, 'action'],
      [{ action: '', actor: 'a', target: 't' }, 'action'],
      [{ action: 'a.b', target: 't' }, 'actor'],
      [{ action: 'a.b', actor: 'a', target: 5 }, 'target'],
      [{ action: 'a.b', actor: 'a', target: 't', outcome: 1 }, 'outcome'],
    ];
    for (const [record, field] of cases) {
      let error: unknown;
      try {
        canon.audit(record as never);
      } catch (err) {
        error = err;
      }
      expect(error, field).toBeInstanceOf(CanonError);
      expect(error).toMatchObject({ code: 'CANON_INVALID_AUDIT', details: { field } });
      expect((error as Error).message).toContain(`\`${field}\``);
    }
    expect(canon.stats().audited).toBe(0);
  });

  it('refuses bad audit options at createCanon', () => {
    const bad: [unknown, string][] = [
      [{ key: '' }, 'audit.key'],
      [{ sinks: [{}] }, 'audit.sinks[0]'],
      [{ sinks: 'file' }, 'audit.sinks'],
      [{ keys: 'x' }, 'audit.keys'],
      ['yes', 'audit'],
    ];
    for (const [audit, option] of bad) {
      expect(() => createCanon({ audit: audit as never, handleExit: false })).toThrow(CanonOptionError);
      try {
        createCanon({ audit: audit as never, handleExit: false });
      } catch (err) {
        expect((err as CanonOptionError).option).toBe(option);
      }
    }
  });

  it('keeps write order with an asynchronous schema, and flush() waits for queued records', async () => {
    const sink = memorySink();
    const schema = z.object({ action: z.string() }).refine(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return true;
    });
    const canon = createCanon({ sinks: [sink], schema, handleExit: false });
    for (let i = 1; i <= 5; i++) canon.audit({ action: 'a.did', actor: 'a', target: String(i) });
    expect(sink.lines).toHaveLength(0);
    await canon.flush();
    expect(sink.events.map((e) => e.target)).toEqual(['1', '2', '3', '4', '5']);
    expect(verifyAuditChain(sink.lines)).toMatchObject({ ok: true, checked: 5 });
    await canon.close();
  });

  it('after close(), drops the record and counts it instead of throwing', async () => {
    const sink = memorySink();
    const canon = createCanon({ sinks: [sink], handleExit: false });
    await canon.close();
    canon.audit({ action: 'a.did', actor: 'a', target: 't' });
    expect(sink.lines).toHaveLength(0);
    expect(canon.stats()).toMatchObject({ audited: 0, dropped: 1 });
  });
});
