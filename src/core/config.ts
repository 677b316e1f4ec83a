/**
 * @module canon/core/config
 * `createCanon` options: their types, defaults and validation. Every invalid option
 * throws a `TypeError` (code `CANON_INVALID_OPTION`) naming it, at construction.
 */
import { hostname } from 'node:os';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { type AuditConfig, type ResolvedAudit, resolveAuditConfig } from '../audit/options.js';
import { createRedactor, type RedactConfig, type Redactor } from '../redact/index.js';
import { createSampler, type SampleConfig, type Sampler } from '../sample/index.js';
import { prettySink } from '../sinks/pretty/index.js';
import { stdoutSink } from '../sinks/stdout/index.js';
import { isatty } from 'node:tty';
import { createValidator, type Validator } from '../validate/index.js';
import { describe, invalidOption } from './errors.js';
import type { FinalizedEvent } from './emitted.js';
import type { WideEvent } from './event.js';
import { copyTree, type Fields, isPlainObject } from './paths.js';
import { checkSinks, type Sink } from './sink.js';
import { DEFAULT_LIMITS, type Limits } from './snapshot.js';
import { booleanOption, integerOption, rejectUnknownOptions } from './option-checks.js';

/** What a plugin's `ids` hook learns about a unit that is starting. */
export interface UnitStart {
  readonly kind: string;
  /** From the incoming `traceparent` or the parent unit, when there is one. */
  readonly traceId?: string;
  readonly parentSpanId?: string;
  /** W3C trace flags (2 lowercase hex digits) from the incoming `traceparent` or the parent unit. */
  readonly traceFlags?: string;
  /** The validated W3C `tracestate` list that came with `traceId` (`'rojo=00f0…,congo=t61r…'`). */
  readonly traceState?: string;
  /** The adapter's fields (`method`, `path`, ...). */
  readonly fields?: Readonly<Fields>;
}

/** Trace ids a plugin supplies for a unit: lowercase hex, 32 and 16 digits, not all zeros. */
export interface UnitIds {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  /** W3C trace flags, 2 lowercase hex digits (`'01'`: sampled). */
  traceFlags?: string;
  /**
   * The W3C `tracestate` to propagate for these ids (an OpenTelemetry span's). Default:
   * the incoming one when `traceId` is the incoming trace's, else none. An invalid list
   * is dropped.
   */
  traceState?: string;
}

/** An integration hooked into every unit of work (OpenTelemetry, tracking, ...). */
export interface CanonPlugin {
  name: string;
  /**
   * Called before a unit's event is built. Returning ids makes them the event's
   * `trace_id`, `span_id` and `parent_span_id` (the first plugin returning valid ids wins);
   * returning undefined keeps Canon's own.
   */
  ids?(unit: UnitStart): UnitIds | undefined;
  /** Called when a unit starts, with its handle, inside its context. */
  onStart?(event: WideEvent): void;
  /**
   * Called with the finalized, redacted copy before validation; may add fields to it.
   * `unit` is the handle the copy was made from.
   */
  onFinalize?(event: FinalizedEvent, unit: WideEvent): void;
}

export interface CanonConfig {
  /** Default: env SERVICE_NAME ?? OTEL_SERVICE_NAME ?? 'unknown'. */
  service?: string;
  /** Default: env SERVICE_VERSION. */
  version?: string;
  /** Static fields on every event (env DEPLOYMENT_ID and REGION are picked up too). */
  fields?: Fields;
  redact?: RedactConfig | false;
  /** Any Standard Schema v1 (zod 4, valibot, arktype), sync or async. */
  schema?: StandardSchemaV1;
  /** `'annotate'` (default): emit with `schema_errors`; `'drop'`: count and drop. */
  onInvalid?: 'annotate' | 'drop';
  sample?: SampleConfig;
  /** Default `[stdoutSink()]`, or `[prettySink()]` when `pretty` says so. */
  sinks?: Sink[];
  /**
   * The default sink's format: `'auto'` (default) uses `prettySink()` when stdout is a TTY
   * and `NODE_ENV` is not `production`, else `stdoutSink()` (JSON lines); `true`/`false`
   * force it. Explicit `sinks` are kept as given.
   */
  pretty?: 'auto' | boolean;
  plugins?: CanonPlugin[];
  /** Flush sinks on exit, SIGTERM and SIGINT (default true). */
  handleExit?: boolean;
  /** Include `error.stack` in events (default false). */
  includeStack?: boolean;
  /** Caps applied when the event is copied for output. */
  limits?: Partial<Limits>;
  /** Audit records (`canon.audit(...)`): their sinks and HMAC key, see `canon/audit`. */
  audit?: AuditConfig;
}

/** The validated, defaulted configuration (internal: not exported from `canon`). */
export interface ResolvedConfig {
  service: string;
  version?: string;
  host: string;
  staticFields: Fields;
  redact?: Redactor;
  validate?: Validator;
  dropInvalid: boolean;
  sample?: Sampler;
  sinks: Sink[];
  plugins: CanonPlugin[];
  handleExit: boolean;
  includeStack: boolean;
  limits: Limits;
  audit: ResolvedAudit;
}

const KNOWN = new Set([
  'service',
  'version',
  'fields',
  'redact',
  'schema',
  'onInvalid',
  'sample',
  'sinks',
  'plugins',
  'handleExit',
  'includeStack',
  'limits',
  'audit',
  'pretty',
]);

function optionalString(value: unknown, option: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '')
    throw invalidOption(option, `expected a non-empty string, got ${describe(value)}`);
  return value;
}

function checkPlugins(plugins: unknown): CanonPlugin[] {
  if (!Array.isArray(plugins)) throw invalidOption('plugins', `expected an array, got ${describe(plugins)}`);
  plugins.forEach((plugin, i) => {
    if (!isPlainObject(plugin) && (plugin === null || typeof plugin !== 'object')) {
      throw invalidOption(
        `plugins[${i}]`,
        `expected { name, ids?, onStart?, onFinalize? }, got ${describe(plugin)}`,
      );
    }
    const p = plugin as CanonPlugin;
    if (typeof p.name !== 'string') throw invalidOption(`plugins[${i}].name`, 'expected a string');
    for (const hook of ['ids', 'onStart', 'onFinalize'] as const) {
      if (p[hook] !== undefined && typeof p[hook] !== 'function') {
        throw invalidOption(`plugins[${i}].${hook}`, 'expected a function');
      }
    }
  });
  return plugins as CanonPlugin[];
}

function checkLimits(limits: unknown): Limits {
  if (limits === undefined) return DEFAULT_LIMITS;
  if (!isPlainObject(limits)) throw invalidOption('limits', `expected an object, got ${describe(limits)}`);
  const out = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(limits)) {
    if (!(key in DEFAULT_LIMITS)) throw invalidOption(`limits.${key}`, 'unknown limit');
    out[key as keyof Limits] = integerOption(value, `limits.${key}`, 1, { min: 1 });
  }
  return out;
}

function envFields(): Fields {
  const fields: Fields = {};
  if (process.env.DEPLOYMENT_ID) fields.deployment_id = process.env.DEPLOYMENT_ID;
  const region = process.env.REGION ?? process.env.AWS_REGION;
  if (region) fields.region = region;
  return fields;
}

/** The default sink: pretty on a terminal outside production (`pretty: 'auto'`), else JSON lines. */
function defaultSink(pretty: CanonConfig['pretty']): Sink {
  const usePretty = pretty === 'auto' || pretty === undefined ? isatty(1) && process.env.NODE_ENV !== 'production' : pretty;
  return usePretty ? prettySink() : stdoutSink();
}

/**
 * The static fields, read once: env fields, then `fields` copied so that every event can
 * copy them again safely (cycles, depth and unreadable values marked, see `copyTree`).
 */
function staticFields(fields: Fields | undefined, maxDepth: number): Fields {
  const copied = fields === undefined ? {} : copyTree(fields, 0, maxDepth);
  if (!isPlainObject(copied)) throw invalidOption('fields', 'the object could not be read (a Proxy whose traps throw?)');
  return { ...envFields(), ...copied };
}

/**
 * Validates `config` and fills in defaults.
 *
 * @example
 * resolveConfig({ service: 'checkout' }).service // 'checkout'
 */
export function resolveConfig(config: CanonConfig = {}): ResolvedConfig {
  const raw: unknown = config;
  if (!isPlainObject(raw)) throw invalidOption('config', `expected an object, got ${describe(raw)}`);
  rejectUnknownOptions(config, KNOWN);
  if (config.fields !== undefined && !isPlainObject(config.fields)) {
    throw invalidOption('fields', `expected a plain object, got ${describe(config.fields)}`);
  }
  const onInvalid = config.onInvalid ?? 'annotate';
  if (onInvalid !== 'annotate' && onInvalid !== 'drop') {
    throw invalidOption('onInvalid', `expected 'annotate' or 'drop', got ${describe(onInvalid)}`);
  }
  const pretty: unknown = config.pretty;
  if (pretty !== undefined && pretty !== 'auto' && typeof pretty !== 'boolean') {
    throw invalidOption('pretty', `expected 'auto', true or false, got ${describe(pretty)}`);
  }
  const handleExit = booleanOption(config.handleExit, 'handleExit', true);
  const includeStack = booleanOption(config.includeStack, 'includeStack', false);
  if (config.sample !== undefined && typeof config.sample !== 'function' && !isPlainObject(config.sample)) {
    throw invalidOption('sample', `expected a function or { rate, keep }, got ${describe(config.sample)}`);
  }
  const limits = checkLimits(config.limits);
  return {
    service:
      optionalString(config.service, 'service') ??
      process.env.SERVICE_NAME ??
      process.env.OTEL_SERVICE_NAME ??
      'unknown',
    version: optionalString(config.version, 'version') ?? process.env.SERVICE_VERSION,
    host: hostname(),
    staticFields: staticFields(config.fields, limits.depth),
    redact: createRedactor(config.redact),
    validate: createValidator(config.schema),
    dropInvalid: onInvalid === 'drop',
    sample: createSampler(config.sample),
    sinks: config.sinks === undefined ? [defaultSink(config.pretty)] : checkSinks(config.sinks),
    plugins: config.plugins === undefined ? [] : checkPlugins(config.plugins),
    handleExit,
    includeStack,
    limits,
    audit: resolveAuditConfig(config.audit),
  };
}
