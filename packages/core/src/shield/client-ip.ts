import {
  type Cidr,
  cidrContains,
  formatIp,
  groupIp,
  type IpAddress,
  parseCidr,
  parseIpLoose,
  unmapIpv4,
} from '../internal/ip.js';
import type { HeaderReader } from '../protect/types.js';
import { extractNodeAddress, parseForwardedHeader } from './forwarded.js';

/**
 * Platforms whose proxies jaf-sec knows:
 * - `cloudflare`: peer in Cloudflare's published ranges (snapshot; pass the current list as
 *   CIDRs to refresh), client from `CF-Connecting-IP`.
 * - `vercel`: client from `X-Real-IP`, which Vercel's edge overwrites; any peer is trusted,
 *   so use it only when the app is reachable solely through Vercel.
 * - `fly`: client from `Fly-Client-IP`; any peer trusted (Fly's proxy is the only way in).
 * - `aws-alb`: peer in private VPC ranges, client from the right of `X-Forwarded-For`.
 * - `loopback`: a reverse proxy on the same host (127.0.0.0/8, ::1).
 * - `private`: proxies on private networks (RFC 1918, RFC 4193, loopback).
 */
export type TrustedProxyPreset =
  | 'cloudflare'
  | 'vercel'
  | 'fly'
  | 'aws-alb'
  | 'loopback'
  | 'private';

/** Options of {@link createClientIpResolver} and {@link clientIp}. */
export interface ClientIpOptions {
  /**
   * Who may tell us the client's address. CIDR strings (`'10.0.0.0/8'`) and preset names
   * mixed in one array, or a hop count: `1` trusts the immediate peer whatever its
   * address, `2` also the proxy before it, and so on. Default: nobody, the socket address
   * is the client.
   */
  readonly trustedProxies?: readonly (string | TrustedProxyPreset)[] | number | undefined;
  /**
   * The one header your proxy writes: `x-forwarded-for` (default), `forwarded` (RFC 7239),
   * or a single-address header such as `x-real-ip`. Reading several would let a client
   * spoof the one your proxy passes through untouched. Presets set their own.
   */
  readonly header?: string | undefined;
  /** IPv6 clients are keyed by this prefix. Default 64 (one subscriber's network). */
  readonly ipv6Prefix?: number | undefined;
  /** IPv4 clients are keyed by this prefix. Default 32. */
  readonly ipv4Prefix?: number | undefined;
}

/** Where the client address came from. */
export type ClientIpSource = 'peer' | 'header';

/** The client as jaf-sec sees it. */
export interface ClientIpInfo {
  /** Canonical address (IPv4-mapped shown as IPv4, no zone). */
  readonly ip: string;
  /** Grouping key: the address, or its network for IPv6 (`2001:db8:1:2::/64`). */
  readonly key: string;
  readonly address: IpAddress;
  readonly source: ClientIpSource;
}

/** The part of a request the resolver reads; `SecurityRequest` satisfies it. */
export interface ClientIpRequest {
  readonly ip?: string | undefined;
  readonly headers: HeaderReader;
}

// Cloudflare's published ranges (https://www.cloudflare.com/ips/), snapshot of 2026.
const CLOUDFLARE = [
  '173.245.48.0/20',
  '103.21.244.0/22',
  '103.22.200.0/22',
  '103.31.4.0/22',
  '141.101.64.0/18',
  '108.162.192.0/18',
  '190.93.240.0/20',
  '188.114.96.0/20',
  '197.234.240.0/22',
  '198.41.128.0/17',
  '162.158.0.0/15',
  '104.16.0.0/13',
  '104.24.0.0/14',
  '172.64.0.0/13',
  '131.0.72.0/22',
  '2400:cb00::/32',
  '2606:4700::/32',
  '2803:f800::/32',
  '2405:b500::/32',
  '2405:8100::/32',
  '2a06:98c0::/29',
  '2c0f:f248::/32',
];
const LOOPBACK = ['127.0.0.0/8', '::1/128'];
const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7', ...LOOPBACK];

interface PresetSpec {
  readonly cidrs?: readonly string[];
  readonly anyPeer?: boolean;
  readonly header: string;
}

const PRESETS: Readonly<Record<TrustedProxyPreset, PresetSpec>> = {
  cloudflare: { cidrs: CLOUDFLARE, header: 'cf-connecting-ip' },
  vercel: { anyPeer: true, header: 'x-real-ip' },
  fly: { anyPeer: true, header: 'fly-client-ip' },
  'aws-alb': { cidrs: PRIVATE, header: 'x-forwarded-for' },
  loopback: { cidrs: LOOPBACK, header: 'x-forwarded-for' },
  private: { cidrs: PRIVATE, header: 'x-forwarded-for' },
};

// Entries read from a forwarding list at most: the right end is what trusted proxies
// wrote, so a client padding the header with thousands of entries gains nothing.
const MAX_HOPS = 32;

/** A configured resolver: precompiled ranges, per-request work only. */
export type ClientIpResolver = (request: ClientIpRequest) => ClientIpInfo | undefined;

/**
 * Builds a resolver of the client address that believes forwarding headers only when
 * the immediate peer is a trusted proxy, walking the list from the right and stopping at
 * the first address that is not a trusted proxy. A spoofed header from an untrusted peer
 * changes nothing.
 *
 * @returns a resolver giving {@link ClientIpInfo}, or undefined when the request has no
 * usable address at all.
 * @throws TypeError at construction for an invalid CIDR, unknown preset, bad hop count,
 * or presets that disagree on the header.
 * @example
 * ```ts
 * const resolve = createClientIpResolver({ trustedProxies: ['cloudflare'] });
 * resolve(request)?.key; // '203.0.113.7' or '2001:db8:1:2::/64'
 * ```
 */
export function createClientIpResolver(options: ClientIpOptions = {}): ClientIpResolver {
  const trusted = options.trustedProxies ?? [];
  const ranges: Cidr[] = [];
  let anyPeer = false;
  let hops = 0;
  let presetHeader: string | undefined;
  if (typeof trusted === 'number') {
    if (!Number.isInteger(trusted) || trusted < 0 || trusted > MAX_HOPS) {
      throw new TypeError(
        `clientIp: trustedProxies as a hop count must be an integer 0-${MAX_HOPS}.`,
      );
    }
    hops = trusted;
  } else if (Array.isArray(trusted)) {
    for (const entry of trusted) {
      const preset = PRESETS[entry as TrustedProxyPreset];
      if (preset && Object.hasOwn(PRESETS, entry)) {
        if (presetHeader !== undefined && presetHeader !== preset.header && !options.header) {
          throw new TypeError(
            `clientIp: presets disagree on the header (${presetHeader} vs ${preset.header}); set options.header to the one your outermost proxy writes.`,
          );
        }
        presetHeader = preset.header;
        if (preset.anyPeer) anyPeer = true;
        for (const c of preset.cidrs ?? []) ranges.push((parseCidr(c) as { value: Cidr }).value);
        continue;
      }
      const parsed = parseCidr(entry);
      if (!parsed.ok) {
        throw new TypeError(
          `clientIp: trusted proxy "${String(entry)}" is neither a CIDR (e.g. 10.0.0.0/8, with host bits zero) nor a preset (${Object.keys(PRESETS).join(', ')}).`,
        );
      }
      ranges.push(parsed.value);
    }
  } else {
    throw new TypeError(
      'clientIp: trustedProxies must be an array of CIDRs/presets or a hop count.',
    );
  }
  const header = (options.header ?? presetHeader ?? 'x-forwarded-for').toLowerCase();
  const mode =
    header === 'x-forwarded-for' ? 'list' : header === 'forwarded' ? 'forwarded' : 'single';
  const group = { ipv4Prefix: options.ipv4Prefix ?? 32, ipv6Prefix: options.ipv6Prefix ?? 64 };
  if (
    !Number.isInteger(group.ipv4Prefix) ||
    group.ipv4Prefix < 0 ||
    group.ipv4Prefix > 32 ||
    !Number.isInteger(group.ipv6Prefix) ||
    group.ipv6Prefix < 0 ||
    group.ipv6Prefix > 128
  ) {
    throw new TypeError('clientIp: ipv4Prefix must be 0-32 and ipv6Prefix 0-128.');
  }
  const trustsAnything = hops > 0 || anyPeer || ranges.length > 0;

  const isTrusted = (ip: IpAddress): boolean => {
    for (let i = 0; i < ranges.length; i++) if (cidrContains(ranges[i]!, ip)) return true;
    return false;
  };

  const info = (address: IpAddress, source: ClientIpSource): ClientIpInfo => {
    const plain = unmapIpv4(address);
    const bare: IpAddress = { version: plain.version, bytes: plain.bytes };
    return { ip: formatIp(bare), key: groupIp(bare, group), address: bare, source };
  };

  /** Forwarded addresses, nearest-to-client first; strings that are not IPs stay as undefined. */
  const readChain = (value: string): (IpAddress | undefined)[] | undefined => {
    if (mode === 'forwarded') {
      const parsed = parseForwardedHeader(value, 256);
      if (!parsed.ok) return undefined;
      const list = parsed.value.slice(-MAX_HOPS);
      return list.map((el) => {
        const node = el.for;
        const addr = node === undefined ? undefined : extractNodeAddress(node);
        return addr === undefined ? undefined : parseIpLoose(addr);
      });
    }
    const out: (IpAddress | undefined)[] = [];
    let end = value.length;
    while (end > 0 && out.length < MAX_HOPS) {
      const comma = value.lastIndexOf(',', end - 1);
      const raw = value.slice(comma + 1, end).trim();
      const addr = extractNodeAddress(raw);
      out.push(addr === undefined ? undefined : parseIpLoose(addr));
      end = comma === -1 ? 0 : comma;
    }
    return out.reverse();
  };

  return function resolveClientIp(request: ClientIpRequest): ClientIpInfo | undefined {
    const peer = typeof request.ip === 'string' ? parseIpLoose(request.ip) : undefined;
    if (!trustsAnything) return peer ? info(peer, 'peer') : undefined;
    const peerTrusted = hops > 0 || anyPeer || (peer !== undefined && isTrusted(peer));
    if (!peerTrusted) return peer ? info(peer, 'peer') : undefined;
    const value = request.headers.get(header);
    if (value === null || value === '') return peer ? info(peer, 'peer') : undefined;
    if (mode === 'single') {
      const addr = parseIpLoose(value.trim());
      return addr ? info(addr, 'header') : peer ? info(peer, 'peer') : undefined;
    }
    const chain = readChain(value);
    if (!chain || chain.length === 0) return peer ? info(peer, 'peer') : undefined;
    if (hops > 0) {
      // The peer is hop 1; each further trusted hop is one more entry from the right.
      const index = Math.max(0, chain.length - hops);
      const addr = chain[index];
      return addr ? info(addr, 'header') : peer ? info(peer, 'peer') : undefined;
    }
    // Walk from the right past trusted proxies; the first other address is the client.
    let nearest: IpAddress | undefined = peer;
    let nearestSource: ClientIpSource = 'peer';
    for (let i = chain.length - 1; i >= 0; i--) {
      const addr = chain[i];
      if (addr === undefined) break; // garbage a trusted proxy would not write: stop here
      if (anyPeer && ranges.length === 0) return info(addr, 'header');
      if (!isTrusted(addr)) return info(addr, 'header');
      nearest = addr;
      nearestSource = 'header';
    }
    return nearest ? info(nearest, nearestSource) : undefined;
  };
}

/**
 * The client address of one request, believing forwarding headers only from trusted
 * proxies. For many requests build the resolver once with {@link createClientIpResolver}.
 *
 * @returns the canonical address, or undefined when the request carries none.
 * @example
 * ```ts
 * clientIp(request, { trustedProxies: ['10.0.0.0/8'] }); // '203.0.113.7'
 * ```
 */
export function clientIp(
  request: ClientIpRequest,
  options: ClientIpOptions = {},
): string | undefined {
  return createClientIpResolver(options)(request)?.ip;
}
