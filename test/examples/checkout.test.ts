import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../../examples/checkout/main.ts', import.meta.url));

describe('the checkout demo (npm start)', () => {
  it('serves generated traffic and prints one redacted wide event per kept request', async () => {
    const { stdout, stderr, code } = await new Promise<{
      stdout: string;
      stderr: string;
      code: number | null;
    }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', main], {
        env: { ...process.env, DEMO_REQUESTS: '40' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (chunk) => (out += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk) => (err += chunk));
      child.on('close', (exitCode) => resolve({ stdout: out, stderr: err, code: exitCode }));
    });
    expect(code).toBe(0);
    const events = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const stats = JSON.parse(stderr.trim().split('\n').at(-1)!.split(' ').at(-1)!);
    expect(events.length).toBe(stats.emitted);
    expect(stats.emitted + stats.sampled_out).toBe(40);
    for (const event of events) {
      expect(event).toMatchObject({ kind: 'http', service: 'checkout', version: '1.0.0' });
      expect(event.route).toMatch(/^\/users\/:userId\//);
      if (event.user?.email) expect(event.user.email).toBe('[REDACTED]');
      if (event.payment?.card_number) expect(event.payment.card_number).toBe('[REDACTED]');
      expect(event.sample_rate === 1 || event.sample_rate === 2).toBe(true);
    }
    expect(stdout).not.toContain('@example.com');
  }, 60_000);
});
