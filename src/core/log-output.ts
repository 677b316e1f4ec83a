/**
 * @module canon/core/log-output
 * Where `canon/logger` lines go. Inside a unit of work: through the sinks of the Canon
 * instance that owns the unit. Outside one: through the most recently created instance
 * that is still open, else through a shared stdout sink. The registry lives at
 * `globalThis[Symbol.for('canon.log-output')]`, like the context, so two installed copies
 * of Canon agree on it.
 */
import type { Redactor } from '../redact/index.js';
import { stdoutSink } from '../sinks/stdout/index.js';
import { onProcessExit } from './exit.js';
import type { Fields } from './paths.js';
import { type Sink, writeToSinks } from './sink.js';
import { DEFAULT_LIMITS, type Limits, snapshot } from './snapshot.js';

/** @internal Something a log record can be written through. */
export interface LogOutput {
  writeLog(record: Fields): void;
  /** Writes an audit record through the instance (`canon/audit` outside a unit). */
  audit?(record: unknown): void;
}

/** @internal What {@link createLogWriter} needs from an instance. */
export interface LogWriterOptions {
  sinks: Sink[];
  redact?: Redactor;
  limits: Limits;
  onSinkError(sink: Sink, error: unknown): void;
}

/**
 * @internal Builds the function that serializes one log record and hands it to every
 * sink. With redaction configured the record is copied (snapshot) and redacted like an
 * event; otherwise it is serialized as is, falling back to a snapshot when `JSON.stringify`
 * fails (cycles, BigInt). Never throws: sink failures go to `onSinkError`.
 *
 * @example
 * const write = createLogWriter({ sinks: [memorySink()], limits: DEFAULT_LIMITS, onSinkError() {} });
 * write({ kind: 'log', level: 'info', msg: 'hello' });
 */
export function createLogWriter(options: LogWriterOptions): (record: Fields) => void {
  const { sinks, redact, limits, onSinkError } = options;
  return function writeLog(record: Fields): void {
    let line: string;
    let out = record;
    try {
      if (redact) {
        out = snapshot(record, limits, true, redact);
        line = JSON.stringify(out);
      } else {
        try {
          line = JSON.stringify(record);
        } catch {
          out = snapshot(record, limits, true);
          line = JSON.stringify(out);
        }
      }
    } catch {
      return; // nothing serializable left: a log line is never worth an exception
    }
    writeToSinks(sinks, line, out, onSinkError);
  };
}

interface Registry {
  latest?: LogOutput;
  fallback?: LogOutput;
}

const KEY = Symbol.for('canon.log-output');
const holder = globalThis as typeof globalThis & { [KEY]?: Registry };
const registry: Registry = (holder[KEY] ??= {});

/** @internal Makes `output` the destination of lines written outside any unit. */
export function setLatestLogOutput(output: LogOutput): void {
  registry.latest = output;
}

/** @internal Forgets `output` (a closed instance) if it is the latest. */
export function releaseLogOutput(output: LogOutput): void {
  if (registry.latest === output) registry.latest = undefined;
}

/** @internal The most recently created instance that is still open, if any. */
export function latestLogOutput(): LogOutput | undefined {
  return registry.latest;
}

function stdoutFallback(): LogOutput {
  const sink = stdoutSink();
  onProcessExit({ flushSync: () => sink.flushSync?.(), flush: async () => sink.flush?.() });
  return { writeLog: createLogWriter({ sinks: [sink], limits: DEFAULT_LIMITS, onSinkError() {} }) };
}

/**
 * @internal The destination of a line written outside any unit of work.
 *
 * @example
 * currentLogOutput().writeLog({ kind: 'log', level: 'info', msg: 'started' });
 */
export function currentLogOutput(): LogOutput {
  return registry.latest ?? (registry.fallback ??= stdoutFallback());
}
