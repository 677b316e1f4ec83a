/**
 * @module canon/events/define
 * `defineEvent`: an event type's name, current version, schema and upcasters. The
 * definition creates nothing by itself (see `createEvent`); it validates and reads.
 *
 * Versioning: bumping `version` means `data` changed shape. Envelopes of older versions
 * (in an outbox, a broker, an event store) are read through `upcast[n]`, a function from
 * version-n data to version-n+1 data, applied step by step up to the current version.
 * A version newer than the definition is refused: that consumer must be upgraded first.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { CanonError, describe, ErrorCodes, invalidOption } from '../core/errors.js';
import { assertEnvelope, type EventEnvelope } from './envelope.js';
import { validateAsync, validateSync } from './schema.js';
import { integerOption } from '../core/option-checks.js';

/** `<entity>.<past-tense-verb>`: lowercase segments separated by dots. */
export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/** Turns version-n data into version-n+1 data. */
export type Upcaster = (data: any) => unknown;

export interface DefineEventOptions<S extends StandardSchemaV1 | undefined> {
  /** Current version of `data` (positive integer, default 1). */
  version?: number;
  /** Any Standard Schema v1 for `data` (zod 4, valibot, arktype), sync or async. */
  schema?: S;
  /** One line for the event catalog. */
  description?: string;
  /** `{ 1: (v1) => v2, 2: (v2) => v3 }`: keys below `version`. */
  upcast?: Record<number, Upcaster>;
}

type OutputOf<S> = S extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<S> : unknown;
type InputOf<S> = S extends StandardSchemaV1 ? StandardSchemaV1.InferInput<S> : unknown;

export interface EventDefinition<Type extends string = string, Data = unknown, Input = Data> {
  readonly type: Type;
  readonly version: number;
  readonly schema?: StandardSchemaV1;
  readonly description?: string;
  readonly upcast: Readonly<Record<number, Upcaster>>;
  /** Type-only: what `createEvent` accepts as data. */
  readonly '~input'?: Input;
  /**
   * Returns the envelope at the current version (upcast step by step when older) with
   * its data validated. Throws `CANON_EVENT_VERSION` for a newer or uncovered version,
   * `CANON_INVALID_EVENT` for a wrong type or invalid data, `CANON_ASYNC_SCHEMA` for an
   * async schema (use `readAsync`).
   */
  read(envelope: EventEnvelope): EventEnvelope<Data, Type>;
  /** {@link EventDefinition.read} for sync or async schemas. */
  readAsync(envelope: EventEnvelope): Promise<EventEnvelope<Data, Type>>;
  /** True when `value` is an envelope of this type (any version). */
  is(value: unknown): value is EventEnvelope<unknown, Type>;
}

function checkUpcast(upcast: unknown, version: number): Record<number, Upcaster> {
  if (upcast === undefined) return {};
  if (upcast === null || typeof upcast !== 'object') {
    throw invalidOption('upcast', `expected { [version]: (data) => nextData }, got ${describe(upcast)}`);
  }
  for (const [key, fn] of Object.entries(upcast)) {
    const from = Number(key);
    // '1.0', '01', '1e0' are Number 1 but `read` looks up upcast[1] ('1')
    if (String(from) !== key || !Number.isInteger(from) || from < 1 || from >= version) {
      throw invalidOption(
        `upcast.${key}`,
        `upcasters are keyed by a version from 1 to ${version - 1}, written as an integer (1, not '1.0')`,
      );
    }
    if (typeof fn !== 'function')
      throw invalidOption(`upcast.${key}`, `expected a function, got ${describe(fn)}`);
  }
  return { ...(upcast as Record<number, Upcaster>) };
}

/** Upcasts `envelope.data` to `current`; throws when a step is missing or too new. */
function upcastData(
  envelope: EventEnvelope,
  type: string,
  current: number,
  upcast: Record<number, Upcaster>,
) {
  if (envelope.type !== type) {
    throw new CanonError(ErrorCodes.INVALID_EVENT, `canon: cannot read a ${envelope.type} event as ${type}`, {
      type,
      got: envelope.type,
    });
  }
  if (envelope.version > current) {
    throw new CanonError(
      ErrorCodes.EVENT_VERSION,
      `canon: event ${type} ${envelope.id} has version ${envelope.version}, newer than the known version ${current}; upgrade this consumer`,
      { type, version: envelope.version, known: current },
    );
  }
  let data = envelope.data;
  for (let from = envelope.version; from < current; from++) {
    const step = upcast[from];
    if (!step) {
      throw new CanonError(
        ErrorCodes.EVENT_VERSION,
        `canon: event ${type} ${envelope.id} has version ${envelope.version} but no upcaster from v${from} to v${from + 1}`,
        { type, version: envelope.version, known: current, missing: from },
      );
    }
    data = step(data);
  }
  return data;
}

/**
 * Defines an event type. The type must read `<entity>.<past-tense-verb>`
 * (`/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/`), else a `TypeError` naming it is thrown.
 *
 * @example
 * import { z } from 'zod';
 * const OrderPlaced = defineEvent('order.placed', {
 *   version: 2,
 *   description: 'A customer placed an order',
 *   schema: z.object({ order_id: z.string(), total_cents: z.number().int() }),
 *   upcast: { 1: (v1: { order_id: string; total: number }) => ({ order_id: v1.order_id, total_cents: v1.total * 100 }) },
 * });
 * OrderPlaced.read(storedV1Envelope).data.total_cents
 */
export function defineEvent<const Type extends string, S extends StandardSchemaV1 | undefined = undefined>(
  type: Type,
  options: DefineEventOptions<S> = {},
): EventDefinition<Type, OutputOf<S>, InputOf<S>> {
  if (typeof type !== 'string' || !EVENT_TYPE_PATTERN.test(type)) {
    throw invalidOption(
      'type',
      `event type ${describe(type)} must read <entity>.<past-tense-verb> in lowercase (e.g. 'order.placed'), matching ${EVENT_TYPE_PATTERN}`,
    );
  }
  if (options === null || typeof options !== 'object') {
    throw invalidOption(
      'options',
      `expected { version, schema?, description?, upcast? }, got ${describe(options)}`,
    );
  }
  const version = integerOption(options.version, 'version', 1, { min: 1 });
  const schema = options.schema as StandardSchemaV1 | undefined;
  if (schema !== undefined && typeof schema?.['~standard']?.validate !== 'function') {
    throw invalidOption(
      'schema',
      `expected a Standard Schema (zod 4, valibot, arktype...), got ${describe(schema)}`,
    );
  }
  if (options.description !== undefined && typeof options.description !== 'string') {
    throw invalidOption('description', `expected a string, got ${describe(options.description)}`);
  }
  const upcast = checkUpcast(options.upcast, version);
  type Read = EventEnvelope<OutputOf<S>, Type>;

  return {
    type,
    version,
    schema,
    description: options.description,
    upcast,
    read(envelope) {
      assertEnvelope(envelope, 'envelope');
      const data = upcastData(envelope, type, version, upcast);
      return { ...envelope, version, data: validateSync(schema, data, type, version) } as Read;
    },
    async readAsync(envelope) {
      assertEnvelope(envelope, 'envelope');
      const data = upcastData(envelope, type, version, upcast);
      return { ...envelope, version, data: await validateAsync(schema, data, type, version) } as Read;
    },
    is(value): value is EventEnvelope<unknown, Type> {
      return (
        (value as EventEnvelope | null)?.type === type && typeof (value as EventEnvelope).id === 'string'
      );
    },
  };
}
