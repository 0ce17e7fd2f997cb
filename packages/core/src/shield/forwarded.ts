// RFC 7239 `Forwarded` header, parsed by a hand-written scanner (linear time):
//   Forwarded         = 1#forwarded-element
//   forwarded-element = [ forwarded-pair ] *( ";" [ forwarded-pair ] )
//   forwarded-pair    = token "=" ( token / quoted-string )
// Quoted strings may hold commas, semicolons and quoted-pairs, which a split(',') breaks.

import { fail, ok, type Result } from '../internal/result.js';

/** One hop of a `Forwarded` header: parameter name (lower case) -> value (unquoted). */
export type ForwardedElement = Readonly<Record<string, string>>;

/** `FORWARDED_INVALID`: not RFC 7239 syntax (bad token, unterminated quote, repeated parameter). */
export type ForwardedErrorCode = 'FORWARDED_INVALID';

// tchar per RFC 9110 section 5.6.2.
function isTchar(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    c === 0x21 ||
    (c >= 0x23 && c <= 0x27) ||
    c === 0x2a ||
    c === 0x2b ||
    c === 0x2d ||
    c === 0x2e ||
    c === 0x5e ||
    c === 0x5f ||
    c === 0x60 ||
    c === 0x7c ||
    c === 0x7e
  );
}

const isOws = (c: number) => c === 0x20 || c === 0x09;

/**
 * Parses a `Forwarded` field value into its elements, nearest-to-client first.
 *
 * @param value - the field value (repeated fields joined with ", ").
 * @returns the elements, or `FORWARDED_INVALID`. At most `maxElements` (default 64) are read.
 * @example
 * ```ts
 * parseForwardedHeader('for=192.0.2.60;proto=http;by=203.0.113.43, for="[2001:db8::1]:4711"');
 * // ok([{ for: '192.0.2.60', proto: 'http', by: '203.0.113.43' }, { for: '[2001:db8::1]:4711' }])
 * ```
 */
export function parseForwardedHeader(
  value: string,
  maxElements = 64,
): Result<ForwardedElement[], ForwardedErrorCode> {
  const bad = () => fail('FORWARDED_INVALID' as const, 'Malformed Forwarded header.');
  if (typeof value !== 'string') return bad();
  const elements: ForwardedElement[] = [];
  const n = value.length;
  let i = 0;
  // A Map, not an object, so a parameter named __proto__ is just a name.
  let current = new Map<string, string>();
  let pairs = 0;
  const endElement = (): boolean => {
    if (pairs > 0) {
      if (elements.length >= maxElements) return false;
      elements.push(Object.fromEntries(current));
    }
    current = new Map();
    pairs = 0;
    return true;
  };
  while (i < n) {
    while (i < n && isOws(value.charCodeAt(i))) i++;
    if (i >= n) break;
    const c = value.charCodeAt(i);
    if (c === 0x2c /* , */) {
      if (!endElement()) return bad();
      i++;
      continue;
    }
    if (c === 0x3b /* ; */) {
      i++;
      continue;
    }
    const nameStart = i;
    while (i < n && isTchar(value.charCodeAt(i))) i++;
    if (i === nameStart || value.charCodeAt(i) !== 0x3d /* = */) return bad();
    const name = value.slice(nameStart, i).toLowerCase();
    i++;
    let v: string;
    if (value.charCodeAt(i) === 0x22 /* " */) {
      i++;
      v = '';
      let closed = false;
      while (i < n) {
        const q = value.charCodeAt(i);
        if (q === 0x22) {
          closed = true;
          i++;
          break;
        }
        if (q === 0x5c /* \ */) {
          if (i + 1 >= n) return bad();
          const e = value.charCodeAt(i + 1);
          if (e < 0x20 && e !== 0x09) return bad();
          v += value[i + 1];
          i += 2;
          continue;
        }
        if ((q < 0x20 && q !== 0x09) || q === 0x7f) return bad();
        v += value[i];
        i++;
      }
      if (!closed) return bad();
    } else {
      const valueStart = i;
      while (i < n && isTchar(value.charCodeAt(i))) i++;
      if (i === valueStart) return bad();
      v = value.slice(valueStart, i);
    }
    if (current.has(name)) return bad();
    current.set(name, v);
    pairs++;
    while (i < n && isOws(value.charCodeAt(i))) i++;
    if (i < n) {
      const sep = value.charCodeAt(i);
      if (sep !== 0x3b && sep !== 0x2c) return bad();
    }
  }
  if (!endElement()) return bad();
  return ok(elements);
}

/**
 * The address in a `for=`/`by=` node value (RFC 7239 section 6): `192.0.2.1`,
 * `192.0.2.1:8080`, `[2001:db8::1]`, `[2001:db8::1]:443`. Undefined for `unknown`,
 * obfuscated identifiers (`_hidden`) and anything else.
 */
export function extractNodeAddress(node: string): string | undefined {
  if (node.length === 0) return undefined;
  if (node.charCodeAt(0) === 0x5b /* [ */) {
    const close = node.indexOf(']');
    if (close === -1) return undefined;
    const rest = node.slice(close + 1);
    if (rest !== '' && !isPort(rest)) return undefined;
    return node.slice(1, close);
  }
  const colon = node.indexOf(':');
  if (colon === -1) return node;
  if (node.indexOf(':', colon + 1) !== -1) return node; // bare IPv6, as some proxies send
  return isPort(node.slice(colon)) ? node.slice(0, colon) : undefined;
}

function isPort(text: string): boolean {
  // ":" followed by digits, or an obfuscated port "_xyz".
  if (text.length < 2 || text.charCodeAt(0) !== 0x3a) return false;
  if (text.charCodeAt(1) === 0x5f) return true;
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return text.length <= 6;
}
