import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('the checkout demo (npm start)', () => {
  // Run as the README says to pipe it (`npm start --silent | jq`): stdout must be JSON lines only.
  it('serves generated traffic, stores orders through the outbox, prints redacted wide events', async () => {
    const { stdout, stderr, code } = await new Promise<{
      stdout: string;
      stderr: string;
      code: number | null;
    }>((resolve) => {
      const child = spawn('npm', ['start', '--silent'], {
        cwd: root,
        env: { ...process.env, DEMO_REQUESTS: '40', DEMO_KEEP_ALL: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (chunk) => (out += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk) => (err += chunk));
      child.on('close', (exitCode) => resolve({ stdout: out, stderr: err, code: exitCode }));
    });
    expect(code).toBe(0);
    const events = stdout.trim().split('\n').map((line) => JSON.parse(line));
    const stats = JSON.parse(stderr.trim().split('\n').at(-1)!.split(' ').at(-1)!);
    expect(events.length).toBe(stats.emitted);
    const http = events.filter((event) => event.kind === 'http');
    const outbox = events.filter((event) => event.kind === 'outbox');
    expect(http.length).toBeGreaterThan(0);
    expect(http.length + outbox.length).toBe(events.length);
    for (const event of http) {
      expect(event).toMatchObject({ service: 'checkout', version: '1.0.0' });
      expect(event.route).toMatch(/^\/users\/:userId\//);
      if (event.user?.email) expect(event.user.email).toBe('[REDACTED]');
      if (event.payment?.card_number) expect(event.payment.card_number).toBe('[REDACTED]');
      expect(event.sample_rate).toBe(1);
    }
    // Each published order.placed belongs to the checkout request that enqueued it.
    const byRequest = new Map(http.map((event) => [event.request_id, event]));
    for (const event of outbox) {
      expect(event).toMatchObject({ event: { type: 'order.placed' }, outbox: { result: 'published' }, outcome: 'success' });
      const checkout = byRequest.get(event.correlation_id);
      expect(checkout).toMatchObject({ trace_id: event.trace_id, status_code: 201, route: '/users/:userId/checkout' });
    }
    expect(outbox).toHaveLength(http.filter((event) => event.status_code === 201 && event.route.endsWith('/checkout')).length);
    expect(stats.sampled_out).toBe(0);
    expect(stdout).not.toContain('@example.com');
  }, 120_000);
});
