/**
 * @module canon/webhooks/ssrf
 * The SSRF guard's rules: only `http:`/`https:` URLs, and no address a webhook should
 * never reach from a server: loopback, private (RFC 1918), shared (CGNAT), link-local
 * (where cloud metadata services live: 169.254.169.254), unique-local IPv6 (AWS's
 * fd00:ec2::254), multicast, reserved and documentation ranges, and these IPv4 ranges
 * inside every IPv6 form that embeds an IPv4 address (mapped, translated, NAT64, 6to4;
 * IPv4-compatible, local-use NAT64 and Teredo are refused whole). Hostnames are checked
 * when they are resolved (./guarded-lookup), literal addresses here.
 */
import { BlockList, isIP } from 'node:net';
import { CanonError, ErrorCodes } from '../core/errors.js';

const RANGES: [label: string, family: 'ipv4' | 'ipv6', network: string, prefix: number][] = [
  ['a loopback address', 'ipv4', '127.0.0.0', 8],
  ['a loopback address', 'ipv6', '::1', 128],
  ['a private address', 'ipv4', '10.0.0.0', 8],
  ['a private address', 'ipv4', '172.16.0.0', 12],
  ['a private address', 'ipv4', '192.168.0.0', 16],
  ['a shared (CGNAT) address', 'ipv4', '100.64.0.0', 10],
  ['a link-local address (cloud metadata lives there)', 'ipv4', '169.254.0.0', 16],
  ['a link-local address', 'ipv6', 'fe80::', 10],
  ['a unique-local address', 'ipv6', 'fc00::', 7],
  ['an unspecified address', 'ipv4', '0.0.0.0', 8],
  ['an IPv4-compatible address', 'ipv6', '::', 96],
  ['a reserved address', 'ipv4', '192.0.0.0', 24],
  ['a reserved address', 'ipv4', '192.88.99.0', 24],
  ['a reserved address', 'ipv4', '198.18.0.0', 15],
  ['a reserved address', 'ipv4', '240.0.0.0', 4],
  ['a reserved address', 'ipv6', '100::', 64],
  ['a Teredo address (it embeds IPv4 addresses)', 'ipv6', '2001::', 32],
  ['a local-use NAT64 address (it embeds IPv4 addresses)', 'ipv6', '64:ff9b:1::', 48],
  ['a reserved address', 'ipv6', 'fec0::', 10],
  ['a documentation address', 'ipv4', '192.0.2.0', 24],
  ['a documentation address', 'ipv4', '198.51.100.0', 24],
  ['a documentation address', 'ipv4', '203.0.113.0', 24],
  ['a documentation address', 'ipv6', '2001:db8::', 32],
  ['a multicast address', 'ipv4', '224.0.0.0', 4],
  ['a multicast address', 'ipv6', 'ff00::', 8],
];

/**
 * IPv6 prefixes that carry an IPv4 address: the groups before it and the group it starts
 * at. Each blocked IPv4 range is blocked inside each of them too (IPv4-mapped
 * `::ffff:0:0/96` needs no rule: `BlockList` matches those against the IPv4 rules itself;
 * IPv4-compatible `::/96`, local-use NAT64 `64:ff9b:1::/48` and Teredo `2001::/32` are
 * blocked whole above).
 */
const EMBEDDINGS: [before: number[], at: number][] = [
  [[0x64, 0xff9b, 0, 0, 0, 0], 6], // NAT64, 64:ff9b::/96 (RFC 6052)
  [[0, 0, 0, 0, 0xffff, 0], 6], // IPv4-translated, ::ffff:0:0:0/96 (RFC 2765)
  [[0x2002], 1], // 6to4, 2002::/16 (RFC 3056)
];

/** The IPv6 subnet of IPv4 `network`/`prefix` placed after `before`, at group `at`. */
function embedded(before: number[], at: number, network: string, prefix: number): [string, number] {
  const [a, b, c, d] = network.split('.').map(Number);
  const groups = [...before, (a << 8) | b, (c << 8) | d];
  while (groups.length < 8) groups.push(0);
  return [groups.map((group) => group.toString(16)).join(':'), at * 16 + prefix];
}

// Node's BlockList does the matching: it parses every textual form of an address (hex or
// dotted tails, `::` anywhere, any case) the way the socket will, so no address text is
// parsed here.
const LISTS = new Map<string, BlockList>();
for (const [label, family, network, prefix] of RANGES) {
  let list = LISTS.get(label);
  if (!list) LISTS.set(label, (list = new BlockList()));
  list.addSubnet(network, prefix, family);
  if (family === 'ipv4') {
    for (const [before, at] of EMBEDDINGS) list.addSubnet(...embedded(before, at, network, prefix), 'ipv6');
  }
}

/**
 * Why `ip` must not be reached, or undefined when it may.
 *
 * @example
 * blockedReason('169.254.169.254') // 'a link-local address (cloud metadata lives there)'
 * blockedReason('::ffff:127.0.0.1') // 'a loopback address'
 * blockedReason('93.184.215.14') // undefined
 */
export function blockedReason(ip: string): string | undefined {
  const family = isIP(ip);
  if (family === 0) return 'not an IP address';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const [label, list] of LISTS) if (list.check(ip, type)) return label;
  return undefined;
}

/**
 * A URL as it may appear in messages, logs and events: no user name or password, and the
 * query string (where tokens often travel) shown as `?…`. A bare host name stays as it is.
 *
 * @example
 * displayUrl('https://user:pw@hooks.example.com/in?token=abc') // 'https://hooks.example.com/in?…'
 */
export function displayUrl(url: string): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}${parsed.search ? '?…' : ''}`;
}

/**
 * @internal The SSRF guard's refusal (code `CANON_WEBHOOK_SSRF_BLOCKED`, never retried).
 * The URL is shown without its credentials and query (see {@link displayUrl}).
 */
export function ssrfError(url: string, why: string): CanonError & { retriable: false } {
  const shown = displayUrl(url);
  const error = new CanonError(
    ErrorCodes.WEBHOOK_SSRF_BLOCKED,
    `canon: webhook URL ${shown} refused by the SSRF guard: ${why} (allowPrivateNetworks: true allows private addresses for local development)`,
    { url: shown, reason: why },
  );
  return Object.assign(error, { retriable: false as const });
}

/**
 * Refuses a URL that is not http(s), or whose host is a literal address the guard
 * blocks (unless `allowPrivateNetworks`). Host names are checked when resolved.
 *
 * @example
 * checkUrl(new URL('http://169.254.169.254/latest/meta-data'), false) // throws CANON_WEBHOOK_SSRF_BLOCKED
 */
export function checkUrl(url: URL, allowPrivateNetworks: boolean): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw ssrfError(url.href, `the scheme ${url.protocol} is not http: or https:`);
  }
  if (allowPrivateNetworks) return;
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (isIP(host) === 0) return;
  const why = blockedReason(host);
  if (why) throw ssrfError(url.href, `${host} is ${why}`);
}
