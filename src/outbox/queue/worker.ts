/**
 * @module canon/outbox/queue/worker
 * The loop that drains a queue table: claim a batch (see ./claim), work on it with
 * bounded concurrency, one key's rows strictly one after another, then record each row's
 * fate in bulk, off the path from a commit to its publish: the next claim does not wait
 * for those writes when a commit has announced more rows or the batch came back full. Wakes
 * on LISTEN/NOTIFY, polls as a backstop, renews its leases while working, retries with
 * backoff (./backoff), parks rows dead after `maxAttempts`, deletes done rows after their
 * retention, and on `stop()` finishes what it started and hands back what it had not.
 * The outbox relay is this worker plus envelope publishing; webhook and broker delivery
 * queues can be too.
 */

import { normalizeError } from '../../core/normalize-error.js';
import type { OutboxStore, Unlisten } from '../store/types.js';
import { backoffDelay, type ResolvedBackoff } from './backoff.js';
import { groupByKey, withTimeout } from './batch.js';
import { type ClaimedRow, claim, claimSql } from './claim.js';
import { cleanup, parkExhausted } from './maintenance.js';
import { complete, type Failure, fail, release, renew } from './settle.js';
import type { QueueSpec } from './spec.js';
import { Wakeup } from './wakeup.js';

/** What became of one attempt. */
export interface AttemptReport {
  attempt: number;
  result: 'done' | 'retry' | 'dead';
  error?: unknown;
  /** Delay before the retry, when `result` is `'retry'`. */
  retryInMs?: number;
}

export interface QueueWorkerOptions<Row extends ClaimedRow> {
  store: OutboxStore;
  spec: QueueSpec;
  /** Written to `locked_by`: which worker holds a lease. */
  workerId: string;
  batchSize: number;
  /** Rows (of different keys) worked on at once. */
  concurrency: number;
  /**
   * Claim again as soon as half of `concurrency` is free, instead of after the whole batch
   * has settled; each batch then settles on its own (default false). For slow, independent
   * work such as HTTP deliveries: a slow row holds its own slot, not the whole worker.
   */
  overlap?: boolean;
  pollIntervalMs: number;
  listen: boolean;
  leaseMs: number;
  maxAttempts: number;
  backoff: ResolvedBackoff;
  /** Done rows are deleted this long after finishing; 0 deletes them right away. */
  retentionMs: number;
  cleanupIntervalMs: number;
  /** An attempt still running after this long counts as failed. */
  timeoutMs: number;
  /** Works on one row. Resolve: done. Throw: failed attempt (`retriable: false` on the error parks it dead at once). */
  run(row: Row): unknown;
  /**
   * The delay before retrying `row` after its failed attempt threw `error`, replacing
   * `backoff` (a fixed schedule, a `Retry-After` the error carries). Must not throw.
   */
  retryDelay?(row: Row, error: unknown): number;
  /**
   * Rows this worker's claim parked dead because another worker died during their last
   * allowed attempt (they are not run). Default: nothing more than the row's `last_error`.
   */
  onLeaseExpired?(rows: Row[]): Promise<void> | void;
  /** Sees each attempt's fate before it is written. Must not throw. */
  observe?(row: Row, report: AttemptReport): void;
  /** Database trouble in the loop (`operation`: claim, lease-expired, complete, fail, release, renew, cleanup, listen). */
  onError(error: unknown, operation: string): void;
}

export interface QueueWorker {
  readonly running: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
}

type Seq = ClaimedRow['seq'];

/** What a batch's attempts came to, to be written in bulk. */
interface Outcome {
  done: Seq[];
  failures: Failure[];
  /** Handed back untried: later rows of a key whose row failed, or rows left at stop(). */
  released: Seq[];
}

const MAX_ERROR_PAUSE_MS = 30_000;

/**
 * Creates a worker over a queue table (not started).
 *
 * @example
 * const worker = createQueueWorker({ store, spec, workerId: 'w1', run: (row) => deliver(row), ...defaults });
 * await worker.start(); // … later
 * await worker.stop();
 */
export function createQueueWorker<Row extends ClaimedRow>(options: QueueWorkerOptions<Row>): QueueWorker {
  const { store, spec, workerId, leaseMs, maxAttempts } = options;
  const statement = claimSql(spec);
  let running = false;
  let loopDone: Promise<void> | undefined;
  let starting: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;
  let unlisten: Unlisten | undefined;
  let cleanupTimer: NodeJS.Timeout | undefined;
  const wakeup = new Wakeup(options.pollIntervalMs);
  const overlap = options.overlap ?? false;
  const batches = new Set<Promise<void>>();
  /** Rows claimed and not attempted to the end yet. */
  let inFlight = 0;
  let onSlotFreed: (() => void) | undefined;
  /** Without `overlap`: the outcomes of the last batch(es) being written, one batch after another. */
  let settling: Promise<void> | undefined;

  const report = (operation: string) => (error: unknown) => options.onError(error, operation);

  function observe(row: Row, report: AttemptReport): void {
    try {
      options.observe?.(row, report);
    } catch {
      // an observer must not change what happened to the row
    }
  }

  async function attempt(row: Row): Promise<Failure | undefined> {
    let error: unknown;
    try {
      await withTimeout(options.run(row), options.timeoutMs);
      observe(row, { attempt: row.attempts, result: 'done' });
      return undefined;
    } catch (thrown) {
      error = thrown;
    }
    const dead =
      row.attempts >= maxAttempts || (error as { retriable?: unknown } | null)?.retriable === false;
    const delayMs = dead
      ? 0
      : (options.retryDelay?.(row, error) ?? backoffDelay(row.attempts, options.backoff));
    observe(row, {
      attempt: row.attempts,
      result: dead ? 'dead' : 'retry',
      error,
      retryInMs: dead ? undefined : delayMs,
    });
    if (!dead) wakeup.within(delayMs);
    const recorded = { ...normalizeError(error), attempt: row.attempts, failed_at: new Date().toISOString() };
    return { seq: row.seq, dead, delayMs, error: recorded };
  }

  /** Attempts every row of a claimed batch; resolves to what to write about them. */
  async function attemptAll(rows: Row[]): Promise<Outcome> {
    inFlight += rows.length;
    let attempted = 0;
    const done: Seq[] = [];
    const failures: Failure[] = [];
    const released: Seq[] = [];
    const groups = groupByKey(rows);
    const all = rows.map((row) => row.seq);
    const renewal = setInterval(
      () => renew(store, spec, workerId, all, leaseMs).catch(report('renew')),
      leaseMs / 3,
    );
    let next = 0;
    async function runner(): Promise<void> {
      while (next < groups.length) {
        const group = groups[next++];
        for (let i = 0; i < group.length; i++) {
          if (!running) {
            released.push(...group.slice(i).map((row) => row.seq));
            break;
          }
          const failure = await attempt(group[i]);
          attempted++;
          slotFreed();
          if (!failure) {
            done.push(group[i].seq);
            continue;
          }
          failures.push(failure);
          released.push(...group.slice(i + 1).map((row) => row.seq)); // later rows of the key wait for it
          break;
        }
      }
    }
    try {
      const runners = overlap ? groups.length : Math.min(options.concurrency, groups.length);
      await Promise.all(Array.from({ length: runners }, runner));
    } finally {
      clearInterval(renewal);
      inFlight -= rows.length - attempted; // rows handed back untried
    }
    return { done, failures, released };
  }

  /** Writes a batch's outcomes (errors go to `onError`: it never rejects). */
  async function settle({ done, failures, released }: Outcome): Promise<void> {
    await complete(store, spec, workerId, done, options.retentionMs === 0).catch(report('complete'));
    await fail(store, spec, workerId, failures).catch(report('fail'));
    await release(store, spec, workerId, released).catch(report('release'));
  }

  async function work(rows: Row[]): Promise<void> {
    await settle(await attemptAll(rows));
  }

  /** Without `overlap`: writes `outcome` after the previous batch's, while the loop goes on. */
  function settleInBackground(outcome: Outcome): void {
    const tail: Promise<void> = (settling ?? Promise.resolve())
      .then(() => settle(outcome))
      .finally(() => {
        if (settling === tail) settling = undefined;
      });
    settling = tail;
  }

  function slotFreed(): void {
    inFlight--;
    onSlotFreed?.();
  }

  /** With `overlap`: works on `rows` in the background, then waits until half the slots are free. */
  async function dispatch(rows: Row[]): Promise<void> {
    const batch = work(rows).finally(() => {
      batches.delete(batch);
      onSlotFreed?.();
    });
    batches.add(batch);
    while (running && inFlight > 0 && options.concurrency - inFlight < Math.ceil(options.concurrency / 2)) {
      await new Promise<void>((resolve) => (onSlotFreed = resolve));
      onSlotFreed = undefined;
    }
  }

  async function loop(): Promise<void> {
    let errors = 0;
    let full = false;
    while (running) {
      let rows: Row[];
      // While the last outcomes are being written, claim again at once when the last claim
      // came back full or a commit has announced rows since it; otherwise once they are
      // written (they may unblock a key's next row), unless a commit announces rows meanwhile.
      if (settling && !full) await wakeup.until(settling);
      const overlapped = settling !== undefined;
      try {
        wakeup.reset();
        const claimed = (await claim(store, spec, statement, {
          workerId,
          limit: overlap ? Math.min(options.batchSize, options.concurrency - inFlight) : options.batchSize,
          leaseMs,
          maxAttempts,
        })) as Row[];
        rows = claimed.filter((row) => !row.lease_expired);
        full = claimed.length >= options.batchSize;
        if (rows.length < claimed.length && options.onLeaseExpired) {
          await Promise.resolve(options.onLeaseExpired(claimed.filter((row) => row.lease_expired))).catch(
            report('lease-expired'),
          );
        }
        errors = 0;
      } catch (error) {
        report('claim')(error);
        await wakeup.idle(Math.min(options.pollIntervalMs * 2 ** errors++, MAX_ERROR_PAUSE_MS));
        continue;
      }
      if (!running) {
        await release(
          store,
          spec,
          workerId,
          rows.map((row) => row.seq),
        ).catch(report('release'));
      } else if (rows.length > 0) {
        if (overlap) await dispatch(rows);
        else settleInBackground(await attemptAll(rows));
      } else if (overlapped) {
        continue; // this claim ran before those outcomes were written: look again after them
      } else {
        await wakeup.idle(options.pollIntervalMs);
      }
    }
    await settling;
    await Promise.all(batches);
  }

  /** The body of `start()`: LISTEN, park exhausted rows, the cleanup timer, the loop. */
  async function begin(): Promise<void> {
    loopDone = undefined;
    if (options.listen) {
      try {
        unlisten = await store.listen(spec.table.channel, () => wakeup.wake());
      } catch (error) {
        report('listen')(error); // polling still delivers, only slower
      }
    }
    await parkExhausted(store, spec, maxAttempts).catch(report('claim'));
    if (!running) return; // stopped meanwhile: stop() releases the LISTEN connection
    if (options.retentionMs > 0) {
      cleanupTimer = setInterval(
        () => cleanup(store, spec, options.retentionMs).catch(report('cleanup')),
        options.cleanupIntervalMs,
      );
      cleanupTimer.unref();
    }
    loopDone = loop();
  }

  return {
    get running() {
      return running;
    },
    async start() {
      if (running) return starting;
      // a restart begins once the previous stop has released everything (no await without
      // one: start() must set `running` synchronously, so a stop() right after it sees it)
      if (stopping !== undefined) await stopping;
      if (running) return starting;
      running = true;
      starting = begin();
      return starting;
    },
    stop() {
      if (!running) return stopping ?? Promise.resolve();
      running = false;
      const done = (async () => {
        await starting; // a stop during start() undoes what start() set up, once it is set up
        clearInterval(cleanupTimer);
        wakeup.cancel();
        wakeup.wake();
        onSlotFreed?.();
        await loopDone;
        await unlisten?.().catch(report('listen'));
        unlisten = undefined;
      })();
      stopping = done;
      const settled = () => {
        if (stopping === done) stopping = undefined;
      };
      done.then(settled, settled);
      return done;
    },
  };
}
