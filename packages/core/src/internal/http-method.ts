// Method filters as the frameworks route: every rule that applies "only to these methods"
// compiles its list here, so a request cannot pick a looser policy by its method's spelling.
//
// Express, Fastify (exposeHeadRoutes, on by default), Hono and Next.js route handlers all run
// the GET handler for a HEAD request that has no handler of its own: a filter that names GET
// must therefore also match HEAD, or HEAD runs the GET handler under another policy. Methods
// are matched upper-cased (adapters upper-case `SecurityRequest.method`; a direct caller may not).

/** The method as the filters compare it: upper-cased. */
export function normalizeMethod(method: string): string {
  if (typeof method !== 'string') return '';
  // ASCII only: String#toUpperCase folds e.g. the dotless 'ı' to 'I', which would let a
  // non-token method such as 'optıons' pass as OPTIONS (a safe method for CSRF).
  let i = 0;
  while (i < method.length && !(method.charCodeAt(i) >= 0x61 && method.charCodeAt(i) <= 0x7a)) i++;
  if (i === method.length) return method; // already upper case: the common case, no copy
  let out = method.slice(0, i);
  for (; i < method.length; i++) {
    const c = method.charCodeAt(i);
    out += c >= 0x61 && c <= 0x7a ? String.fromCharCode(c - 32) : method[i];
  }
  return out;
}

function isTokenChar(c: number): boolean {
  // RFC 9110 tchar: ! # $ % & ' * + - . ^ _ ` | ~ DIGIT ALPHA
  return (
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    "!#$%&'*+-.^_`|~".includes(String.fromCharCode(c))
  );
}

/**
 * Compiles a method list into the set a request's method is looked up in: upper-cased, with
 * `HEAD` added whenever `GET` is listed.
 *
 * @param methods - method names, e.g. `['GET', 'POST']`.
 * @param where - the option's name, for the error message.
 * @throws TypeError when the list is empty or a name is not an HTTP method token.
 */
export function compileMethodFilter(
  methods: readonly string[],
  where: string,
): ReadonlySet<string> {
  if (!Array.isArray(methods) || methods.length === 0) {
    throw new TypeError(
      `${where} must be a non-empty array of HTTP methods, e.g. ['GET', 'POST'].`,
    );
  }
  const set = new Set<string>();
  for (const m of methods as readonly unknown[]) {
    if (typeof m !== 'string' || m.length === 0 || m.length > 32) {
      throw new TypeError(
        `${where} must hold HTTP method names such as 'GET', got ${JSON.stringify(m)}.`,
      );
    }
    for (let i = 0; i < m.length; i++) {
      if (!isTokenChar(m.charCodeAt(i))) {
        throw new TypeError(`${where}: ${JSON.stringify(m)} is not an HTTP method name.`);
      }
    }
    set.add(m.toUpperCase());
  }
  if (set.has('GET')) set.add('HEAD');
  return set;
}

/** True when the request's method is in a compiled filter. */
export function methodMatches(filter: ReadonlySet<string>, method: string): boolean {
  return filter.has(normalizeMethod(method));
}
