import { compileHostList, stripHost } from '../internal/host-list.js';
import {
  type Cidr,
  cidrContains,
  formatIp,
  type IpAddress,
  parseCidr,
  parseIpLoose,
  unmapIpv4,
} from '../internal/ip.js';
import { fail, ok, type Result } from '../internal/result.js';
import { type BlockedAddressKind, blockedKind } from './blocked-ranges.js';

/**
 * Why a URL may not be fetched. Stable.
 *
 * | code | meaning |
 * |---|---|
 * | `URL_INVALID` | not an absolute URL |
 * | `URL_TOO_LONG` | longer than `maxUrlLength` |
 * | `URL_SCHEME_NOT_ALLOWED` | the scheme is not in `schemes` |
 * | `URL_CREDENTIALS_NOT_ALLOWED` | the URL carries a user name or password |
 * | `URL_HOST_NOT_ALLOWED` | the host is not in `hosts`, or is a local name (`localhost`, `*.internal`...) |
 * | `URL_PORT_NOT_ALLOWED` | the port is not in `ports` |
 * | `URL_ADDRESS_BLOCKED` | the host is, or resolves to, a loopback, private, link-local, CGNAT, metadata or other special address |
 * | `URL_ADDRESS_INVALID` | a resolved address is not an IP address |
 * | `URL_NOT_RESOLVED` | the host resolved to no address (or resolution failed) |
 */
export type UrlPolicyErrorCode =
  | 'URL_INVALID'
  | 'URL_TOO_LONG'
  | 'URL_SCHEME_NOT_ALLOWED'
  | 'URL_CREDENTIALS_NOT_ALLOWED'
  | 'URL_HOST_NOT_ALLOWED'
  | 'URL_PORT_NOT_ALLOWED'
  | 'URL_ADDRESS_BLOCKED'
  | 'URL_ADDRESS_INVALID'
  | 'URL_NOT_RESOLVED';

/** Options of {@link createUrlPolicy}. */
export interface UrlPolicyOptions {
  /** Schemes allowed, without the colon. Default `['https']`. */
  readonly schemes?: readonly string[] | undefined;
  /**
   * Hosts allowed: `example.com` (that host only) or `*.example.com` (its subdomains, not
   * itself). IP literals allowed too. Absent: any host that is not local or special.
   */
  readonly hosts?: readonly string[] | undefined;
  /** Ports allowed. Absent: any. */
  readonly ports?: readonly number[] | undefined;
  /**
   * CIDR ranges reachable although special (e.g. `10.1.2.0/24` for an internal API you mean
   * the agent to call). Checked before the built-in refusals.
   */
  readonly allowAddresses?: readonly string[] | undefined;
  /** Further ranges to refuse (e.g. your own public ranges). */
  readonly denyAddresses?: readonly string[] | undefined;
  /** Longest URL accepted, characters. Default 2048. */
  readonly maxUrlLength?: number | undefined;
}

/** A URL that passed the static checks; its addresses are still to be checked. */
export interface CheckedUrl {
  /** The URL as the WHATWG parser (and so `fetch`) reads it. */
  readonly url: URL;
  /** The host name, lower case, no brackets and no trailing dot. */
  readonly host: string;
  /** The port, the scheme's default when the URL has none. */
  readonly port: number;
  /** The address when the host is an IP literal (no resolution needed). */
  readonly address?: string | undefined;
}

/** The address to connect to: every resolved address passed, this one is pinned. */
export interface PinnedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Decides whether an agent may fetch a URL. */
export interface UrlPolicy {
  /**
   * Static checks: length, parse, scheme, credentials, host allow-list, port, and for an IP
   * literal (in any spelling the URL parser accepts: decimal, octal, hex, short forms,
   * IPv4-mapped IPv6) the address ranges. Never throws.
   */
  checkUrl(url: string | URL): Result<CheckedUrl, UrlPolicyErrorCode>;
  /**
   * Checks the addresses the host resolved to (your resolver's answer: every A and AAAA
   * record). Refused when any is special, so a record set mixing a public and a private
   * address cannot be used. Returns the address to pin the connection to. Never throws.
   */
  checkAddresses(
    checked: CheckedUrl,
    addresses: readonly string[],
  ): Result<PinnedAddress, UrlPolicyErrorCode>;
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = {
  'http:': 80,
  'https:': 443,
  'ws:': 80,
  'wss:': 443,
  'ftp:': 21,
};

// Names that are local by definition (RFC 6761, RFC 8375, common cloud metadata names).
const LOCAL_NAMES = new Set([
  'localhost',
  'metadata',
  'metadata.google.internal',
  'instance-data',
  'kubernetes.default',
]);
const LOCAL_SUFFIXES = [
  '.localhost',
  '.local',
  '.internal',
  '.localdomain',
  '.home.arpa',
  '.lan',
  '.intranet',
  '.corp',
];

function isLocalName(host: string): boolean {
  if (LOCAL_NAMES.has(host)) return true;
  for (const s of LOCAL_SUFFIXES) if (host.endsWith(s)) return true;
  // A single label ("intranet", "printer") is resolved through the search domains.
  return !host.includes('.');
}

const MESSAGES: Readonly<Record<UrlPolicyErrorCode, string>> = {
  URL_INVALID: 'The URL is not a valid absolute URL.',
  URL_TOO_LONG: 'The URL is too long.',
  URL_SCHEME_NOT_ALLOWED: 'The URL scheme is not allowed.',
  URL_CREDENTIALS_NOT_ALLOWED: 'URLs with credentials are not allowed.',
  URL_HOST_NOT_ALLOWED: 'The URL host is not allowed.',
  URL_PORT_NOT_ALLOWED: 'The URL port is not allowed.',
  URL_ADDRESS_BLOCKED: 'The URL points to a local, private or otherwise special address.',
  URL_ADDRESS_INVALID: 'A resolved address is not an IP address.',
  URL_NOT_RESOLVED: 'The URL host did not resolve to an address.',
};
const refuse = (code: UrlPolicyErrorCode) => fail(code, MESSAGES[code]);

function cidrs(list: readonly string[] | undefined, name: string): Cidr[] {
  if (list === undefined) return [];
  if (!Array.isArray(list))
    throw new TypeError(`createUrlPolicy: ${name} must be a list of CIDR ranges`);
  return list.map((text) => {
    const r = parseCidr(text);
    if (!r.ok)
      throw new TypeError(
        `createUrlPolicy: ${name} entry ${JSON.stringify(text)} is not a CIDR range such as 10.0.0.0/8`,
      );
    return r.value;
  });
}

/**
 * Creates an outbound URL policy for agent tools that fetch (SSRF protection). Pure: it
 * parses and decides; resolving the host is yours (or `resolveUrl` from
 * `@jaf-sec/core/url-policy/node`, which also pins the connection to the checked address).
 *
 * @param options - schemes (default https), hosts, ports, extra allowed or denied ranges.
 * @returns A {@link UrlPolicy}.
 * @throws TypeError on a malformed host, CIDR, scheme or port; RangeError on a bad length.
 * @example
 * ```ts
 * const policy = createUrlPolicy({ hosts: ['api.example.com', '*.wikipedia.org'] });
 * const checked = policy.checkUrl(toolArgs.url);
 * if (!checked.ok) return checked.error.code; // e.g. URL_ADDRESS_BLOCKED for http://0x7f.1/
 * const pinned = policy.checkAddresses(checked.value, await myResolver(checked.value.host));
 * ```
 */
export function createUrlPolicy(options: UrlPolicyOptions = {}): UrlPolicy {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('createUrlPolicy takes an options object');
  const schemes = new Set(
    (options.schemes ?? ['https']).map((s) => {
      if (typeof s !== 'string' || !/^[a-z][a-z0-9+.-]*$/.test(s)) {
        throw new TypeError(
          `createUrlPolicy: scheme ${JSON.stringify(s)} must be lower case without ':' (e.g. 'https')`,
        );
      }
      return `${s}:`;
    }),
  );
  const hostList =
    options.hosts === undefined ? undefined : compileHostList(options.hosts, 'createUrlPolicy');
  const ports = options.ports === undefined ? undefined : new Set(options.ports);
  for (const p of ports ?? []) {
    if (!Number.isInteger(p) || p < 1 || p > 65535)
      throw new TypeError(`createUrlPolicy: port ${String(p)} must be 1-65535`);
  }
  const allow = cidrs(options.allowAddresses, 'allowAddresses');
  const deny = cidrs(options.denyAddresses, 'denyAddresses');
  const maxLength = options.maxUrlLength ?? 2048;
  if (!Number.isInteger(maxLength) || maxLength < 16)
    throw new RangeError('createUrlPolicy: maxUrlLength must be an integer >= 16');

  const hostAllowed = (host: string): boolean => hostList === undefined || hostList(host);

  /** undefined when `ip` may be reached. */
  const addressProblem = (ip: IpAddress): BlockedAddressKind | 'denied' | undefined => {
    const plain = unmapIpv4(ip);
    for (const c of deny) if (cidrContains(c, plain)) return 'denied';
    for (const c of allow) if (cidrContains(c, plain)) return undefined;
    return blockedKind(plain);
  };

  function checkUrl(input: string | URL): Result<CheckedUrl, UrlPolicyErrorCode> {
    let url: URL;
    try {
      const text = input instanceof URL ? input.href : input;
      if (typeof text !== 'string') return refuse('URL_INVALID');
      if (text.length > maxLength) return refuse('URL_TOO_LONG');
      url = new URL(text);
    } catch {
      return refuse('URL_INVALID');
    }
    if (url.href.length > maxLength) return refuse('URL_TOO_LONG');
    if (!schemes.has(url.protocol)) return refuse('URL_SCHEME_NOT_ALLOWED');
    if (url.username !== '' || url.password !== '') return refuse('URL_CREDENTIALS_NOT_ALLOWED');
    const host = stripHost(url.hostname);
    if (host.length === 0) return refuse('URL_INVALID');
    const port = url.port === '' ? DEFAULT_PORTS[url.protocol] : Number(url.port);
    if (port === undefined) return refuse('URL_INVALID');
    if (ports !== undefined && !ports.has(port)) return refuse('URL_PORT_NOT_ALLOWED');
    // The WHATWG parser has already turned 0x7f.1, 2130706433, 0177.0.0.1 and 127.1 into
    // 127.0.0.1, and [::ffff:127.0.0.1] into [::ffff:7f00:1]: the literal is what fetch uses.
    const literal = parseIpLoose(host);
    if (literal !== undefined) {
      if (literal.zone !== undefined) return refuse('URL_ADDRESS_BLOCKED');
      if (addressProblem(literal) !== undefined) return refuse('URL_ADDRESS_BLOCKED');
      const address = formatIp(unmapIpv4(literal));
      if (!hostAllowed(host) && !hostAllowed(address)) return refuse('URL_HOST_NOT_ALLOWED');
      return ok({ url, host, port, address });
    }
    if (!hostAllowed(host)) return refuse('URL_HOST_NOT_ALLOWED');
    // A local name is refused unless the allow-list names it (its addresses are still checked).
    if (hostList === undefined && isLocalName(host)) return refuse('URL_HOST_NOT_ALLOWED');
    return ok({ url, host, port });
  }

  function checkAddresses(
    checked: CheckedUrl,
    addresses: readonly string[],
  ): Result<PinnedAddress, UrlPolicyErrorCode> {
    if (!Array.isArray(addresses) || addresses.length === 0) return refuse('URL_NOT_RESOLVED');
    let pinned: PinnedAddress | undefined;
    for (const text of addresses.slice(0, 64)) {
      const ip = typeof text === 'string' ? parseIpLoose(text) : undefined;
      if (ip === undefined || ip.zone !== undefined) return refuse('URL_ADDRESS_INVALID');
      if (addressProblem(ip) !== undefined) return refuse('URL_ADDRESS_BLOCKED');
      if (pinned === undefined) {
        const plain = unmapIpv4(ip);
        pinned = { address: formatIp(plain), family: plain.version };
      }
    }
    if (checked?.address !== undefined && pinned?.address !== checked.address) {
      // A literal host needs no resolution: only its own address may be pinned.
      return refuse('URL_ADDRESS_BLOCKED');
    }
    return ok(pinned!);
  }

  return { checkUrl, checkAddresses };
}
