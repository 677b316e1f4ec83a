/**
 * @module canon/events/create
 * `createEvent` / `createEventAsync`: validate data against the definition and wrap it in
 * an envelope. Mirrors zod's `parse` / `parseAsync`: the sync form is what most code
 * wants and throws `CANON_ASYNC_SCHEMA` if the schema turns out to be async.
 */
import { CanonError, describe, ErrorCodes } from '../core/errors.js';
import { uuidv7 } from '../core/ids.js';
import type { EventDefinition } from './define.js';
import type { EventEnvelope, EventMetadata } from './envelope.js';
import { validateAsync, validateSync } from './schema.js';
import { recordPublished, scopeDefaults } from './scope.js';

export interface CreateEventOptions {
  /** Default: the scope's correlation (see canon/events/scope), else `causedBy`'s, else the event's own id. */
  correlation_id?: string;
  /** Default: `causedBy.id`, else the event the unit in scope handles, else null. */
  causation_id?: string | null;
  /** The event this one reacts to: sets causation and correlation from it. */
  causedBy?: EventEnvelope;
  /** Default: the service of the Canon instance in scope, else env SERVICE_NAME, else 'unknown'. */
  source?: string;
  /** Merged over the defaults (`trace_id` and `tracestate` of the unit in scope, `span_id` the event's own). */
  metadata?: EventMetadata;
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value !== '') return value;
  throw new CanonError(
    ErrorCodes.INVALID_EVENT,
    `canon: \`${field}\` must be a non-empty string, got ${describe(value)}`,
    {
      field,
    },
  );
}

function checkDefinition(def: unknown): asserts def is EventDefinition {
  const d = def as EventDefinition | null;
  if (typeof d?.type !== 'string' || typeof d.read !== 'function') {
    throw new CanonError(
      ErrorCodes.INVALID_EVENT,
      `canon: expected an event definition from defineEvent(), got ${describe(def)}`,
    );
  }
}

function envelope(def: EventDefinition, data: unknown, opts: CreateEventOptions = {}): EventEnvelope {
  const scope = scopeDefaults();
  const id = uuidv7();
  const cause = opts.causedBy;
  const causation =
    opts.causation_id === null
      ? null
      : (optionalString(opts.causation_id, 'causation_id') ?? cause?.id ?? scope.causation_id ?? null);
  const metadata: EventMetadata = {};
  if (scope.trace_id) metadata.trace_id = scope.trace_id;
  if (scope.span_id) metadata.span_id = scope.span_id; // replaced by the event's own span id below
  if (scope.tracestate) metadata.tracestate = scope.tracestate;
  if (opts.metadata !== undefined) {
    if (opts.metadata === null || typeof opts.metadata !== 'object') {
      throw new CanonError(
        ErrorCodes.INVALID_EVENT,
        `canon: \`metadata\` must be an object, got ${describe(opts.metadata)}`,
      );
    }
    Object.assign(metadata, opts.metadata);
  }
  const event: EventEnvelope = {
    id,
    type: def.type,
    version: def.version,
    timestamp: new Date().toISOString(),
    source: optionalString(opts.source, 'source') ?? scope.service ?? process.env.SERVICE_NAME ?? 'unknown',
    correlation_id:
      optionalString(opts.correlation_id, 'correlation_id') ??
      cause?.correlation_id ??
      scope.correlation_id ??
      id,
    causation_id: causation,
    data,
    metadata,
  };
  // the event's producer span, unless the caller placed the event in a trace of its own
  const ownTrace = opts.metadata?.trace_id === undefined && opts.metadata?.span_id === undefined;
  const spanId = recordPublished(event, scope.span_id !== undefined && ownTrace);
  if (spanId !== undefined) metadata.span_id = spanId;
  return event;
}

/**
 * Validates `data` (sync schemas) and returns a new envelope. Throws `CANON_INVALID_EVENT`
 * listing every issue's path, `CANON_ASYNC_SCHEMA` for an async schema.
 *
 * @example
 * app.post('/orders', async (req, res) => {
 *   const event = createEvent(OrderPlaced, { order_id: 'o_1', total_cents: 4200 });
 *   // event.correlation_id === req.canon.request_id; req.canon lists it in events_published
 * });
 */
export function createEvent<Type extends string, Data, Input>(
  def: EventDefinition<Type, Data, Input>,
  data: Input,
  opts?: CreateEventOptions,
): EventEnvelope<Data, Type> {
  checkDefinition(def);
  const value = validateSync(def.schema, data, def.type, def.version);
  return envelope(def, value, opts) as EventEnvelope<Data, Type>;
}

/**
 * {@link createEvent} for schemas with async refinements (also works with sync ones).
 *
 * @example
 * const event = await createEventAsync(UserRegistered, { email }); // schema checks the email is unused
 */
export async function createEventAsync<Type extends string, Data, Input>(
  def: EventDefinition<Type, Data, Input>,
  data: Input,
  opts?: CreateEventOptions,
): Promise<EventEnvelope<Data, Type>> {
  checkDefinition(def);
  const value = await validateAsync(def.schema, data, def.type, def.version);
  return envelope(def, value, opts) as EventEnvelope<Data, Type>;
}
