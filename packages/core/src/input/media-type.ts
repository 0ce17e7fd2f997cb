// Content-Type checks for rules that parse a body: a JSON body must arrive as a JSON media
// type. `text/plain`, `application/x-www-form-urlencoded` and `multipart/form-data` are the
// CORS "simple request" shapes a foreign page can send without a preflight; a rule that
// parsed them as JSON would accept a cross-site form post as an API call.

/** A compiled list of accepted media types. */
export interface MediaTypeFilter {
  /** True when the Content-Type field value names an accepted media type (charset utf-8 if any). */
  accepts(contentType: string | null): boolean;
}

interface Accepted {
  readonly type: string;
  /** Exact subtype, or undefined for `type/*+suffix`. */
  readonly subtype: string | undefined;
  /** For `type/*+suffix`: the `+suffix`. */
  readonly suffix: string | undefined;
}

const isTokenChar = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) ||
  (c >= 0x61 && c <= 0x7a) ||
  (c >= 0x41 && c <= 0x5a) ||
  "!#$%&'*+-.^_`|~".includes(String.fromCharCode(c));

function isToken(text: string): boolean {
  if (text.length === 0 || text.length > 127) return false;
  for (let i = 0; i < text.length; i++) if (!isTokenChar(text.charCodeAt(i))) return false;
  return true;
}

const isOws = (c: number): boolean => c === 0x20 || c === 0x09;

function trim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isOws(text.charCodeAt(start))) start++;
  while (end > start && isOws(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

/**
 * Compiles accepted media types: `type/subtype` exactly, or `type/*+suffix` (a structured
 * syntax suffix, e.g. `application/*+json`). `type/*` is refused: `application/*` would let
 * `application/x-www-form-urlencoded`, a form post, through.
 *
 * @throws TypeError on an empty list, a bare wildcard, or a malformed entry, naming the option.
 */
export function compileMediaTypes(list: readonly string[], where: string): MediaTypeFilter {
  if (!Array.isArray(list) || list.length === 0) {
    throw new TypeError(
      `${where} must be a non-empty array of media types such as 'application/json' (or false to accept any).`,
    );
  }
  const accepted: Accepted[] = [];
  for (const entry of list as readonly unknown[]) {
    const text = typeof entry === 'string' ? entry.toLowerCase() : '';
    const slash = text.indexOf('/');
    const type = text.slice(0, slash);
    const sub = text.slice(slash + 1);
    if (slash <= 0 || !isToken(type) || type === '*' || !isToken(sub)) {
      throw new TypeError(
        `${where}: ${JSON.stringify(entry)} is not a media type like 'application/json' or 'application/*+json'${text === '*/*' ? ' (to accept any body, pass false)' : ''}.`,
      );
    }
    if (sub.startsWith('*+') && isToken(sub.slice(2)) && !sub.slice(2).includes('*')) {
      accepted.push({ type, subtype: undefined, suffix: sub.slice(1) });
    } else if (sub.includes('*')) {
      throw new TypeError(
        `${where}: ${JSON.stringify(entry)} may use '*' only as 'type/*+suffix' (e.g. 'application/*+json'); list exact media types otherwise.`,
      );
    } else accepted.push({ type, subtype: sub, suffix: undefined });
  }

  function accepts(contentType: string | null): boolean {
    if (contentType === null || contentType.length > 1024) return false;
    const parts = contentType.split(';');
    const media = trim(parts[0]!).toLowerCase();
    const slash = media.indexOf('/');
    if (slash <= 0) return false;
    const type = media.slice(0, slash);
    const sub = media.slice(slash + 1);
    // Two Content-Type lines joined with ", " fail here too: ',' is not a token character.
    if (!isToken(type) || !isToken(sub)) return false;
    for (let i = 1; i < parts.length; i++) {
      const param = trim(parts[i]!);
      if (param === '') continue;
      const eq = param.indexOf('=');
      if (eq <= 0) return false;
      if (trim(param.slice(0, eq)).toLowerCase() !== 'charset') continue;
      let value = trim(param.slice(eq + 1));
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"'))
        value = value.slice(1, -1);
      // JSON is UTF-8 (RFC 8259); a body declared otherwise would be read as something else.
      if (value.toLowerCase() !== 'utf-8' && value.toLowerCase() !== 'utf8') return false;
    }
    for (const a of accepted) {
      if (a.type !== type) continue;
      if (a.subtype !== undefined) {
        if (a.subtype === sub) return true;
      } else if (sub.length > a.suffix!.length && sub.endsWith(a.suffix!)) return true;
    }
    return false;
  }

  return { accepts };
}
