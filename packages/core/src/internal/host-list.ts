// Host allow-lists as URL parsers see hosts: one compiler for every capability that lets a
// developer name hosts (`example.com` exactly, `*.example.com` for its subdomains only).

/** A URL's hostname as compared with a list: brackets of an IPv6 literal and a final dot dropped. */
export function stripHost(hostname: string): string {
  let h = hostname;
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.')) h = h.slice(0, -1);
  return h;
}

/** Host name as the URL parser writes it: lower case, punycode, IPv4 canonical. */
function normalizeHostEntry(entry: string, where: string): { exact?: string; suffix?: string } {
  const notHost = () =>
    new TypeError(`${where}: hosts entry ${JSON.stringify(entry)} is not a host name`);
  if (typeof entry !== 'string' || entry.length === 0) throw notHost();
  const wildcard = entry.startsWith('*.');
  const name = wildcard ? entry.slice(2) : entry;
  let host: string;
  try {
    host = new URL(`http://${name.includes(':') && !name.startsWith('[') ? `[${name}]` : name}/`)
      .hostname;
  } catch {
    throw notHost();
  }
  // `a@evil.com` or `a/b` parse, but as a user name or a path: the host would be another one.
  if (host.length === 0 || name.includes('/') || name.includes('@')) throw notHost();
  host = stripHost(host);
  return wildcard ? { suffix: `.${host}` } : { exact: host };
}

/**
 * Compiles host entries once into a matcher of hostnames (pass {@link stripHost}-ed or raw URL
 * hostnames; a final dot and IPv6 brackets are ignored).
 *
 * @throws TypeError naming `where` for an entry that is not a host name.
 */
export function compileHostList(
  entries: readonly string[],
  where: string,
): (hostname: string) => boolean {
  const exact = new Set<string>();
  const suffixes: string[] = [];
  for (const entry of entries) {
    const n = normalizeHostEntry(entry, where);
    if (n.exact !== undefined) exact.add(n.exact);
    else suffixes.push(n.suffix!);
  }
  return (hostname) => {
    const h = stripHost(hostname);
    if (exact.has(h)) return true;
    for (const s of suffixes) if (h.endsWith(s) && h.length > s.length) return true;
    return false;
  };
}
