/**
 * A real HTTP receiver on 127.0.0.1 for delivery tests: records every request (headers
 * and raw body) and answers what `respond` says (status, headers, body, or no answer).
 */
import http from 'node:http';
import { listen } from '../helpers/http.js';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

export interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Never answer (the client's timeout must fire). */
  hang?: boolean;
  /** Answer after this many ms. */
  delayMs?: number;
  /** Answer only once this settles (a slow endpoint the test lets go when it is done). */
  after?: Promise<unknown>;
}

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** Requests to `path` only. */
  to(path: string): ReceivedRequest[];
  close(): Promise<void>;
}

export async function startReceiver(
  respond: (request: ReceivedRequest, n: number) => Answer = () => ({}),
): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      requests.push(request);
      const answer = respond(request, requests.filter((r) => r.path === request.path).length);
      if (answer.hang) return;
      const reply = () => {
        res.writeHead(answer.status ?? 200, answer.headers);
        res.end(answer.body ?? '');
      };
      if (answer.after) void answer.after.then(reply, reply);
      else if (answer.delayMs) setTimeout(reply, answer.delayMs);
      else reply();
    });
  });
  const { url, close } = await listen(server);
  return { url, requests, to: (path) => requests.filter((r) => r.path === path), close };
}
