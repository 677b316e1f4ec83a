/**
 * The demo's webhook receivers: a partner's server on 127.0.0.1 with two endpoints that
 * verify Canon's Standard Webhooks signatures. `/hooks/crm` is flaky (some 503s, which
 * the retry schedule absorbs); `/hooks/analytics` is down (500) until `recover()`, so
 * its deliveries fail for good and show up on the console's Webhooks page until the demo
 * redrives them.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '../../src/webhooks/index.js';

export interface Receiver {
  readonly url: string;
  /** Signing secrets by path, set once the endpoints exist. */
  secrets: Map<string, string>;
  /** Accepted deliveries by path. */
  readonly received: Map<string, number>;
  /** Brings `/hooks/analytics` back. */
  recover(): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const secrets = new Map<string, string>();
  const received = new Map<string, number>();
  let analyticsUp = false;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '';
      const secret = secrets.get(path);
      if (!secret) return void res.writeHead(404).end();
      if (path === '/hooks/analytics' && !analyticsUp) return void res.writeHead(500).end('analytics ingest is down');
      if (path === '/hooks/crm' && Math.random() < 0.15) return void res.writeHead(503).end('busy, try later');
      try {
        verifyWebhook({ body: Buffer.concat(chunks), headers: req.headers, secret });
      } catch {
        return void res.writeHead(401).end('bad signature');
      }
      received.set(path, (received.get(path) ?? 0) + 1);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    secrets,
    received,
    recover: () => void (analyticsUp = true),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
