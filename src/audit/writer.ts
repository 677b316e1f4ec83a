/**
 * @module canon/audit/writer
 * The audit pipeline of one instance: record → snapshot + redact → validate (annotate,
 * never drop) → chain → serialize → audit sinks. Never sampled. Records are chained in the
 * order they are written, also when an asynchronous schema is in play (they then queue):
 * each carries `audit: { chain, seq, prev, hash }`, `hash` covering the whole record as
 * written (redacted) including `prev`, so removing, reordering, inserting or altering a
 * record breaks the chain at that point.
 */
import { eventChannel } from '../core/diagnostics.js';
import type { WideEvent } from '../core/event.js';
import { uuidv7 } from '../core/ids.js';
import type { Fields } from '../core/paths.js';
import { type Sink, writeToSinks } from '../core/sink.js';
import { type Limits, snapshot } from '../core/snapshot.js';
import type { Redactor } from '../redact/index.js';
import type { SchemaError, Validator } from '../validate/index.js';
import { canonicalRecord, hashText } from './hash.js';
import { type AuditBase, buildAuditRecord } from './record.js';

/** @internal What an instance gives its audit writer. */
export interface AuditWriterOptions {
  base: AuditBase;
  sinks: Sink[];
  key: string | undefined;
  redact: Redactor | undefined;
  validate: Validator | undefined;
  limits: Limits;
  includeStack: boolean;
  /** Counters of the instance: `audited`, `invalid`, `dropped`. */
  stats: { audited: number; invalid: number };
  /** Promises `flush()` waits for. */
  pending: Set<Promise<void>>;
  onSinkError(sink: Sink, error: unknown): void;
  onDropped(record: Fields, error: unknown): void;
  /** The instance, for `canon:event` subscribers. */
  instance(): unknown;
}

/** @internal Writes one audit record (throws only for a malformed `input`). */
export type AuditWriter = (input: unknown, unit: WideEvent | undefined) => void;

const NO_ERRORS: SchemaError[] = [];

/**
 * @internal Creates the audit writer of one instance.
 *
 * @example
 * const write = createAuditWriter(options);
 * write({ action: 'user.delete', actor: 'u_1', target: 'u_2' }, storage.getStore());
 */
export function createAuditWriter(options: AuditWriterOptions): AuditWriter {
  const { base, sinks, key, redact, validate, limits, includeStack, stats, pending } = options;
  let chain: string | undefined;
  let seq = 0;
  let prev: string | null = null;
  /** The last queued record, while records wait for an asynchronous schema. */
  let tail: Promise<void> | undefined;

  function chainAndWrite(copy: Fields, errors: SchemaError[]): void {
    try {
      if (errors.length > 0) {
        stats.invalid++;
        copy.schema_errors = errors;
      }
      chain ??= uuidv7();
      copy.audit = { chain, seq: seq + 1, prev };
      const { record, text } = canonicalRecord(copy);
      const hash = hashText(text, key);
      (record.audit as Fields).hash = hash;
      const line = JSON.stringify(record);
      seq++;
      prev = hash;
      writeToSinks(sinks, line, record, options.onSinkError);
      stats.audited++;
      if (eventChannel.hasSubscribers) eventChannel.publish({ event: record, line, canon: options.instance() });
    } catch (error) {
      options.onDropped(copy, error);
    }
  }

  return function writeAudit(input, unit) {
    const record = buildAuditRecord(input, base, unit);
    const copy = snapshot(record, limits, includeStack, redact);
    const errors = validate ? validate(copy) : NO_ERRORS; // never throws nor rejects
    if (!(errors instanceof Promise) && tail === undefined) {
      chainAndWrite(copy, errors);
      return;
    }
    const found = errors;
    const queued: Promise<void> = (tail ?? Promise.resolve())
      .then(() => found)
      .then((result) => chainAndWrite(copy, result))
      .finally(() => {
        pending.delete(queued);
        if (tail === queued) tail = undefined;
      });
    tail = queued;
    pending.add(queued);
  };
}
