/**
 * @module canon/core/exit
 * Flushes every live Canon instance when the process ends: synchronously on `exit`
 * (which also runs after `process.exit()` and uncaught exceptions) and on SIGTERM/SIGINT,
 * asynchronously on `beforeExit`. The app's own signal behaviour is kept: when Canon's
 * listener is the only one, it flushes, removes itself and re-raises the signal so the
 * process ends exactly as Node would have ended it.
 */

/** What the exit hooks need from an instance. */
export interface ExitTarget {
  flushSync(): void;
  flush(): Promise<void>;
}

const targets = new Set<WeakRef<ExitTarget>>();
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
let exitHooked = false;
let signalsHooked = false;

function each(fn: (target: ExitTarget) => void): void {
  for (const ref of targets) {
    const target = ref.deref();
    if (target === undefined) targets.delete(ref);
    else {
      try {
        fn(target);
      } catch {
        // a failing flush must not stop the others, nor the exit
      }
    }
  }
}

function flushAllSync(): void {
  each((target) => target.flushSync());
}

function flushAllAsync(): void {
  each((target) => void target.flush().catch(() => {}));
}

function onSignal(signal: NodeJS.Signals): void {
  flushAllSync();
  if (process.listenerCount(signal) === 1) {
    // Only Canon listens: restore the default action and die by the signal, as Node would.
    for (const sig of SIGNALS) process.removeListener(sig, onSignal);
    signalsHooked = false;
    process.kill(process.pid, signal);
  }
}

function install(): void {
  if (!exitHooked) {
    exitHooked = true;
    process.on('exit', flushAllSync);
    process.on('beforeExit', flushAllAsync);
  }
  if (!signalsHooked) {
    signalsHooked = true;
    for (const sig of SIGNALS) process.on(sig, onSignal);
  }
}

/**
 * Registers `target` to be flushed at exit; returns the function that unregisters it.
 * Targets are held weakly, so an instance nobody uses any more can be collected.
 *
 * @example
 * const unregister = onProcessExit({ flushSync, flush });
 */
export function onProcessExit(target: ExitTarget): () => void {
  const ref = new WeakRef(target);
  targets.add(ref);
  install();
  return () => {
    targets.delete(ref);
  };
}
