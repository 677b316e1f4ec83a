/**
 * @module canon/core/pipeline
 * What happens to a unit's event when it ends, once, never on the live object:
 * finalize → snapshot → redact → validate → sample → serialize → sinks.
 * Nothing here throws into the caller: failures are counted in stats.
 */

import { performance } from 'node:perf_hooks';
import type { SchemaError } from '../validate/index.js';
import type { ResolvedConfig } from './config.js';
import { droppedChannel, eventChannel, publish, sinkErrorChannel } from './diagnostics.js';
import type { FinalizedEvent } from './emitted.js';
import { roundMs, type WideEvent } from './event.js';
import type { Fields } from './paths.js';
import { snapshot } from './snapshot.js';
import { writeToSinks } from './sink.js';

export interface CanonStats {
  /** Events written to the sinks. */
  emitted: number;
  /** Events dropped by sampling. */
  sampled_out: number;
  /** Events that failed schema validation (annotated or dropped). */
  invalid: number;
  /**
   * Events lost to an internal failure (a crashing stage, an unserializable event), or
   * refused by a sink whose buffer was full (once per such sink).
   */
  dropped: number;
  /** Writes to events that were already emitted. */
  late_writes: number;
  /** Sink writes that threw or rejected. */
  sink_errors: number;
  /** Audit records written to the audit sinks (`canon.audit`). */
  audited: number;
}

export function newStats(): CanonStats {
  return { emitted: 0, sampled_out: 0, invalid: 0, dropped: 0, late_writes: 0, sink_errors: 0, audited: 0 };
}

/** Sets `duration_ms` and `outcome` on the live event. */
export function finalize(unit: WideEvent): void {
  const fields = unit.fields;
  fields.duration_ms = roundMs(performance.now() - unit.startedAt);
  const status = fields.status_code;
  fields.outcome = unit.aborted
    ? 'aborted'
    : unit.errorMarked || (typeof status === 'number' && status >= 500)
      ? 'error'
      : 'success';
}

const NO_ERRORS: SchemaError[] = [];

/**
 * Builds the emit function of one Canon instance; `instance()` is what `canon:event`
 * subscribers get as `canon`.
 *
 * @example
 * const emit = createPipeline(resolveConfig({ sinks: [memorySink()] }), newStats(), tracker, () => canon);
 */
export function createPipeline(
  config: ResolvedConfig,
  stats: CanonStats,
  pending: Set<Promise<void>>,
  instance: () => unknown,
) {
  const { redact, validate, sample, sinks, limits, includeStack, dropInvalid } = config;
  const finalizers = config.plugins.filter((plugin) => plugin.onFinalize);

  function drop(event: Fields, reason: string, error?: unknown): void {
    stats.dropped++;
    publish(droppedChannel, () => ({ request_id: event.request_id, reason, error }));
  }

  function sinkFailed(sink: unknown, error: unknown): void {
    stats.sink_errors++;
    publish(sinkErrorChannel, () => ({ sink, error }));
  }

  /** A sink dropped the line: its buffer is full (a reader far behind). */
  function sinkFull(_sink: unknown, event: Fields): void {
    drop(event, 'sink_full');
  }

  function afterValidation(event: Fields, errors: SchemaError[]): void {
    if (errors.length > 0) {
      stats.invalid++;
      if (dropInvalid) return;
      event.schema_errors = errors;
    }
    const rate = sample ? sample(event) : 1;
    if (rate === 0) {
      stats.sampled_out++;
      return;
    }
    event.sample_rate = rate;
    let line: string;
    try {
      line = JSON.stringify(event);
    } catch (error) {
      drop(event, 'serialize', error);
      return;
    }
    writeToSinks(sinks, line, event, sinkFailed, sinkFull);
    stats.emitted++;
    if (eventChannel.hasSubscribers) eventChannel.publish({ event, line, canon: instance() });
  }

  return function emit(unit: WideEvent): void {
    let event: Fields | undefined;
    try {
      finalize(unit);
      event = snapshot(unit.fields, limits, includeStack, redact); // snapshot and redact, one walk
      for (const plugin of finalizers) {
        try {
          plugin.onFinalize!(event as FinalizedEvent, unit);
        } catch {
          // a plugin must not cost the event
        }
      }
      const errors = validate ? validate(event) : NO_ERRORS;
      if (errors instanceof Promise) {
        const settled: Promise<void> = errors
          .then((found) => afterValidation(event!, found))
          .catch((error) => drop(event!, 'pipeline', error))
          .finally(() => pending.delete(settled));
        pending.add(settled);
      } else afterValidation(event, errors);
    } catch (error) {
      drop(event ?? unit.fields, 'pipeline', error);
    }
  };
}
