/**
 * @module canon/nats/headers
 * Copying between plain header records and NATS `MsgHdrs`.
 */
import { headers as createHeaders, type MsgHdrs } from 'nats';

/**
 * `MsgHdrs` holding `source`'s entries (minus `omit`) and then `extra`'s.
 *
 * @example
 * toMsgHdrs({ 'ce-type': 'order.placed' })
 */
export function toMsgHdrs(
  extra: Record<string, string>,
  source?: MsgHdrs,
  omit: ReadonlySet<string> = new Set(),
): MsgHdrs {
  const out = createHeaders();
  if (source) {
    for (const [name, values] of source) {
      if (omit.has(name.toLowerCase())) continue;
      for (const value of values) out.append(name, value);
    }
  }
  for (const name in extra) out.set(name, extra[name]);
  return out;
}
