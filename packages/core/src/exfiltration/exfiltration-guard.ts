import { compileHostList } from '../internal/host-list.js';
import { fail, ok, type Result } from '../internal/result.js';

/** What kind of construct carried a URL. */
export type LinkKind =
  | 'markdown-image'
  | 'markdown-link'
  | 'reference-definition'
  | 'html-tag'
  | 'autolink'
  | 'bare-url';

/** Why a URL was removed. */
export type RemovalReason =
  | 'SCHEME_NOT_ALLOWED'
  | 'HOST_NOT_ALLOWED'
  | 'DATA_IN_QUERY'
  | 'DATA_IN_FRAGMENT'
  | 'DATA_IN_PATH'
  | 'DATA_IN_CREDENTIALS'
  | 'URL_INVALID';

/** One URL taken out of the text. */
export interface Removal {
  readonly kind: LinkKind;
  readonly reason: RemovalReason;
  /** The URL as written (it may hold the data that was being sent out: log with care). */
  readonly url: string;
}

/** What the guard gives back. */
export interface GuardedOutput {
  /** The text with every disallowed link, image and URL neutralised. */
  readonly text: string;
  /** What was removed and why, in order of discovery. */
  readonly removed: readonly Removal[];
}

/** Options of {@link createExfiltrationGuard}. */
export interface ExfiltrationGuardOptions {
  /** Hosts links and images may point at: `example.com` or `*.example.com`. Default none. */
  readonly allowHosts?: readonly string[] | undefined;
  /** Schemes allowed for absolute URLs. Default `['https']`. `javascript:`, `data:` and others are never allowed. */
  readonly allowSchemes?: readonly string[] | undefined;
  /** Keep relative URLs (`/docs/a`, `#top`): they reach your own site only. Default true. */
  readonly allowRelative?: boolean | undefined;
  /** Allow a query string on allowed hosts. Default false: a query is where data leaves. */
  readonly allowQuery?: boolean | undefined;
  /** Allow a fragment on allowed hosts. Default false. */
  readonly allowFragment?: boolean | undefined;
  /** Longest path segment on allowed hosts (longer looks like encoded data). Default 64. */
  readonly maxPathSegment?: number | undefined;
  /** Longest input, characters. Default 1 MiB. */
  readonly maxLength?: number | undefined;
}

/** Neutralises links and images in model output that could carry data out. */
export interface ExfiltrationGuard {
  /** Never throws; `EXFIL_INPUT_TOO_LARGE` when the text is over `maxLength`, `EXFIL_INPUT_INVALID` when not a string. */
  guard(text: string): Result<GuardedOutput, 'EXFIL_INPUT_TOO_LARGE' | 'EXFIL_INPUT_INVALID'>;
}

// Patterns are written so every split is forced (no two quantifiers compete for the same
// characters): each runs in linear time (checked by regex-safety.node.test.ts).
// [text](dest "title") and ![alt](dest): text without brackets or newlines; dest in <...> or
// without spaces and parentheses; an optional title that starts with whitespace.
const MD_INLINE = /(!?)\[([^[\]\n]*)\]\((<[^<>\n]*>|[^()\s<][^()\s]*|)(\s[^()\n]*)?\)/g;
// Any "](" left over (nested brackets, odd spacing): its destination is judged too.
const MD_DEST = /\]\([ \t]*(<[^<>\n]*>|[^()\s<][^()\s]*)/g;
// [label]: dest "title" at the start of a line.
const MD_REFERENCE = /^ {0,3}\[([^[\]\n]+)\]:[ \t]*(<[^<>\n]*>|[^\s<]\S*)(?:[ \t][^\n]*)?$/gm;
// <https://...> autolinks (any scheme).
const AUTOLINK = /<([a-zA-Z][a-zA-Z0-9+.-]*:[^<>\s]*)>/g;
// An HTML start tag, and its attributes.
const HTML_TAG = /<[a-zA-Z][^<>]*>/g;

/** Characters that end a bare URL. */
const isUrlEnd = (c: number): boolean =>
  c <= 32 ||
  c === 60 /* < */ ||
  c === 62 /* > */ ||
  c === 34 /* " */ ||
  c === 39 /* ' */ ||
  c === 96; /* ` */
const isSchemeChar = (c: number): boolean =>
  (c >= 97 && c <= 122) ||
  (c >= 65 && c <= 90) ||
  (c >= 48 && c <= 57) ||
  c === 43 ||
  c === 45 ||
  c === 46;
const isLetter = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
const TRAILING = new Set('.,;:!?\'")]}*_~'.split('').map((ch) => ch.charCodeAt(0)));

/**
 * Bare URLs (`scheme://...`, any scheme, and `www.` which GFM links as http), found by a
 * scanner that visits each character a bounded number of times: [start, end) pairs, trailing
 * punctuation excluded as GFM does.
 */
function findBareUrls(text: string): [number, number][] {
  const out: [number, number][] = [];
  const lower = text.toLowerCase();
  let from = 0;
  // Next occurrences, searched again only once passed: each search moves forward, so the
  // whole scan stays linear however many separators the text holds.
  let nextSep = -2;
  let nextWww = -2;
  while (from < text.length) {
    if (nextSep !== -1 && nextSep < from) nextSep = text.indexOf('://', from);
    if (nextWww !== -1 && nextWww < from) nextWww = lower.indexOf('www.', from);
    const sep = nextSep;
    const www = nextWww;
    let start = -1;
    let after = -1;
    if (sep !== -1 && (www === -1 || sep <= www + 3)) {
      // The scheme: up to 32 scheme characters before "://", starting with a letter.
      let s = sep;
      while (s > from && sep - s < 32 && isSchemeChar(text.charCodeAt(s - 1))) s--;
      while (s < sep && !isLetter(text.charCodeAt(s))) s++;
      if (s < sep) start = s;
      after = sep + 3;
    } else if (www !== -1) {
      const prev = www > 0 ? text.charCodeAt(www - 1) : 32;
      if (!isSchemeChar(prev)) start = www;
      after = www + 4;
    } else {
      break;
    }
    if (start === -1) {
      from = after;
      continue;
    }
    let end = after;
    while (end < text.length && !isUrlEnd(text.charCodeAt(end))) end++;
    let trimmed = end;
    while (trimmed > after && TRAILING.has(text.charCodeAt(trimmed - 1))) trimmed--;
    out.push([start, trimmed]);
    from = end;
  }
  return out;
}

const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);
const isNameChar = (c: number): boolean => isSchemeChar(c) || c === 95 /* _ */ || c === 58; /* : */

/** The `name=value` attributes of an HTML start tag (values unquoted), by a linear scan. */
function tagAttributes(tag: string): [string, string][] {
  const out: [string, string][] = [];
  let i = 1;
  while (i < tag.length && isNameChar(tag.charCodeAt(i))) i++; // the tag name
  while (i < tag.length) {
    if (!isNameChar(tag.charCodeAt(i))) {
      i++;
      continue;
    }
    const nameStart = i;
    while (i < tag.length && isNameChar(tag.charCodeAt(i))) i++;
    const name = tag.slice(nameStart, i);
    let j = i;
    while (j < tag.length && isSpace(tag.charCodeAt(j))) j++;
    if (tag.charCodeAt(j) !== 61 /* = */) continue;
    j++;
    while (j < tag.length && isSpace(tag.charCodeAt(j))) j++;
    const q = tag.charCodeAt(j);
    if (q === 34 || q === 39) {
      const end = tag.indexOf(String.fromCharCode(q), j + 1);
      out.push([name, tag.slice(j + 1, end === -1 ? tag.length : end)]);
      i = end === -1 ? tag.length : end + 1;
    } else {
      let end = j;
      while (end < tag.length && !isSpace(tag.charCodeAt(end)) && tag.charCodeAt(end) !== 62) end++;
      out.push([name, tag.slice(j, end)]);
      i = end;
    }
  }
  return out;
}

/** Trims ASCII controls and spaces at both ends (what a browser does to an href). */
function trimControls(text: string): string {
  let a = 0;
  let b = text.length;
  while (a < b && text.charCodeAt(a) <= 32) a++;
  while (b > a && text.charCodeAt(b - 1) <= 32) b--;
  return text.slice(a, b);
}

const URL_ATTRIBUTES = new Set([
  'href',
  'src',
  'srcset',
  'action',
  'formaction',
  'data',
  'poster',
  'background',
  'cite',
  'longdesc',
  'ping',
  'xlink:href',
  'lowsrc',
  'dynsrc',
]);

const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  colon: ':',
  sol: '/',
  tab: '\t',
  newline: '\n',
  num: '#',
  quest: '?',
  equals: '=',
  period: '.',
};

/** Decodes HTML character references, as a browser (and CommonMark) does in a URL. */
function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(
    /&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,10});?/g,
    (whole, body: string) => {
      if (body[0] === '#') {
        const code =
          body[1] === 'x' || body[1] === 'X'
            ? Number.parseInt(body.slice(2), 16)
            : Number(body.slice(1));
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '\uFFFD';
      }
      return ENTITIES[body.toLowerCase()] ?? whole;
    },
  );
}

/**
 * Creates a guard that finds links and images in model output that point outside an
 * allow-list or carry data (query, fragment, long path segments, credentials), and
 * neutralises them: markdown images and links (inline and reference-style), HTML tags with
 * URL attributes (`<img src>`, `<a href>`, and the like), autolinks and bare URLs;
 * `javascript:`, `data:` and every scheme but the allowed ones, whatever their spelling
 * (entities, case, embedded tabs).
 *
 * @param options - hosts and schemes allowed, whether relative URLs, queries and fragments pass.
 * @returns An {@link ExfiltrationGuard}.
 * @throws TypeError on a malformed host or scheme; RangeError on a bad limit.
 * @example
 * ```ts
 * const guard = createExfiltrationGuard({ allowHosts: ['docs.example.com'] });
 * const r = guard.guard(modelOutput);
 * if (r.ok) render(r.value.text); // r.value.removed lists what was taken out, and why
 * ```
 */
export function createExfiltrationGuard(options: ExfiltrationGuardOptions = {}): ExfiltrationGuard {
  const hostAllowed = compileHostList(options.allowHosts ?? [], 'createExfiltrationGuard');
  const schemes = new Set(
    (options.allowSchemes ?? ['https']).map((s) => {
      if (typeof s !== 'string' || !/^[a-z][a-z0-9+.-]*$/.test(s)) {
        throw new TypeError(
          `createExfiltrationGuard: scheme ${JSON.stringify(s)} must be lower case without ':'`,
        );
      }
      if (s === 'javascript' || s === 'data' || s === 'vbscript') {
        throw new TypeError(`createExfiltrationGuard: the ${s}: scheme cannot be allowed`);
      }
      return `${s}:`;
    }),
  );
  const allowRelative = options.allowRelative ?? true;
  const allowQuery = options.allowQuery ?? false;
  const allowFragment = options.allowFragment ?? false;
  const maxSegment = options.maxPathSegment ?? 64;
  const maxLength = options.maxLength ?? 1024 * 1024;
  if (!Number.isInteger(maxSegment) || maxSegment < 1)
    throw new RangeError('createExfiltrationGuard: maxPathSegment must be a positive integer');
  if (!Number.isInteger(maxLength) || maxLength < 1)
    throw new RangeError('createExfiltrationGuard: maxLength must be a positive integer');

  /** Why `raw` may not stay, or undefined when it may. */
  function judge(raw: string): RemovalReason | undefined {
    // Browsers drop tabs and newlines anywhere in a URL and trim spaces and controls.
    let url = trimControls(
      decodeEntities(raw.startsWith('<') && raw.endsWith('>') ? raw.slice(1, -1) : raw).replace(
        /[\t\n\r]/g,
        '',
      ),
    );
    if (url.length === 0) return undefined;
    // "//host", "\\host", "/\host": protocol-relative, another origin.
    if (/^[/\\]{2}/.test(url)) url = `https:${url}`;
    const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url);
    if (scheme === null) return allowRelative ? undefined : 'HOST_NOT_ALLOWED';
    if (!schemes.has(`${scheme[1]!.toLowerCase()}:`)) return 'SCHEME_NOT_ALLOWED';
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return 'URL_INVALID';
    }
    if (parsed.username !== '' || parsed.password !== '') return 'DATA_IN_CREDENTIALS';
    if (!hostAllowed(parsed.hostname)) return 'HOST_NOT_ALLOWED';
    if (parsed.search !== '' && !allowQuery) return 'DATA_IN_QUERY';
    if (parsed.hash !== '' && !allowFragment) return 'DATA_IN_FRAGMENT';
    for (const segment of parsed.pathname.split('/'))
      if (segment.length > maxSegment) return 'DATA_IN_PATH';
    return undefined;
  }

  function guard(
    text: string,
  ): Result<GuardedOutput, 'EXFIL_INPUT_TOO_LARGE' | 'EXFIL_INPUT_INVALID'> {
    if (typeof text !== 'string')
      return fail('EXFIL_INPUT_INVALID', 'The output to guard must be a string.');
    if (text.length > maxLength)
      return fail('EXFIL_INPUT_TOO_LARGE', 'The output is too large to guard.');
    const removed: Removal[] = [];
    const note = (kind: LinkKind, reason: RemovalReason, url: string) => {
      removed.push({ kind, reason, url });
    };
    let out = text;

    // 1. Reference definitions: the whole line goes; references to it become plain text.
    out = out.replace(MD_REFERENCE, (line, _label: string, dest: string) => {
      const reason = judge(dest);
      if (reason === undefined) return line;
      note('reference-definition', reason, dest);
      return '';
    });
    // 2. Inline links and images: a link keeps its text, an image its alt text.
    out = out.replace(MD_INLINE, (whole, bang: string, label: string, dest: string) => {
      const reason = judge(dest);
      if (reason === undefined) return whole;
      note(bang ? 'markdown-image' : 'markdown-link', reason, dest);
      return bang ? (label ? `[image: ${label}]` : '[image removed]') : label;
    });
    // 3. Whatever "](" remains: its destination is emptied when not allowed.
    out = out.replace(MD_DEST, (whole, dest: string) => {
      const reason = judge(dest);
      if (reason === undefined) return whole;
      note('markdown-link', reason, dest);
      return '](';
    });
    // 4. Autolinks.
    out = out.replace(AUTOLINK, (whole, url: string) => {
      const reason = judge(url);
      if (reason === undefined) return whole;
      note('autolink', reason, url);
      return '[link removed]';
    });
    // 5. HTML tags with a URL attribute that is not allowed: the tag goes (its text stays).
    out = out.replace(HTML_TAG, (tag) => {
      for (const [rawName, value] of tagAttributes(tag)) {
        const name = rawName.toLowerCase();
        const urls =
          name === 'srcset' ? value.split(',').map((c) => c.trim().split(/\s/)[0] ?? '') : [value];
        const isUrlAttribute = URL_ATTRIBUTES.has(name) || name === 'style';
        if (!isUrlAttribute) continue;
        if (name === 'style') {
          if (/url\s*\(|expression\s*\(/i.test(decodeEntities(value))) {
            note('html-tag', 'SCHEME_NOT_ALLOWED', value);
            return '';
          }
          continue;
        }
        for (const u of urls) {
          const reason = judge(u);
          if (reason !== undefined) {
            note('html-tag', reason, u);
            return /^<img\b/i.test(tag) ? '[image removed]' : '';
          }
        }
      }
      return tag;
    });
    // 6. Bare URLs anywhere (also the safety net for constructs the patterns above missed).
    const bare = findBareUrls(out);
    if (bare.length > 0) {
      let rebuilt = '';
      let last = 0;
      for (const [start, end] of bare) {
        const url = out.slice(start, end);
        const reason = judge(/^www\./i.test(url) ? `https://${url}` : url);
        if (reason === undefined) continue;
        note('bare-url', reason, url);
        rebuilt += `${out.slice(last, start)}[link removed]`;
        last = end;
      }
      out = rebuilt + out.slice(last);
    }
    return ok({ text: out, removed });
  }

  return { guard };
}
