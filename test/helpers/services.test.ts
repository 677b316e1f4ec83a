import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeService, START_COMMAND } from './services.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** A port nothing listens on: one the OS just handed out and that was closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('requireServices / probeService', () => {
  let server: Server;
  let greeting = '';
  let open: number;
  beforeAll(async () => {
    server = createServer((socket) => socket.end(greeting));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    open = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('a service that is down: one line naming it, its address and the command that starts it', async () => {
    const port = await closedPort();
    const error = await probeService({ name: 'Redis', port }).catch((err: Error) => err);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(`Redis is not reachable on 127.0.0.1:${port} — start it with: ${START_COMMAND}`);
    expect((error as Error).stack).toBe(`Error: ${(error as Error).message}`);
  });

  it('a service that is up resolves', async () => {
    await expect(probeService({ name: 'Test', port: open })).resolves.toBeUndefined();
  });

  it('NATS without JetStream is refused by its INFO line; with it, accepted', async () => {
    const { SERVICES } = await import('./services.js');
    const nats = { ...SERVICES.nats, port: open };
    greeting = 'INFO {"server_id":"x","jetstream":false}\r\n';
    await expect(probeService(nats)).rejects.toThrow(
      `NATS runs without JetStream (-js) on 127.0.0.1:${open} — stop it and run: ${START_COMMAND}`,
    );
    greeting = 'INFO {"server_id":"x","jetstream":true}\r\n';
    await expect(probeService(nats)).resolves.toBeUndefined();
  });

  it('in vitest, the file fails before its tests run, with that line', async () => {
    const port = await closedPort();
    const run = spawnSync(
      process.execPath,
      [`${root}node_modules/vitest/vitest.mjs`, 'run', '--config', 'vitest.config.ts'],
      { cwd: `${root}test/helpers/fixtures`, env: { ...process.env, CLOSED_PORT: String(port), NO_COLOR: '1' }, encoding: 'utf8', timeout: 120_000 },
    );
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.status, output).toBe(1);
    expect(output).toContain(`Error: Redis is not reachable on 127.0.0.1:${port} — start it with: ${START_COMMAND}`);
    expect(output).not.toContain('the test body ran');
    expect(output).toMatch(/1 skipped|1 failed/);
  }, 150_000);
});
