/**
 * The demo's traffic generator: shoppers adding items, checking out and now and then
 * following their orders live (SSE) for a few seconds, forever or for `DEMO_REQUESTS`
 * requests. Progress goes to stderr so stdout holds only wide events.
 */
const SKUS = ['sku-book', 'sku-mug', 'sku-shirt', 'sku-unknown'];
const USERS = ['u_ada', 'u_bob', 'u_cy'];

const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)];

async function call(base: string, method: string, path: string, body?: unknown): Promise<number> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : undefined,
    body: body ? JSON.stringify(body) : undefined,
  });
  await res.arrayBuffer();
  return res.status;
}

/** Follows a buyer's order stream for `ms`, reading what comes, then hangs up. */
async function watchOrders(base: string, user: string, ms: number): Promise<void> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  try {
    const res = await fetch(`${base}/users/${user}/orders/stream`, { signal: controller.signal });
    const reader = res.body!.getReader();
    while (!(await reader.read()).done) {
      // order.fulfilled events arrive here; reading them keeps the stream flowing
    }
  } catch {
    // hung up on purpose
  } finally {
    clearTimeout(timer);
  }
}

/** Sends `limit` requests (Infinity: until stopped) at about `perSecond`; resolves once open streams ended too. */
export async function generateTraffic(
  base: string,
  limit: number,
  perSecond = 8,
): Promise<Record<number, number>> {
  const statuses: Record<number, number> = {};
  const streams = new Set<Promise<void>>();
  for (let sent = 0; sent < limit; sent++) {
    const user = pick(USERS);
    if (Math.random() < 0.08 || sent === 0) {
      const stream = watchOrders(base, user, 1_500 + Math.random() * 2_500).finally(() => streams.delete(stream));
      streams.add(stream);
    }
    const roll = Math.random();
    const status =
      roll < 0.55
        ? await call(base, 'POST', `/users/${user}/cart/items`, {
            sku: pick(SKUS),
            quantity: 1 + Math.floor(Math.random() * 3),
          })
        : roll < 0.7
          ? await call(base, 'GET', `/users/${user}/cart`)
          : await call(base, 'POST', `/users/${user}/checkout`);
    statuses[status] = (statuses[status] ?? 0) + 1;
    await new Promise((resolve) => setTimeout(resolve, 1000 / perSecond));
  }
  await Promise.all(streams);
  return statuses;
}
