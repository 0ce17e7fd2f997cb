import { hmac } from '#hash';
import { encodeBase64Url } from '../internal/bytes.js';
import { formatIp, groupIp, parseIpLoose, unmapIpv4 } from '../internal/ip.js';

/**
 * Cuts a client address to its network: IPv4 to /24, IPv6 to /48 (IPv4-mapped IPv6 is
 * treated as IPv4), so logs still show where abuse comes from without naming a person's
 * device. Text that is not an address becomes `invalid`.
 *
 * @example
 * ```ts
 * truncateClientAddress('203.0.113.77'); // '203.0.113.0/24'
 * truncateClientAddress('2001:db8:1:2::9'); // '2001:db8:1::/48'
 * ```
 */
export function truncateClientAddress(address: string): string {
  const ip = parseIpLoose(address);
  if (!ip) return 'invalid';
  return groupIp(ip, { ipv4Prefix: 24, ipv6Prefix: 48 });
}

/**
 * A keyed pseudonym for client addresses (HMAC-SHA-256 under your secret, not a bare
 * hash: IPv4 has only 2^32 values and a bare hash is reversed by trying them all). The same
 * address always gives the same pseudonym under one key, so repeated abuse still stands
 * out.
 *
 * @param key - At least 32 random bytes, kept secret (e.g. from `jaf-sec keygen`).
 * @returns A function for `createAuditLog({ clientAddress })`.
 * @throws TypeError when the key is shorter than 32 bytes.
 * @example
 * ```ts
 * const audit = createAuditLog({ sink, clientAddress: createClientAddressPseudonymizer(key) });
 * ```
 */
export function createClientAddressPseudonymizer(key: Uint8Array): (address: string) => string {
  if (!(key instanceof Uint8Array) || key.length < 32) {
    throw new TypeError(
      'createClientAddressPseudonymizer: pass a secret key of at least 32 random bytes (generate one with `jaf-sec keygen`).',
    );
  }
  const secret = key.slice();
  return (address) => {
    const ip = parseIpLoose(address);
    // Canonical text first, so '::ffff:1.2.3.4' and '1.2.3.4' share a pseudonym.
    const plain = ip ? unmapIpv4(ip) : undefined;
    const text = plain ? formatIp({ version: plain.version, bytes: plain.bytes }) : address;
    return `anon:${encodeBase64Url(hmac('sha256', secret, text).subarray(0, 12))}`;
  };
}
