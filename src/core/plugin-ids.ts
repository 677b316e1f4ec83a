/**
 * @module canon/core/plugin-ids
 * Lets plugins supply a unit's trace ids before its event is built (the OpenTelemetry
 * bridge gives the active span's ids, so the event and the span describe one unit).
 * The first plugin that returns valid ids wins; invalid ids and throwing plugins are
 * ignored, so a plugin can never corrupt `trace_id` / `span_id`. An invalid `traceState`
 * is dropped (the ids stay).
 */
import type { CanonPlugin, UnitIds, UnitStart } from './config.js';
import { SPAN_ID_PATTERN, TRACE_FLAGS_PATTERN, TRACE_ID_PATTERN } from './ids.js';
import { parseTracestate } from './tracestate.js';

function isValid(ids: UnitIds): boolean {
  return (
    TRACE_ID_PATTERN.test(ids.traceId) &&
    SPAN_ID_PATTERN.test(ids.spanId) &&
    (ids.parentSpanId === undefined || SPAN_ID_PATTERN.test(ids.parentSpanId)) &&
    (ids.traceFlags === undefined || TRACE_FLAGS_PATTERN.test(ids.traceFlags))
  );
}

/**
 * A function asking the plugins for a unit's ids, or undefined when no plugin has an
 * `ids` hook (so units cost nothing extra).
 *
 * @example
 * const idsFor = createIdResolver(resolved.plugins);
 * const ids = idsFor?.({ kind: 'http', traceId, parentSpanId });
 */
export function createIdResolver(
  plugins: CanonPlugin[],
): ((init: UnitStart) => UnitIds | undefined) | undefined {
  const providers = plugins.filter((plugin) => plugin.ids);
  if (providers.length === 0) return undefined;
  return function idsFromPlugins(init) {
    for (const plugin of providers) {
      try {
        const ids = plugin.ids!(init);
        if (ids && isValid(ids)) {
          if (ids.traceState === undefined) return ids;
          return { ...ids, traceState: parseTracestate(ids.traceState) };
        }
      } catch {
        // a plugin must not break the unit
      }
    }
    return undefined;
  };
}
