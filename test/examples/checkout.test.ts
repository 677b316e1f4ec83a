import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../../examples/checkout/main.ts', import.meta.url));

interface Run {
  stdout: string;
  stderr: string;
  code: number | null;
  /** What the console answered while the demo ran. */
  seen: { page: string; events: any[]; outbox: any; webhooks: any; deadLetters: any };
}

/** Runs the demo with piped output; as soon as it prints the console's URL, reads the console. */
function runDemo(requests: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', main], {
      env: { ...process.env, DEMO_REQUESTS: String(requests), DEMO_KEEP_ALL: '1', PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let visit: Promise<Run['seen']> | undefined;
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      stderr += chunk;
      const url = /Canon console: (http:\/\/127\.0\.0\.1:\d+\/_canon\/)/.exec(stderr)?.[1];
      if (url && !visit) visit = readConsole(url);
    });
    child.on('close', async (code) => {
      try {
        if (!visit) throw new Error(`the demo printed no console URL:\n${stderr}`);
        resolve({ stdout, stderr, code, seen: await visit });
      } catch (error) {
        reject(error);
      }
    });
  });
}

async function readConsole(url: string): Promise<Run['seen']> {
  const json = async (path: string): Promise<any> => (await fetch(`${url}${path}`)).json();
  const page = await (await fetch(url)).text();
  // the traffic runs for a few seconds: wait until a paid checkout has gone through
  let events: any[] = [];
  for (let i = 0; i < 200 && !events.some((e) => e.kind === 'message'); i++) {
    await new Promise((r) => setTimeout(r, 50));
    events = (await json('api/events')).events;
  }
  return { page, events, outbox: await json('api/outbox'), webhooks: await json('api/webhooks'), deadLetters: await json('api/dead-letters') };
}

describe('the checkout demo (npm start)', () => {
  it('serves traffic through outbox → broker → consumer, webhooks and SSE, prints redacted wide events, and the console shows them', async () => {
    const { stdout, stderr, code, seen } = await runDemo(40);
    expect(code).toBe(0);
    // one line with the console URL
    expect(stderr.split('\n').filter((line) => line.includes('/_canon/'))).toHaveLength(1);

    // piped: JSON lines, every one of them
    const events = stdout.trim().split('\n').map((line) => JSON.parse(line));
    const stats = JSON.parse(stderr.trim().split('\n').at(-1)!.split(' ').at(-1)!);
    expect(events.length).toBe(stats.emitted);
    expect(stats.sampled_out).toBe(0);
    expect(stdout).not.toContain('@example.com');
    expect(stdout).not.toContain('4242 4242');
    const of = (kind: string) => events.filter((event) => event.kind === kind);
    expect(new Set(events.map((event) => event.kind))).toEqual(new Set(['http', 'outbox', 'message', 'webhook', 'sse']));

    const http = of('http');
    for (const event of http) {
      expect(event).toMatchObject({ service: 'checkout', version: '1.0.0', sample_rate: 1 });
      expect(event.route).toMatch(/^\/users\/:userId\//);
      if (event.user?.email) expect(event.user.email).toBe('[REDACTED]');
      if (event.payment?.card_number) expect(event.payment.card_number).toBe('[REDACTED]');
    }
    const paid = http.filter((event) => event.status_code === 201 && event.route.endsWith('/checkout'));
    expect(paid.length).toBeGreaterThan(0);
    const byRequest = new Map(http.map((event) => [event.request_id, event]));

    // outbox: each order.placed belongs to its checkout's trace and ends published or dead
    const outbox = of('outbox');
    for (const event of outbox) {
      expect(event.event.type).toBe('order.placed');
      expect(byRequest.get(event.correlation_id)).toMatchObject({ trace_id: event.trace_id, status_code: 201 });
    }
    const final = outbox.filter((event) => event.outbox.result !== 'retry');
    expect(final.map((event) => event.event.id).sort()).toEqual([...new Set(final.map((event) => event.event.id))].sort());
    expect(final).toHaveLength(paid.length);
    const published = new Map(outbox.filter((e) => e.outbox.result === 'published').map((e) => [e.event.id, e]));

    // broker → consumer: only published events are consumed, in the same trace
    for (const event of of('message')) {
      expect(published.get(event.event.id)).toMatchObject({ trace_id: event.trace_id });
      expect(['acked', 'retried', 'dead_lettered']).toContain(event.message.result);
      expect(event.message).toMatchObject({ source: 'memory', consumer: 'fulfilment' });
    }
    const consumed = new Set(of('message').filter((e) => e.message.result !== 'retried').map((e) => e.event.id));
    expect(consumed).toEqual(new Set(published.keys()));

    // webhooks: two endpoints per paid order; analytics failed first, then was redriven and delivered
    const webhooks = of('webhook');
    for (const event of webhooks) expect(byRequest.get(event.correlation_id)?.trace_id).toBe(event.trace_id);
    const endpoints = seen.webhooks.endpoints as { id: string; url: string }[];
    const analytics = endpoints.find((endpoint) => endpoint.url.endsWith('/hooks/analytics'))!;
    const toAnalytics = webhooks.filter((event) => event.webhook.endpoint_id === analytics.id);
    expect(toAnalytics.some((event) => event.webhook.status === 'failed')).toBe(true);
    expect(stderr).toMatch(/the analytics receiver is back; redrove [1-9]\d* failed deliveries/);
    const lastByEvent = new Map(toAnalytics.map((event) => [event.event.id, event.webhook.status]));
    expect(lastByEvent.size).toBe(paid.length);
    expect([...lastByEvent.values()].every((status) => status === 'delivered')).toBe(true);

    // SSE: buyers followed their orders
    for (const event of of('sse')) expect(event).toMatchObject({ channels: ['orders'], outcome: 'success' });

    // the console, read while the demo ran
    expect(seen.page).toContain('<title>Canon console</title>');
    expect(seen.events.some((event) => event.kind === 'http')).toBe(true);
    expect(seen.events.some((event) => event.kind === 'message')).toBe(true);
    expect(JSON.stringify(seen.events)).not.toContain('@example.com');
    expect(seen.outbox.table).toBe('canon_outbox');
    expect(seen.webhooks.endpoints).toHaveLength(2);
    expect(seen.deadLetters.consumers).toEqual([{ source: 'memory', consumer: 'fulfilment' }]);
  }, 180_000);
});
