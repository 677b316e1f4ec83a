/**
 * @module canon/enrichers/define
 * `defineEnricher(name, fn)`: a plugin that adds fields to every unit when it starts,
 * from the unit and its request headers. An enricher that throws is counted, reported on
 * `diagnostics_channel` `canon:enricher-error` and skipped: the unit and its event go on.
 */
import diagnostics_channel from 'node:diagnostics_channel';
import type { CanonPlugin } from '../core/config.js';
import { publish } from '../core/diagnostics.js';
import { describe, invalidOption } from '../core/errors.js';
import type { WideEvent } from '../core/event.js';
import { type Fields, isPlainObject } from '../core/paths.js';
import { requestHeader } from '../http/request-header.js';

/** `{ enricher, request_id, error }` when an enricher throws. */
export const enricherErrorChannel = diagnostics_channel.channel('canon:enricher-error');

/** What an enricher learns about the unit besides its handle. */
export interface EnricherContext {
  /** The unit's kind (`'http'`, `'message'`, `'job'`, ...). */
  readonly kind: string;
  /** A header of the unit's request (HTTP units; repeated headers joined with `, `), else undefined. */
  header(name: string): string | undefined;
}

/**
 * Called synchronously when a unit starts; returns fields to deep-merge into its event
 * (or writes them on `event` itself), or nothing.
 */
export type EnrichFn = (event: WideEvent, context: EnricherContext) => Fields | undefined | void;

/** A plugin for `createCanon({ plugins })`, with its error count. */
export interface Enricher extends CanonPlugin {
  /** `errors`: calls that threw (and were skipped). */
  stats(): { errors: number };
}

class Context implements EnricherContext {
  constructor(private readonly unit: WideEvent) {}
  get kind(): string {
    return String(this.unit.fields.kind);
  }
  header(name: string): string | undefined {
    return requestHeader(this.unit, name);
  }
}

/**
 * Defines an enricher. `fn` runs when each unit starts, before your code: what it returns
 * is merged into the event (redacted and validated like anything else you set).
 *
 * @example
 * import { createCanon } from 'canon';
 * import { defineEnricher } from 'canon/enrichers';
 * const tenantTier = defineEnricher('tenant-tier', (_event, ctx) => {
 *   const tier = ctx.header('x-tenant-tier');
 *   return tier ? { tenant: { tier } } : undefined;
 * });
 * const canon = createCanon({ plugins: [tenantTier] });
 */
export function defineEnricher(name: string, fn: EnrichFn): Enricher {
  if (typeof name !== 'string' || name === '') {
    throw invalidOption('defineEnricher(name)', `expected a non-empty string, got ${describe(name)}`);
  }
  if (typeof fn !== 'function') throw invalidOption('defineEnricher(fn)', `expected a function, got ${describe(fn)}`);
  let errors = 0;
  return {
    name,
    onStart(unit) {
      try {
        const fields = fn(unit, new Context(unit));
        if (isPlainObject(fields)) unit.enrich(fields);
      } catch (error) {
        errors++;
        publish(enricherErrorChannel, () => ({ enricher: name, request_id: unit.request_id, error }));
      }
    },
    stats: () => ({ errors }),
  };
}
