/**
 * @module canon/core/exit
 * Flushes every live Canon instance when the process ends: synchronously on `exit`
 * (which also runs after `process.exit()` and uncaught exceptions), asynchronously on
 * `beforeExit`, and on SIGTERM/SIGINT. The app's own signal behaviour is kept: when
 * Canon's listener is the only one, it flushes (waiting up to `SIGNAL_FLUSH_LIMIT_MS` for
 * asynchronous sinks and schemas), removes itself and re-raises the signal so the process
 * ends exactly as Node would have ended it; a second signal during that wait ends it at once.
 *
 * The registry lives on `globalThis` (like the context), so two copies of Canon in one
 * process share one set of listeners instead of each waiting for the other to re-raise.
 */

/** What the exit hooks need from an instance. */
export interface ExitTarget {
  flushSync(): void;
  flush(): Promise<void>;
}

interface ExitRegistry {
  /** Held strongly until unregistered (`close()`): buffered lines must survive a GC. */
  targets: Set<ExitTarget>;
  exitHooked: boolean;
  signalsHooked: boolean;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
/** How long a signal waits for asynchronous flushes (OTLP export, async schemas). */
const SIGNAL_FLUSH_LIMIT_MS = 5_000;
/** Versioned: a later Canon with another registry shape must not read this one. */
const KEY = Symbol.for('canon.exit.v1');
const holder = globalThis as typeof globalThis & { [KEY]?: ExitRegistry };
const registry: ExitRegistry = (holder[KEY] ??= {
  targets: new Set(),
  exitHooked: false,
  signalsHooked: false,
});

function each(fn: (target: ExitTarget) => void): void {
  for (const target of registry.targets) {
    try {
      fn(target);
    } catch {
      // a failing flush must not stop the others, nor the exit
    }
  }
}

function flushAllSync(): void {
  each((target) => target.flushSync());
}

function flushAll(): Promise<unknown> {
  const flushes: Promise<unknown>[] = [];
  each((target) => flushes.push(target.flush().catch(() => {})));
  return Promise.all(flushes);
}

let dying = false;

function die(signal: NodeJS.Signals): void {
  for (const sig of SIGNALS) process.removeListener(sig, onSignal);
  registry.signalsHooked = false;
  process.kill(process.pid, signal);
}

function onSignal(signal: NodeJS.Signals): void {
  flushAllSync();
  if (process.listenerCount(signal) !== 1) return; // the app handles the signal itself
  // Only Canon listens: flush what is asynchronous, then die by the signal, as Node would.
  if (dying) return die(signal); // a second signal: do not wait any longer
  dying = true;
  // kept referenced: the process must not end on its own (exit code 0) before dying by the signal
  const limit = setTimeout(() => die(signal), SIGNAL_FLUSH_LIMIT_MS);
  void flushAll().then(() => {
    clearTimeout(limit);
    flushAllSync();
    die(signal);
  });
}

function install(): void {
  if (!registry.exitHooked) {
    registry.exitHooked = true;
    process.on('exit', flushAllSync);
    process.on('beforeExit', () => void flushAll());
  }
  if (!registry.signalsHooked) {
    registry.signalsHooked = true;
    for (const sig of SIGNALS) process.on(sig, onSignal);
  }
}

/**
 * Registers `target` to be flushed at exit; returns the function that unregisters it
 * (call it when the target is closed, or it stays registered for the process's life).
 *
 * @example
 * const unregister = onProcessExit({ flushSync, flush });
 */
export function onProcessExit(target: ExitTarget): () => void {
  registry.targets.add(target);
  install();
  return () => {
    registry.targets.delete(target);
  };
}
