/**
 * @module canon/webhooks/guarded-lookup
 * The DNS half of the SSRF guard: the `lookup` the delivery agent connects with. It
 * resolves the host, refuses it when any address is blocked (./ssrf), and hands the
 * very addresses it checked to the socket, so a DNS answer that changes between check
 * and connect (DNS rebinding) cannot slip through: what was checked is what is dialled.
 */
import { type LookupAddress, type LookupOptions, lookup } from 'node:dns';
import { blockedReason, ssrfError } from './ssrf.js';

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `net.connect` `lookup` that refuses blocked addresses.
 *
 * @example
 * new Agent({ connect: { lookup: guardedLookup } })
 */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    for (const { address } of addresses) {
      const why = blockedReason(address);
      if (why)
        return callback(
          ssrfError(hostname, `${hostname} resolves to ${address}, ${why}`) as NodeJS.ErrnoException,
          [],
        );
    }
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
}
