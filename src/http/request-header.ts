/**
 * @module canon/http/request-header
 * A request header of a unit, for plugins (`canon/enrichers`): the HTTP adapters keep
 * the request's headers on the unit (node's `req.headers`, or a fetch `Headers`).
 */
import type { WideEvent } from '../core/event.js';

/**
 * The value of header `name` of the unit's request (repeated headers joined with `, `),
 * or undefined when absent or when the unit is not a request.
 *
 * @example
 * const plugin = { name: 'tenant-header', onStart: (unit: WideEvent) => unit.set('tenant', requestHeader(unit, 'x-tenant')) };
 */
export function requestHeader(unit: WideEvent, name: string): string | undefined {
  const headers = unit.requestHeaders;
  if (headers === undefined) return undefined;
  const key = name.toLowerCase();
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(key) ?? undefined;
  const value = (headers as Readonly<Record<string, string | string[] | undefined>>)[key];
  return Array.isArray(value) ? value.join(', ') : value;
}
