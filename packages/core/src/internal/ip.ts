// IP addresses and CIDR ranges, parsed by hand-written scanners (no regex, linear time).
//
// Strict on purpose: one address has exactly one accepted spelling family. IPv4 is four
// decimal octets without leading zeros ("010.0.0.1" is rejected, since some stacks read it
// as octal); IPv6 follows RFC 4291 section 2.2 (hex groups of 1-4 digits, one "::", an
// embedded dotted IPv4 tail) plus an RFC 4007 zone ("fe80::1%eth0"). Anything else, such
// as brackets, ports, whitespace or "0x" forms, is not an address here; callers that read
// "[::1]:443" strip the decoration first.

import { fail, ok, type Result } from './result.js';

/** A parsed address: 4 bytes for IPv4, 16 for IPv6 (network order). */
export interface IpAddress {
  readonly version: 4 | 6;
  readonly bytes: Uint8Array;
  /** IPv6 zone (scope) id, e.g. `eth0` in `fe80::1%eth0`. */
  readonly zone?: string | undefined;
}

/** A parsed CIDR range: the network bytes (host bits zero) and the prefix length. */
export interface Cidr {
  readonly version: 4 | 6;
  readonly bytes: Uint8Array;
  readonly prefix: number;
}

/** `IP_INVALID`: not a strict IPv4/IPv6 literal. `CIDR_INVALID`: not `address/prefix` with host bits zero. */
export type IpErrorCode = 'IP_INVALID' | 'CIDR_INVALID';

const ZERO = 48;
const NINE = 57;
const DOT = 46;
const COLON = 58;
const PERCENT = 37;
const SLASH = 47;

function hexValue(c: number): number {
  if (c >= ZERO && c <= NINE) return c - ZERO;
  if (c >= 97 && c <= 102) return c - 87; // a-f
  if (c >= 65 && c <= 70) return c - 55; // A-F
  return -1;
}

/**
 * Parses a dotted IPv4 literal in `text[start, end)` into `out[offset..offset+4)`.
 * Returns false (leaving `out` partly written) when it is not a strict literal.
 */
export function parseIpv4Into(
  text: string,
  start: number,
  end: number,
  out: Uint8Array,
  offset: number,
): boolean {
  let i = start;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (i >= end || text.charCodeAt(i) !== DOT) return false;
      i++;
    }
    const first = i;
    let value = 0;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c < ZERO || c > NINE) break;
      value = value * 10 + (c - ZERO);
      i++;
      if (i - first > 3) return false;
    }
    const digits = i - first;
    if (digits === 0 || value > 255) return false;
    if (digits > 1 && text.charCodeAt(first) === ZERO) return false; // no leading zeros
    out[offset + part] = value;
  }
  return i === end;
}

function isZoneChar(c: number): boolean {
  // Visible ASCII except the characters that delimit addresses in headers and URLs.
  return c > 32 && c < 127 && c !== PERCENT && c !== SLASH && c !== 93 /* ] */ && c !== 44;
}

/** Parses IPv6 `text[start, end)` (no zone) into 16 bytes of `out`. */
function parseIpv6Into(text: string, start: number, end: number, out: Uint8Array): boolean {
  if (end - start < 2) return false;
  const words = [0, 0, 0, 0, 0, 0, 0, 0];
  let count = 0;
  let gap = -1; // index in `words` where "::" stands
  let i = start;
  if (text.charCodeAt(i) === COLON) {
    if (text.charCodeAt(i + 1) !== COLON) return false;
    gap = 0;
    i += 2;
  }
  while (i < end) {
    if (count >= 8) return false;
    const first = i;
    let value = 0;
    while (i < end) {
      const h = hexValue(text.charCodeAt(i));
      if (h < 0) break;
      value = (value << 4) | h;
      i++;
      if (i - first > 4) break;
    }
    if (i < end && text.charCodeAt(i) === DOT) {
      // Dotted IPv4 tail: must be last and fill exactly two words.
      if (count > 6) return false;
      const tail = new Uint8Array(4);
      if (!parseIpv4Into(text, first, end, tail, 0)) return false;
      words[count++] = (tail[0]! << 8) | tail[1]!;
      words[count++] = (tail[2]! << 8) | tail[3]!;
      i = end;
      break;
    }
    const digits = i - first;
    if (digits === 0 || digits > 4) return false;
    words[count++] = value;
    if (i === end) break;
    if (text.charCodeAt(i) !== COLON) return false;
    i++;
    if (i < end && text.charCodeAt(i) === COLON) {
      if (gap !== -1) return false;
      gap = count;
      i++;
    } else if (i === end) {
      return false; // a single trailing colon
    }
  }
  if (gap === -1) {
    if (count !== 8) return false;
  } else {
    if (count > 7) return false; // "::" stands for at least one zero group
    const move = count - gap;
    for (let k = 0; k < move; k++) words[7 - k] = words[count - 1 - k]!;
    for (let k = gap; k < 8 - move; k++) words[k] = 0;
  }
  for (let k = 0; k < 8; k++) {
    out[2 * k] = words[k]! >>> 8;
    out[2 * k + 1] = words[k]! & 0xff;
  }
  return true;
}

/**
 * Parses an IPv4 or IPv6 literal strictly (see the file comment). Never throws.
 *
 * @param text - e.g. `203.0.113.7`, `2001:db8::1`, `::ffff:192.0.2.1`, `fe80::1%eth0`.
 * @returns the address, or `IP_INVALID`.
 * @example
 * ```ts
 * const r = parseIp('2001:db8::1');
 * if (r.ok) r.value.version; // 6
 * ```
 */
export function parseIp(text: string): Result<IpAddress, 'IP_INVALID'> {
  const parsed = parseIpLoose(text);
  return parsed ? ok(parsed) : fail('IP_INVALID', 'Not an IP address.');
}

/** Like {@link parseIp} but returns undefined instead of a failure (hot paths). */
export function parseIpLoose(text: string): IpAddress | undefined {
  if (typeof text !== 'string') return undefined;
  const n = text.length;
  if (n < 2 || n > 100) return undefined;
  let hasColon = false;
  let zoneAt = -1;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === COLON) hasColon = true;
    else if (c === PERCENT) {
      zoneAt = i;
      break;
    }
  }
  if (!hasColon) {
    if (zoneAt !== -1) return undefined;
    const bytes = new Uint8Array(4);
    return parseIpv4Into(text, 0, n, bytes, 0) ? { version: 4, bytes } : undefined;
  }
  let end = n;
  let zone: string | undefined;
  if (zoneAt !== -1) {
    if (zoneAt === n - 1) return undefined;
    for (let i = zoneAt + 1; i < n; i++) if (!isZoneChar(text.charCodeAt(i))) return undefined;
    zone = text.slice(zoneAt + 1);
    end = zoneAt;
  }
  const bytes = new Uint8Array(16);
  if (!parseIpv6Into(text, 0, end, bytes)) return undefined;
  return zone === undefined ? { version: 6, bytes } : { version: 6, bytes, zone };
}

/** True when `text` is a strict IPv4 or IPv6 literal. */
export function isIp(text: string): boolean {
  return parseIpLoose(text) !== undefined;
}

/** True for an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, RFC 4291 section 2.5.5.2). */
export function isIpv4Mapped(ip: IpAddress): boolean {
  if (ip.version !== 6) return false;
  const b = ip.bytes;
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** The IPv4 address inside an IPv4-mapped IPv6 address, else the address itself. */
export function unmapIpv4(ip: IpAddress): IpAddress {
  return isIpv4Mapped(ip) ? { version: 4, bytes: ip.bytes.slice(12, 16) } : ip;
}

function formatIpv4(b: Uint8Array, offset: number): string {
  return `${b[offset]}.${b[offset + 1]}.${b[offset + 2]}.${b[offset + 3]}`;
}

function formatIpv6(b: Uint8Array): string {
  if (isIpv4Mapped({ version: 6, bytes: b })) return `::ffff:${formatIpv4(b, 12)}`;
  // RFC 5952: lower case, no leading zeros, the longest run (>= 2) of zero groups
  // shortened to "::", the first such run on a tie.
  let bestStart = -1;
  let bestLen = 1;
  let runStart = -1;
  for (let k = 0; k <= 8; k++) {
    const zero = k < 8 && b[2 * k] === 0 && b[2 * k + 1] === 0;
    if (zero) {
      if (runStart === -1) runStart = k;
    } else if (runStart !== -1) {
      if (k - runStart > bestLen) {
        bestStart = runStart;
        bestLen = k - runStart;
      }
      runStart = -1;
    }
  }
  let out = '';
  for (let k = 0; k < 8; k++) {
    if (k === bestStart) {
      out += '::';
      k += bestLen - 1;
      continue;
    }
    if (out !== '' && !out.endsWith(':')) out += ':';
    out += ((b[2 * k]! << 8) | b[2 * k + 1]!).toString(16);
  }
  return out;
}

/**
 * The canonical text of an address: dotted quad for IPv4, RFC 5952 for IPv6 (mapped
 * IPv4 shown as `::ffff:a.b.c.d`), the zone appended after `%`.
 */
export function formatIp(ip: IpAddress): string {
  if (ip.version === 4) return formatIpv4(ip.bytes, 0);
  const text = formatIpv6(ip.bytes);
  return ip.zone === undefined ? text : `${text}%${ip.zone}`;
}

function maskInto(bytes: Uint8Array, prefix: number): Uint8Array {
  const out = bytes.slice();
  for (let i = 0; i < out.length; i++) {
    const bitsLeft = prefix - i * 8;
    if (bitsLeft >= 8) continue;
    out[i] = bitsLeft <= 0 ? 0 : out[i]! & (0xff << (8 - bitsLeft));
  }
  return out;
}

/**
 * Parses `address/prefix` (or a bare address, meaning a single host). Host bits must be
 * zero: `10.0.0.1/8` is rejected, since it usually hides a typo.
 *
 * @returns the range, or `CIDR_INVALID`.
 * @example
 * ```ts
 * const r = parseCidr('2001:db8::/32');
 * if (r.ok) cidrContains(r.value, someIp);
 * ```
 */
export function parseCidr(text: string): Result<Cidr, 'CIDR_INVALID'> {
  const bad = () => fail('CIDR_INVALID', 'Not a CIDR range such as 10.0.0.0/8 or 2001:db8::/32.');
  if (typeof text !== 'string') return bad();
  const slash = text.indexOf('/');
  const ip = parseIpLoose(slash === -1 ? text : text.slice(0, slash));
  if (!ip || ip.zone !== undefined) return bad();
  const max = ip.version === 4 ? 32 : 128;
  let prefix = max;
  if (slash !== -1) {
    const digits = text.slice(slash + 1);
    if (digits.length === 0 || digits.length > 3) return bad();
    prefix = 0;
    for (let i = 0; i < digits.length; i++) {
      const c = digits.charCodeAt(i);
      if (c < ZERO || c > NINE) return bad();
      prefix = prefix * 10 + (c - ZERO);
    }
    if ((digits.length > 1 && digits.charCodeAt(0) === ZERO) || prefix > max) return bad();
  }
  const masked = maskInto(ip.bytes, prefix);
  for (let i = 0; i < masked.length; i++) if (masked[i] !== ip.bytes[i]) return bad();
  return ok({ version: ip.version, bytes: masked, prefix });
}

/**
 * True when `ip` lies in `cidr`. An IPv4-mapped IPv6 address matches IPv4 ranges (a
 * dual-stack socket reports IPv4 peers that way) and an IPv4 address matches ranges
 * written in the mapped form.
 */
export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  let bytes = ip.bytes;
  let prefix = cidr.prefix;
  if (cidr.version !== ip.version) {
    if (cidr.version === 4 && isIpv4Mapped(ip)) bytes = ip.bytes.subarray(12);
    else if (cidr.version === 6 && ip.version === 4) {
      const c = cidr.bytes;
      if (prefix < 96 || !isIpv4Mapped({ version: 6, bytes: c })) return false;
      prefix -= 96;
      const tail = c.subarray(12);
      return prefixEqual(tail, ip.bytes, prefix);
    } else return false;
  }
  return prefixEqual(cidr.bytes, bytes, prefix);
}

function prefixEqual(a: Uint8Array, b: Uint8Array, prefix: number): boolean {
  const full = prefix >>> 3;
  for (let i = 0; i < full; i++) if (a[i] !== b[i]) return false;
  const rest = prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (a[full]! & mask) === (b[full]! & mask);
}

/** Options of {@link groupIp}. */
export interface IpGroupOptions {
  /** Prefix length IPv4 clients are grouped by. Default 32 (each address alone). */
  readonly ipv4Prefix?: number | undefined;
  /** Prefix length IPv6 clients are grouped by. Default 64: one subscriber's LAN. */
  readonly ipv6Prefix?: number | undefined;
}

/**
 * A stable key for the network an address belongs to: IPv4-mapped addresses become IPv4,
 * the zone is dropped, and the address is masked to the configured prefix. A full-length
 * prefix gives the canonical address; a shorter one `network/prefix`.
 *
 * @example
 * ```ts
 * groupIp(parseIpLoose('2001:db8:1:2:aaaa::1')!); // '2001:db8:1:2::/64'
 * ```
 */
export function groupIp(ip: IpAddress, options: IpGroupOptions = {}): string {
  const plain = unmapIpv4(ip);
  const prefix = plain.version === 4 ? (options.ipv4Prefix ?? 32) : (options.ipv6Prefix ?? 64);
  const max = plain.version === 4 ? 32 : 128;
  if (prefix >= max) return formatIp({ version: plain.version, bytes: plain.bytes });
  const masked = maskInto(plain.bytes, prefix);
  const text = plain.version === 4 ? formatIpv4(masked, 0) : formatIpv6(masked);
  return `${text}/${prefix}`;
}
