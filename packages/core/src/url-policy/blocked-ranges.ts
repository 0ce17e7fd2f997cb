import { type Cidr, cidrContains, type IpAddress, parseCidr, unmapIpv4 } from '../internal/ip.js';

/** Why an address is not reachable under the default policy. */
export type BlockedAddressKind =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'metadata'
  | 'reserved'
  | 'multicast'
  | 'documentation'
  | 'transition';

// IANA special-purpose registries (IPv4 RFC 6890, IPv6 RFC 6890 / 8190) plus multicast.
const RANGES: ReadonlyArray<readonly [string, BlockedAddressKind]> = [
  // IPv4
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.100.100.200/32', 'metadata'], // Alibaba Cloud metadata (inside CGNAT, named first)
  ['100.64.0.0/10', 'cgnat'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.169.254/32', 'metadata'], // AWS, GCP, Azure, OpenStack... (inside link-local)
  ['169.254.170.2/32', 'metadata'], // ECS task metadata
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'], // IETF protocol assignments (Oracle metadata 192.0.0.192)
  ['192.0.2.0/24', 'documentation'],
  ['192.88.99.0/24', 'transition'], // 6to4 relay anycast
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'reserved'], // benchmarking
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'], // includes 255.255.255.255
  // IPv6 (IPv4-mapped ::ffff:0:0/96 is checked as the IPv4 address inside)
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['::/96', 'transition'], // IPv4-compatible (deprecated)
  ['64:ff9b::/96', 'transition'], // NAT64: reaches any IPv4, private ones included
  ['64:ff9b:1::/48', 'transition'],
  ['100::/64', 'reserved'], // discard
  ['2001::/32', 'transition'], // Teredo
  ['2001:db8::/32', 'documentation'],
  ['2001::/23', 'reserved'],
  ['2002::/16', 'transition'], // 6to4: embeds any IPv4
  ['fd00:ec2::254/128', 'metadata'], // AWS IPv6 metadata (inside ULA)
  ['fc00::/7', 'private'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'private'], // site-local (deprecated)
  ['ff00::/8', 'multicast'],
];

const PARSED: ReadonlyArray<readonly [Cidr, BlockedAddressKind]> = RANGES.map(([text, kind]) => {
  const r = parseCidr(text);
  if (!r.ok) throw new Error(`bad built-in range ${text}`);
  return [r.value, kind] as const;
});

/**
 * The kind of special-purpose range `ip` lies in, or undefined for a public unicast
 * address. An IPv4-mapped IPv6 address is judged as its IPv4 address.
 */
export function blockedKind(ip: IpAddress): BlockedAddressKind | undefined {
  const plain = unmapIpv4(ip);
  for (const [cidr, kind] of PARSED) if (cidrContains(cidr, plain)) return kind;
  return undefined;
}
