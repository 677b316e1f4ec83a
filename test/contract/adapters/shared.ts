/** Route bodies shared by the contract apps, so every adapter does the same work. */
import type { ServerResponse } from 'node:http';
import { getWideEvent } from '../../../src/index.js';
import { sleep } from '../../helpers/wait.js';

/** Awaits, then enriches through the context (not through the request object). */
export async function usersDeepEnrich(id: string): Promise<void> {
  await sleep(1);
  await Promise.resolve().then(() => getWideEvent()?.enrich({ user: { id } }));
  setImmediate(() => {}); // unrelated async work must not disturb the context
  getWideEvent()?.set('deep.value', 1);
}

export function thrown(): Error {
  return new Error('thrown', { cause: new TypeError('root cause') });
}

/** Three 1,000-byte chunks with pauses (a chunked response). */
export async function stream(res: ServerResponse): Promise<void> {
  res.setHeader('content-type', 'text/plain');
  for (let i = 0; i < 3; i++) {
    res.write('a'.repeat(1000));
    await sleep(5);
  }
  res.end();
}

/** One chunk, then a long wait; the timer is cleared when the client leaves. */
export function slow(res: ServerResponse): void {
  res.setHeader('content-type', 'text/plain');
  res.write('x');
  const timer = setTimeout(() => res.end('done'), 5_000);
  res.on('close', () => clearTimeout(timer));
}

/** Enriches before and after random pauses; concurrent requests interleave here. */
export async function echo(n: number): Promise<number> {
  getWideEvent()?.set('echo.n', n);
  await sleep(Math.random() * 5);
  await sleep(Math.random() * 5);
  getWideEvent()?.enrich({ echo: { after: n } });
  return n;
}
