/**
 * @module canon/logger/attach
 * Keeps log lines on the wide event too (`attachToEvent: true`): `logs: [{ level, msg,
 * at_ms }]`, where `at_ms` is milliseconds since the unit started. The list is capped;
 * lines past the cap are counted in `logs_dropped` instead.
 */
import { performance } from 'node:perf_hooks';
import { roundMs, type WideEvent } from '../core/event.js';
import type { LevelName } from './levels.js';

/** One log line as kept on the event. */
export interface AttachedLog {
  level: LevelName;
  msg: string;
  at_ms: number;
}

/**
 * Appends a line to `unit`'s `logs`, or counts it in `logs_dropped` past `max`. Does
 * nothing once the event was emitted, or when `logs` holds something that is not a list
 * (a field of the app's own).
 *
 * @example
 * attachLog(getWideEvent()!, 'warn', 'retrying payment', 50);
 */
export function attachLog(unit: WideEvent, level: LevelName, msg: unknown, max: number): void {
  if (unit.emitted) return;
  const fields = unit.fields;
  const current = fields.logs;
  if (current !== undefined && !Array.isArray(current)) return;
  const logs: AttachedLog[] = current ?? (fields.logs = []);
  if (logs.length < max) {
    const text = typeof msg === 'string' ? msg : msg === undefined ? '' : String(msg);
    const line: AttachedLog = { level, msg: text, at_ms: roundMs(performance.now() - unit.startedAt) };
    logs.push(line);
  } else {
    const dropped = fields.logs_dropped;
    fields.logs_dropped = (typeof dropped === 'number' ? dropped : 0) + 1;
  }
}
