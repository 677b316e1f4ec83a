/**
 * The integration examples run as users run them (`npx tsx examples/<name>/main.ts`)
 * and print the wide events their docs describe.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

async function runExample(name: string, env: Record<string, string> = {}) {
  const main = fileURLToPath(new URL(`../../examples/${name}/main.ts`, import.meta.url));
  const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number | null }>(
    (resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', main], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (chunk) => (out += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk) => (err += chunk));
      child.on('close', (exitCode) => resolve({ stdout: out, stderr: err, code: exitCode }));
    },
  );
  expect(code, stderr).toBe(0);
  return { events: stdout.trim().split('\n').map((line) => JSON.parse(line)), stderr };
}

describe('integration examples', () => {
  it('fetch-handler: a JSON request, a streamed body read to the end, a failure, an abandoned stream', async () => {
    const { events } = await runExample('fetch-handler');
    expect(events.map((e) => [e.path, e.status_code, e.outcome])).toEqual([
      ['/users/7', 200, 'success'],
      ['/ticker', 200, 'success'],
      ['/fail', 500, 'error'],
      ['/long', 499, 'aborted'],
    ]);
    expect(events[1]).toMatchObject({ response_size_bytes: 35, ticker: { lines: 6 } });
  }, 60_000);

  it('lambda: an HTTP API request and an SQS batch with one failed record', async () => {
    const { events, stderr } = await runExample('lambda');
    expect(events[0]).toMatchObject({ kind: 'http', route: '/orders/{id}', request_id: 'example-1', faas: { coldstart: true } });
    expect(events.slice(1).map((e) => [e.order.id, e.outcome, e.message.result])).toEqual([
      ['o_1', 'success', 'acked'],
      ['o_2', 'error', 'retried'],
      ['o_3', 'success', 'acked'],
    ]);
    expect(stderr).toContain('{"batchItemFailures":[{"itemIdentifier":"msg-o_2"}]}');
  }, 60_000);

  it('graphql: routes by operation, a redacted variable, a failing resolver, a slow one', async () => {
    const { events } = await runExample('graphql');
    expect(events.map((e) => e.route)).toEqual([
      'graphql:query GetOrder',
      'graphql:mutation Register',
      'graphql:query Broken',
      'graphql:query Report',
    ]);
    expect(events[1].graphql.variables.input).toEqual({ email: 'ada@example.com', password: '[REDACTED]' });
    expect(events[2]).toMatchObject({ outcome: 'error', error: { message: 'the warehouse service timed out' } });
    expect(events[3].graphql.resolvers[0].field).toBe('Query.report');
  }, 60_000);

  for (const platform of ['express', 'fastify']) {
    it(`nestjs on ${platform}: a service enrichment, an HttpException, a guard refusal, a malformed body`, async () => {
      const { events } = await runExample('nestjs', { EXAMPLE_PLATFORM: platform });
      expect(events.map((e) => [e.method, e.route, e.status_code])).toEqual([
        ['GET', '/orders/:id', 200],
        ['GET', '/orders/:id', 404],
        ['POST', '/orders', 403],
        ['POST', platform === 'fastify' ? '/orders' : undefined, 400],
      ]);
      expect(events[0]).toMatchObject({ order: { id: 'o_17' }, db: { query_count: 1 } });
      expect(events[1].error).toMatchObject({ type: 'NotFoundException', status: 404 });
      expect(events[2].auth).toEqual({ key_present: false });
    }, 60_000);
  }
});
