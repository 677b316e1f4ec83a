/**
 * @module canon/pino
 * Bridges an existing pino logger to Canon's context: pass `canonMixin()` as pino's
 * `mixin` option and every line written inside a unit of work (a request, a message, a
 * `canon.run` job) carries its `request_id`, `trace_id` and `span_id`, with no change to
 * the code that logs. Outside a unit nothing is added. Does not load pino itself.
 *
 * @example
 * import pino from 'pino';
 * import { canonMixin } from 'canon/pino';
 * const logger = pino({ mixin: canonMixin() });
 */
import { storage } from '../../core/context.js';
import { describe, invalidOption } from '../../core/errors.js';

/** The fields `canonMixin()` adds to a pino line inside a unit of work. */
export interface CanonMixinFields {
  request_id?: string;
  trace_id?: string;
  span_id?: string;
}

/** pino calls the mixin with the line's merge object and level; it returns fields to add. */
export type PinoMixin = (mergeObject: object, level: number, logger: unknown) => object;

/**
 * A pino `mixin` adding the ids of the unit in scope. To keep a mixin of your own, pass it:
 * its fields are added after Canon's.
 *
 * @example
 * import pino from 'pino';
 * import { canonMixin } from 'canon/pino';
 *
 * const logger = pino({ mixin: canonMixin() });
 * app.get('/orders/:id', (req, res) => {
 *   logger.info('loading order'); // {"level":30,...,"request_id":"…","trace_id":"…","span_id":"…","msg":"loading order"}
 *   res.json({});
 * });
 *
 * // with a mixin of your own
 * pino({ mixin: canonMixin(() => ({ region: process.env.REGION })) });
 */
export function canonMixin(mixin?: PinoMixin): PinoMixin {
  if (mixin !== undefined && typeof mixin !== 'function') {
    throw invalidOption('canonMixin(mixin)', `expected a function, got ${describe(mixin)}`);
  }
  return function canonPinoMixin(mergeObject, level, logger): object {
    // a fresh object on every call: pino's default merge strategy assigns the line's fields into it
    const unit = storage.getStore();
    const ids: CanonMixinFields =
      unit === undefined
        ? {}
        : { request_id: unit.request_id, trace_id: unit.trace_id, span_id: unit.span_id };
    return mixin === undefined ? ids : Object.assign(ids, mixin(mergeObject, level, logger));
  };
}
