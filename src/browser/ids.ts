/**
 * @module canon/browser/ids
 * Random W3C trace ids, span ids and request ids in the browser (`crypto.getRandomValues`,
 * which, unlike `crypto.randomUUID`, also works on pages that are not a secure context).
 */

/**
 * @internal `bytes` random bytes as lowercase hex, never all zeros (W3C forbids it).
 *
 * @example
 * randomHex(16) // a trace id: '4bf92f3577b34da6a3ce929d0e0e4736'
 */
export function randomHex(bytes: number): string {
  let hex = '';
  for (const byte of crypto.getRandomValues(new Uint8Array(bytes))) hex += (byte < 16 ? '0' : '') + byte.toString(16);
  return /^0+$/.test(hex) ? randomHex(bytes) : hex;
}

/**
 * @internal A random (version 4) UUID, the request id the page sends as `x-request-id`.
 *
 * @example
 * uuid() // '3b241101-e2bb-4255-8caf-4136c566a962'
 */
export function uuid(): string {
  const h = randomHex(16);
  const variant = ((parseInt(h[16]!, 16) & 3) | 8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20)}`;
}

/** @internal A `traceparent` value split: `[trace id, parent id, flags]`, or undefined. */
export function parseTraceparent(value: string | null | undefined): [string, string, string] | undefined {
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec((value ?? '').trim());
  return match && !/^0+$/.test(match[1]!) && !/^0+$/.test(match[2]!) ? [match[1]!, match[2]!, match[3]!] : undefined;
}
