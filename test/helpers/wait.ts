/**
 * Polls `check` (sync or async) until it returns a truthy value or `timeoutMs` passes.
 * An async check (a browser page's state, say) is awaited before the next poll.
 */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  timeoutMs = 5_000,
  label = 'condition',
): Promise<NonNullable<Awaited<T>>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<Awaited<T>>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
