/// <reference types="node" />
// Node helper: resolve a URL's host with node:dns, check every address against the policy,
// and hand back a `lookup` that always answers the checked address, so the connection
// cannot be switched to another address by a second DNS answer (DNS rebinding).
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import { fail, ok, type Result } from '../internal/result.js';
import type { CheckedUrl, PinnedAddress, UrlPolicy, UrlPolicyErrorCode } from './url-policy.js';

/** A resolver: every address of `host`. Default node:dns `lookup(host, { all: true })`. */
export type HostResolver = (host: string) => Promise<readonly string[]>;

/** Options of {@link resolveUrl}. */
export interface ResolveUrlOptions {
  /** Replaces node:dns (tests, a DNS-over-HTTPS client, a cache). */
  readonly resolve?: HostResolver | undefined;
  /** Most ms to wait for resolution. Default 5000. */
  readonly timeoutMs?: number | undefined;
}

/** A URL whose every address passed the policy, with the connection pinned. */
export interface ResolvedUrl extends PinnedAddress {
  readonly checked: CheckedUrl;
  readonly url: URL;
  /**
   * A `lookup` for `http.request`, `https.request` or undici's `Agent({ connect: { lookup } })`
   * that answers the checked address for any name, so the socket goes where the policy looked.
   */
  readonly lookup: LookupFunction;
}

const defaultResolve: HostResolver = async (host) =>
  (await dnsLookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** A lookup function that always answers `pinned`. */
export function pinnedLookup(pinned: PinnedAddress): LookupFunction {
  return ((_hostname: string, options: unknown, callback?: unknown) => {
    const cb = (typeof options === 'function' ? options : callback) as (
      err: NodeJS.ErrnoException | null,
      address: string | { address: string; family: number }[],
      family?: number,
    ) => void;
    const all =
      typeof options === 'object' &&
      options !== null &&
      (options as { all?: boolean }).all === true;
    queueMicrotask(() => {
      if (all) cb(null, [{ address: pinned.address, family: pinned.family }]);
      else cb(null, pinned.address, pinned.family);
    });
  }) as LookupFunction;
}

/**
 * Checks `url` against `policy`, resolves its host (unless it is an IP literal), checks
 * every resolved address, and returns the address to connect to with a pinned `lookup`.
 * Never throws: resolution failures and timeouts are `URL_NOT_RESOLVED`.
 *
 * @example
 * ```ts
 * import https from 'node:https';
 * import { createUrlPolicy } from '@jaf-sec/core/url-policy';
 * import { resolveUrl } from '@jaf-sec/core/url-policy/node';
 *
 * const policy = createUrlPolicy({ hosts: ['*.example.com'] });
 * const resolved = await resolveUrl(policy, 'https://docs.example.com/a');
 * if (resolved.ok) https.get(resolved.value.url, { lookup: resolved.value.lookup }, onResponse);
 * ```
 */
export async function resolveUrl(
  policy: UrlPolicy,
  url: string | URL,
  options: ResolveUrlOptions = {},
): Promise<Result<ResolvedUrl, UrlPolicyErrorCode>> {
  const checked = policy.checkUrl(url);
  if (!checked.ok) return checked;
  let addresses: readonly string[];
  if (checked.value.address !== undefined) {
    addresses = [checked.value.address];
  } else {
    const resolve = options.resolve ?? defaultResolve;
    const timeoutMs = options.timeoutMs ?? 5000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      addresses = await Promise.race([
        resolve(checked.value.host),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
        }),
      ]);
    } catch {
      return fail('URL_NOT_RESOLVED', 'The URL host did not resolve to an address.');
    } finally {
      clearTimeout(timer);
    }
  }
  const pinned = policy.checkAddresses(checked.value, addresses);
  if (!pinned.ok) return pinned;
  return ok({
    ...pinned.value,
    checked: checked.value,
    url: checked.value.url,
    lookup: pinnedLookup(pinned.value),
  });
}
