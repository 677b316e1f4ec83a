import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canon } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'canon-cli-trace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T = '4bf92f3577b34da6a3ce929d0e0e4736';
const at = (ms: number) => new Date(Date.UTC(2026, 11, 1, 9) + ms).toISOString();
const request = { timestamp: at(0), kind: 'http', service: 'checkout', trace_id: T, span_id: '00f067aa0ba902b7', method: 'POST', path: '/orders', route: '/orders', status_code: 201, duration_ms: 800, outcome: 'success', events_published: [{ type: 'order.placed', id: 'e1' }] };
const relay = { timestamp: at(100), kind: 'outbox', service: 'checkout', trace_id: T, span_id: '1111111111111111', parent_span_id: '00f067aa0ba902b7', duration_ms: 100, outcome: 'success', event: { id: 'e1', type: 'order.placed' }, outbox: { topic: 'orders' } };
const consumer = { timestamp: at(400), kind: 'message', service: 'billing', trace_id: T, span_id: '2222222222222222', parent_span_id: '1111111111111111', duration_ms: 200, outcome: 'error', event: { id: 'e1', type: 'order.placed' }, message: { consumer: 'orders/billing' }, error: { type: 'Error', message: 'card declined' } };
const orphan = { timestamp: at(600), kind: 'http', service: 'payments', trace_id: T, span_id: '3333333333333333', parent_span_id: '9999999999999999', method: 'POST', path: '/charge', status_code: 200, duration_ms: 200, outcome: 'success' };
const other = { ...request, trace_id: 'f'.repeat(32), span_id: 'abababababababab' };
const file = join(dir, 'trace.jsonl');
writeFileSync(file, [consumer, other, orphan, relay, request].map((e) => JSON.stringify(e)).join('\n'));

describe('canon trace', () => {
  it('prints the waterfall of one trace, parents first, a missing parent marked at the root', async () => {
    const { code, stdout } = await canon(['trace', T, file], { env: { COLUMNS: '120' } });
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`trace ${T} · 4 events · 3 services · 800ms`);
    expect(lines.slice(1).map((l) => l.replace(/ +[\d.]+m?s \|.*$/, ''))).toEqual([
      'checkout http POST /orders 201',
      '  checkout outbox order.placed → orders',
      '    billing message order.placed ← orders/billing error',
      '! payments http POST /charge 200 (parent missing)',
    ]);
    expect(lines[1]).toMatch(/800ms \|█{48}\|$/); // of 120 columns, the bar takes 40%
    expect(lines.every((l) => l.length <= 120)).toBe(true);
  });

  it('prints the tree as JSON lines with --json, and exits 1 for an unknown trace', async () => {
    const json = await canon(['trace', T.toUpperCase(), file, '--json']);
    expect(json.stdout.trim().split('\n').map((l) => JSON.parse(l)).map((e) => [e.kind, e.depth, e.offset_ms, e.missing_parent])).toEqual([
      ['http', 0, 0, false],
      ['outbox', 1, 100, false],
      ['message', 2, 400, false],
      ['http', 0, 600, true],
    ]);
    const none = await canon(['trace', 'a'.repeat(32), file]);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe(`canon: no event of trace ${'a'.repeat(32)}\n`);
  });
});

describe('canon flows', () => {
  it('prints Markdown with a Mermaid flowchart, counts and error rates', async () => {
    const { code, stdout } = await canon(['flows', file]);
    expect(code).toBe(0);
    expect(stdout).toContain('# Event flows\n\nObserved in 5 events from 2026-12-01T09:00:00.000Z to 2026-12-01T09:00:00.600Z.');
    expect(stdout).toContain(['```mermaid', 'flowchart LR', '  n1(["order.placed"])', '  n2["POST /orders<br/>checkout"]', '  n2 -->|"2"| n1'].join('\n'));
    expect(stdout).toContain('  n1 -->|"1 · 100% err"| n4');
    expect(stdout).toContain('| order.placed | POST /orders (checkout) ×2 | orders (checkout) ×1 | orders/billing (billing) ×1, 100% errors | — |');
  });

  it('exits 1 when nothing was published, relayed, consumed or delivered', async () => {
    const { code, stdout } = await canon(['flows', '-'], { input: JSON.stringify(orphan) });
    expect(code).toBe(1);
    expect(stdout).toContain('No event was published, relayed, consumed or delivered in these events.');
  });
});
