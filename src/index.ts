/**
 * @module canon
 * Wide events for Node.js: one structured event per request, message or job, built up
 * from anywhere in async code and emitted once through redaction, validation, sampling
 * and sinks.
 *
 * @example
 * import { createCanon, getWideEvent } from 'canon';
 * const canon = createCanon({ service: 'checkout' });
 */
export type { Canon } from './core/canon.js';
export { createCanon } from './core/canon.js';
export { type ExportedContext, exportContext, runWithContext } from './core/carry.js';
export type { CanonConfig, CanonPlugin, UnitIds, UnitStart } from './core/config.js';
export { enrich, getWideEvent } from './core/context.js';
export type { CanonEvent, FinalizedEvent } from './core/emitted.js';
export { CanonError, CanonOptionError, type ErrorCode, ErrorCodes } from './core/errors.js';
export { WideEvent } from './core/event.js';
export { type NormalizedError, normalizeError } from './core/normalize-error.js';
export type { Fields } from './core/paths.js';
export type { CanonStats } from './core/pipeline.js';
export type { Sink } from './core/sink.js';
export type { Limits } from './core/snapshot.js';
export type { RedactConfig, RedactField, Strategy as RedactStrategy } from './redact/index.js';
export { type DynamicSampleOptions, type DynamicSampler, dynamicSample } from './sample/dynamic.js';
export type { SampleConfig, SampleFn, SampleRate } from './sample/index.js';
export { type FileSinkOptions, fileSink } from './sinks/file/index.js';
export { type MemorySink, memorySink, type RecordedEvent } from './sinks/memory/index.js';
export { type PrettySinkOptions, prettySink } from './sinks/pretty/index.js';
export { type OtlpSink, type OtlpSinkOptions, type OtlpSinkStats, otlpSink } from './sinks/otlp/index.js';
export type { LineSink, LineSinkStats } from './sinks/line-sink.js';
export { type StdoutSinkOptions, stdoutSink } from './sinks/stdout/index.js';
export type { SchemaError } from './validate/index.js';
