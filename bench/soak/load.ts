/**
 * The soak's clients, all on 127.0.0.1 and bounded in rate and time: shoppers on the
 * checkout demo's HTTP surface (cart, checkout; any status is counted, so a changed demo
 * still loads), requests aborted mid-flight, slow clients that trickle their request and
 * read the answer slowly, and SSE clients that connect and drop after a few seconds.
 */
import http from 'node:http';
import net from 'node:net';

const USERS = ['u_ada', 'u_bob', 'u_cy'];
const SKUS = ['sku-book', 'sku-mug', 'sku-shirt', 'sku-unknown'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)];

export interface LoadCounts {
  statuses: Record<string, number>;
  aborted: number;
  slow: number;
  sse: number;
  errors: number;
}

async function shopper(base: string, counts: LoadCounts, abort: boolean): Promise<void> {
  const user = pick(USERS);
  const roll = Math.random();
  const [method, path, body] =
    roll < 0.55
      ? ['POST', `/users/${user}/cart/items`, { sku: pick(SKUS), quantity: 1 + Math.floor(Math.random() * 3) }]
      : roll < 0.75
        ? ['GET', `/users/${user}/cart`, undefined]
        : ['POST', `/users/${user}/checkout`, undefined];
  const controller = new AbortController();
  if (abort) setTimeout(() => controller.abort(), Math.random() * 4);
  try {
    const res = await fetch(`${base}${path}`, {
      method,
      signal: controller.signal,
      headers: body ? { 'content-type': 'application/json' } : undefined,
      body: body ? JSON.stringify(body) : undefined,
    });
    await res.arrayBuffer();
    counts.statuses[res.status] = (counts.statuses[res.status] ?? 0) + 1;
  } catch {
    if (abort) counts.aborted++;
    else counts.errors++;
  }
}

/** A client that sends its request a few bytes at a time, then reads the answer in sips. */
function slowClient(port: number, counts: LoadCounts): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const request = `GET /users/${pick(USERS)}/cart HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n`;
    let sent = 0;
    const drip = setInterval(() => {
      socket.write(request.slice(sent, sent + 8));
      sent += 8;
      if (sent >= request.length) clearInterval(drip);
    }, 40);
    socket.on('data', () => {
      socket.pause();
      setTimeout(() => socket.resume(), 50);
    });
    const done = () => {
      clearInterval(drip);
      counts.slow++;
      resolve();
    };
    socket.on('close', done);
    socket.on('error', () => socket.destroy());
    setTimeout(() => socket.destroy(), 5_000);
  });
}

/** An SSE client that stays 1–4 s, then drops the connection. */
function sseClient(port: number, counts: LoadCounts): Promise<void> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/soak/stream' }, (res) => {
      res.on('data', () => {});
      setTimeout(() => req.destroy(), 1_000 + Math.random() * 3_000);
    });
    req.on('error', () => {});
    req.on('close', () => {
      counts.sse++;
      resolve();
    });
  });
}

/** Runs every kind of client until `deadline` (ms since epoch); at most about `rate` requests/s. */
export async function runLoad(port: number, deadline: number, rate = 60): Promise<LoadCounts> {
  const base = `http://127.0.0.1:${port}`;
  const counts: LoadCounts = { statuses: {}, aborted: 0, slow: 0, sse: 0, errors: 0 };
  const loops: Promise<void>[] = [];
  const loop = (gapMs: number, body: () => Promise<void>) =>
    loops.push(
      (async () => {
        while (Date.now() < deadline) {
          await body();
          await sleep(gapMs);
        }
      })(),
    );
  for (let i = 0; i < 4; i++) loop(4_000 / rate, () => shopper(base, counts, false));
  loop(200, () => shopper(base, counts, true));
  loop(300, () => slowClient(port, counts));
  for (let i = 0; i < 3; i++) loop(100, () => sseClient(port, counts));
  await Promise.all(loops);
  return counts;
}
