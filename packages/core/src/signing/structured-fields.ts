// Structured Field Values for HTTP (RFC 8941, as updated by RFC 9651 with Dates and Display
// Strings): a hand-written scanner following the RFC's parsing algorithms step by step. No
// regular expressions and no recursion (inner lists nest one level only), so parsing is
// linear in the input and never throws: malformed input is a `fail`, not an exception.
import { decodeBase64, decodeUtf8, encodeBase64, utf8 } from '../internal/bytes.js';
import { fail, ok, type Result } from '../internal/result.js';

/** A bare item: the value of an Item or a parameter, tagged with its type. */
export type SfBareItem =
  | { readonly type: 'integer'; readonly value: number }
  | { readonly type: 'decimal'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'token'; readonly value: string }
  | { readonly type: 'binary'; readonly value: Uint8Array }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'date'; readonly value: number }
  | { readonly type: 'displaystring'; readonly value: string };

/** Ordered parameters; a repeated key keeps its first position and its last value (RFC 8941 4.2.3.2). */
export type SfParameters = ReadonlyMap<string, SfBareItem>;

/** An Item: a bare item with parameters. */
export interface SfItem {
  readonly value: SfBareItem;
  readonly params: SfParameters;
}

/** An Inner List: items in parentheses, with parameters of its own. */
export interface SfInnerList {
  readonly items: readonly SfItem[];
  readonly params: SfParameters;
}

/** A member of a List or Dictionary. */
export type SfMember = SfItem | SfInnerList;
/** A List field value. */
export type SfList = readonly SfMember[];
/** A Dictionary field value, in field order. */
export type SfDictionary = ReadonlyMap<string, SfMember>;

/**
 * Parse error code: `SF_MALFORMED` (the text is not a valid structured field of the asked
 * type) or `SF_DUPLICATE_KEY` (a dictionary key repeats while `rejectDuplicateKeys` is set).
 */
export type SfErrorCode = 'SF_MALFORMED' | 'SF_DUPLICATE_KEY';

/** Options of {@link parseSfDictionary}. */
export interface SfDictionaryParseOptions {
  /**
   * Refuse a dictionary whose key repeats instead of keeping the last value (RFC 8941's
   * rule). Signature fields use it: two members named `sig1` are ambiguous, not overridable.
   */
  readonly rejectDuplicateKeys?: boolean | undefined;
}

/** True when `member` is an Inner List rather than an Item. */
export const isSfInnerList = (member: SfMember): member is SfInnerList => 'items' in member;

const EMPTY_PARAMS: SfParameters = new Map();

/** An Item with no parameters. */
export const sfItem = (value: SfBareItem, params: SfParameters = EMPTY_PARAMS): SfItem => ({
  value,
  params,
});

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

class ParseError {
  constructor(readonly code: SfErrorCode) {}
}
// A module-level sentinel keeps the error path allocation-free; it is never shown to callers.
const MALFORMED = new ParseError('SF_MALFORMED');
const DUPLICATE = new ParseError('SF_DUPLICATE_KEY');

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isLcAlpha = (c: number): boolean => c >= 0x61 && c <= 0x7a;
const isAlpha = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || isLcAlpha(c);

// tchar (RFC 9110): "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
const TCHAR = new Uint8Array(128);
for (const ch of "!#$%&'*+-.^_`|~") TCHAR[ch.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) TCHAR[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) TCHAR[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) TCHAR[c] = 1;
const isTchar = (c: number): boolean => c < 128 && TCHAR[c] === 1;
const isKeyChar = (c: number): boolean =>
  isLcAlpha(c) || isDigit(c) || c === 0x5f || c === 0x2d || c === 0x2e || c === 0x2a;
const isBase64Char = (c: number): boolean =>
  isAlpha(c) || isDigit(c) || c === 0x2b || c === 0x2f || c === 0x3d;

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  get done(): boolean {
    return this.pos >= this.text.length;
  }
  peek(): number {
    return this.pos < this.text.length ? this.text.charCodeAt(this.pos) : -1;
  }
  skipSp(): void {
    while (this.peek() === 0x20) this.pos++;
  }
  skipOws(): void {
    for (let c = this.peek(); c === 0x20 || c === 0x09; c = this.peek()) this.pos++;
  }

  key(): string {
    const start = this.pos;
    const first = this.peek();
    if (!isLcAlpha(first) && first !== 0x2a) throw MALFORMED;
    this.pos++;
    while (isKeyChar(this.peek())) this.pos++;
    return this.text.slice(start, this.pos);
  }

  parameters(): SfParameters {
    if (this.peek() !== 0x3b) return EMPTY_PARAMS;
    const params = new Map<string, SfBareItem>();
    while (this.peek() === 0x3b) {
      this.pos++;
      this.skipSp();
      const key = this.key();
      let value: SfBareItem = TRUE;
      if (this.peek() === 0x3d) {
        this.pos++;
        value = this.bareItem();
      }
      params.set(key, value);
    }
    return params;
  }

  item(): SfItem {
    const value = this.bareItem();
    return { value, params: this.parameters() };
  }

  innerList(): SfInnerList {
    this.pos++; // "("
    const items: SfItem[] = [];
    for (;;) {
      this.skipSp();
      if (this.peek() === 0x29) {
        this.pos++;
        return { items, params: this.parameters() };
      }
      items.push(this.item());
      const c = this.peek();
      if (c !== 0x20 && c !== 0x29) throw MALFORMED;
    }
  }

  member(): SfMember {
    return this.peek() === 0x28 ? this.innerList() : this.item();
  }

  bareItem(): SfBareItem {
    const c = this.peek();
    if (c === 0x2d || isDigit(c)) return this.number();
    if (c === 0x22) return { type: 'string', value: this.string() };
    if (c === 0x2a || isAlpha(c)) return this.token();
    if (c === 0x3a) return this.binary();
    if (c === 0x3f) return this.boolean();
    if (c === 0x40) return this.date();
    if (c === 0x25) return this.displayString();
    throw MALFORMED;
  }

  number(): SfBareItem {
    const start = this.pos;
    let negative = false;
    if (this.peek() === 0x2d) {
      negative = true;
      this.pos++;
    }
    if (!isDigit(this.peek())) throw MALFORMED;
    const digitsStart = this.pos;
    let decimal = false;
    let fracDigits = 0;
    for (;;) {
      const c = this.peek();
      if (isDigit(c)) {
        this.pos++;
        if (decimal) fracDigits++;
      } else if (c === 0x2e && !decimal) {
        if (this.pos - digitsStart > 12) throw MALFORMED;
        decimal = true;
        this.pos++;
      } else break;
      const len = this.pos - digitsStart;
      if (!decimal && len > 15) throw MALFORMED;
      if (decimal && len > 16) throw MALFORMED;
    }
    if (decimal) {
      if (fracDigits === 0 || fracDigits > 3) throw MALFORMED;
      const value = Number(this.text.slice(start, this.pos));
      return { type: 'decimal', value: value === 0 ? 0 : value };
    }
    const value = Number(this.text.slice(digitsStart, this.pos));
    return { type: 'integer', value: negative && value !== 0 ? -value : value };
  }

  string(): string {
    this.pos++; // '"'
    let out = '';
    let runStart = this.pos;
    for (;;) {
      const c = this.peek();
      if (c === -1) throw MALFORMED;
      if (c === 0x22) {
        out += this.text.slice(runStart, this.pos);
        this.pos++;
        return out;
      }
      if (c === 0x5c) {
        out += this.text.slice(runStart, this.pos);
        this.pos++;
        const next = this.peek();
        if (next !== 0x22 && next !== 0x5c) throw MALFORMED;
        this.pos++;
        runStart = this.pos - 1;
        continue;
      }
      if (c < 0x20 || c > 0x7e) throw MALFORMED;
      this.pos++;
    }
  }

  token(): SfBareItem {
    const start = this.pos;
    this.pos++;
    for (;;) {
      const c = this.peek();
      if (isTchar(c) || c === 0x3a || c === 0x2f) this.pos++;
      else break;
    }
    return { type: 'token', value: this.text.slice(start, this.pos) };
  }

  binary(): SfBareItem {
    this.pos++; // ':'
    const start = this.pos;
    while (isBase64Char(this.peek())) this.pos++;
    if (this.peek() !== 0x3a) throw MALFORMED;
    const encoded = this.text.slice(start, this.pos);
    this.pos++;
    // Strict, canonical base64 (padded, zero spare bits): one byte string has one spelling.
    const value = decodeBase64(encoded);
    if (!value) throw MALFORMED;
    return { type: 'binary', value };
  }

  boolean(): SfBareItem {
    this.pos++; // '?'
    const c = this.peek();
    if (c !== 0x30 && c !== 0x31) throw MALFORMED;
    this.pos++;
    return c === 0x31 ? TRUE : FALSE;
  }

  date(): SfBareItem {
    this.pos++; // '@'
    const n = this.number();
    if (n.type !== 'integer') throw MALFORMED;
    return { type: 'date', value: n.value };
  }

  displayString(): SfBareItem {
    this.pos++; // '%'
    if (this.peek() !== 0x22) throw MALFORMED;
    this.pos++;
    const bytes: number[] = [];
    for (;;) {
      const c = this.peek();
      if (c === -1 || c < 0x20 || c > 0x7e) throw MALFORMED;
      this.pos++;
      if (c === 0x22) break;
      if (c === 0x25) {
        const hi = lowerHex(this.peek());
        this.pos++;
        const lo = lowerHex(this.peek());
        this.pos++;
        if (hi < 0 || lo < 0) throw MALFORMED;
        bytes.push((hi << 4) | lo);
      } else bytes.push(c);
    }
    const value = decodeUtf8(Uint8Array.from(bytes));
    if (value === undefined) throw MALFORMED;
    return { type: 'displaystring', value };
  }
}

function lowerHex(c: number): number {
  if (isDigit(c)) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

const TRUE: SfBareItem = Object.freeze({ type: 'boolean', value: true });
const FALSE: SfBareItem = Object.freeze({ type: 'boolean', value: false });

function run<T>(text: string, body: (s: Scanner) => T): Result<T, SfErrorCode> {
  if (typeof text !== 'string') return fail('SF_MALFORMED', 'Structured field is not text.');
  // Leading and trailing spaces are discarded (RFC 8941 4.2 steps 2 and 5), nothing else.
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) === 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) === 0x20) end--;
  const s = new Scanner(start === 0 && end === text.length ? text : text.slice(start, end));
  try {
    const value = body(s);
    if (!s.done) return fail('SF_MALFORMED', 'Structured field has trailing characters.');
    return ok(value);
  } catch (error) {
    if (error instanceof ParseError) {
      return error.code === 'SF_DUPLICATE_KEY'
        ? fail('SF_DUPLICATE_KEY', 'Structured field dictionary repeats a key.')
        : fail('SF_MALFORMED', 'Structured field is malformed.');
    }
    // Only a bug (not input) can get here; still report it as malformed rather than throw.
    return fail('SF_MALFORMED', 'Structured field is malformed.');
  }
}

/**
 * Parses a Structured Field List (RFC 8941 4.2.1).
 *
 * @param text - the field value (several field lines joined by ", ").
 * @returns the members, or `SF_MALFORMED`. Never throws.
 * @example
 * ```ts
 * parseSfList('"a", (b c);x=1'); // { ok: true, value: [...] }
 * ```
 */
export function parseSfList(text: string): Result<SfList, SfErrorCode> {
  return run(text, (s) => {
    const members: SfMember[] = [];
    if (s.done) return members;
    for (;;) {
      members.push(s.member());
      s.skipOws();
      if (s.done) return members;
      if (s.peek() !== 0x2c) throw MALFORMED;
      s.pos++;
      s.skipOws();
      if (s.done) throw MALFORMED; // trailing comma
    }
  });
}

/**
 * Parses a Structured Field Dictionary (RFC 8941 4.2.2).
 *
 * @param text - the field value.
 * @param options - `rejectDuplicateKeys` to refuse a repeated key instead of keeping the last.
 * @returns the ordered members, or `SF_MALFORMED` / `SF_DUPLICATE_KEY`. Never throws.
 * @example
 * ```ts
 * const r = parseSfDictionary('sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:');
 * if (r.ok) r.value.get('sha-256');
 * ```
 */
export function parseSfDictionary(
  text: string,
  options?: SfDictionaryParseOptions,
): Result<SfDictionary, SfErrorCode> {
  const rejectDuplicates = options?.rejectDuplicateKeys === true;
  return run(text, (s) => {
    const dict = new Map<string, SfMember>();
    if (s.done) return dict;
    for (;;) {
      const key = s.key();
      let member: SfMember;
      if (s.peek() === 0x3d) {
        s.pos++;
        member = s.member();
      } else {
        member = { value: TRUE, params: s.parameters() };
      }
      if (rejectDuplicates && dict.has(key)) throw DUPLICATE;
      dict.set(key, member);
      s.skipOws();
      if (s.done) return dict;
      if (s.peek() !== 0x2c) throw MALFORMED;
      s.pos++;
      s.skipOws();
      if (s.done) throw MALFORMED;
    }
  });
}

/**
 * Parses a Structured Field Item (RFC 8941 4.2.3).
 *
 * @param text - the field value.
 * @returns the item, or `SF_MALFORMED`. Never throws.
 * @example
 * ```ts
 * parseSfItem('"hello";lang=en'); // ok: { value: { type: 'string', value: 'hello' }, params }
 * ```
 */
export function parseSfItem(text: string): Result<SfItem, SfErrorCode> {
  return run(text, (s) => s.item());
}

/**
 * Parses the text of one Inner List, e.g. the value of a Signature-Input member.
 *
 * @param text - text starting with "(".
 * @returns the inner list, or `SF_MALFORMED`. Never throws.
 * @example
 * ```ts
 * parseSfInnerList('("@method" "@path");created=1618884473');
 * ```
 */
export function parseSfInnerList(text: string): Result<SfInnerList, SfErrorCode> {
  return run(text, (s) => {
    if (s.peek() !== 0x28) throw MALFORMED;
    return s.innerList();
  });
}

// ---------------------------------------------------------------------------------------------
// Serialization
// ---------------------------------------------------------------------------------------------

function invalid(what: string): never {
  throw new TypeError(`Structured field serialization: ${what}`);
}

function serializeInteger(value: number): string {
  if (!Number.isInteger(value) || Math.abs(value) > 999_999_999_999_999) {
    invalid('an integer must be whole and within +/-999,999,999,999,999');
  }
  return value === 0 ? '0' : String(value);
}

function serializeDecimal(value: number): string {
  if (!Number.isFinite(value)) invalid('a decimal must be finite');
  // Round to three fractional digits, ties to even (RFC 8941 4.1.5 step 2).
  const scaled = value * 1000;
  let rounded = Math.round(scaled);
  if (Math.abs(scaled % 1) === 0.5 && rounded % 2 !== 0) rounded -= 1;
  const negative = rounded < 0;
  const abs = Math.abs(rounded);
  const intPart = Math.floor(abs / 1000);
  if (intPart > 999_999_999_999) invalid('a decimal may have at most 12 integer digits');
  let frac = String(abs % 1000).padStart(3, '0');
  while (frac.length > 1 && frac.endsWith('0')) frac = frac.slice(0, -1);
  return `${negative ? '-' : ''}${intPart}.${frac}`;
}

function serializeString(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) invalid('a string may hold printable ASCII only');
    if (c === 0x22 || c === 0x5c) out += '\\';
    out += value[i];
  }
  return `${out}"`;
}

function serializeToken(value: string): string {
  const first = value.charCodeAt(0);
  if (!(isAlpha(first) || first === 0x2a)) invalid('a token must start with a letter or "*"');
  for (let i = 1; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (!(isTchar(c) || c === 0x3a || c === 0x2f)) invalid('a token holds tchar, ":" or "/" only');
  }
  return value;
}

function serializeDisplayString(value: string): string {
  let out = '%"';
  for (const byte of utf8(value)) {
    if (byte === 0x25 || byte === 0x22 || byte < 0x20 || byte > 0x7e) {
      out += `%${byte.toString(16).padStart(2, '0')}`;
    } else out += String.fromCharCode(byte);
  }
  return `${out}"`;
}

/**
 * Serializes a bare item (RFC 8941 4.1.3.1).
 *
 * @throws TypeError when the value cannot be represented (e.g. a non-ASCII string); values
 * returned by the parsers always serialize.
 * @example
 * ```ts
 * serializeSfBareItem({ type: 'string', value: 'hi' }); // '"hi"'
 * ```
 */
export function serializeSfBareItem(item: SfBareItem): string {
  switch (item.type) {
    case 'integer':
      return serializeInteger(item.value);
    case 'decimal':
      return serializeDecimal(item.value);
    case 'string':
      return serializeString(item.value);
    case 'token':
      return serializeToken(item.value);
    case 'binary':
      return `:${encodeBase64(item.value)}:`;
    case 'boolean':
      return item.value ? '?1' : '?0';
    case 'date':
      return `@${serializeInteger(item.value)}`;
    case 'displaystring':
      return serializeDisplayString(item.value);
    default:
      return invalid('unknown bare item type');
  }
}

function serializeKey(key: string): string {
  const first = key.charCodeAt(0);
  if (!(isLcAlpha(first) || first === 0x2a)) invalid('a key must start with a-z or "*"');
  for (let i = 1; i < key.length; i++) {
    if (!isKeyChar(key.charCodeAt(i))) invalid('a key holds a-z, 0-9, "_", "-", "." or "*" only');
  }
  return key;
}

/** Serializes parameters (RFC 8941 4.1.1.2): `;key` for true, `;key=value` otherwise. */
export function serializeSfParameters(params: SfParameters): string {
  let out = '';
  for (const [key, value] of params) {
    out += `;${serializeKey(key)}`;
    if (!(value.type === 'boolean' && value.value === true))
      out += `=${serializeSfBareItem(value)}`;
  }
  return out;
}

/**
 * Serializes an Item or an Inner List.
 *
 * @throws TypeError on a value that cannot be represented.
 * @example
 * ```ts
 * serializeSfMember(sfItem({ type: 'token', value: 'abc' })); // 'abc'
 * ```
 */
export function serializeSfMember(member: SfMember): string {
  if (isSfInnerList(member)) {
    let out = '(';
    for (let i = 0; i < member.items.length; i++) {
      if (i > 0) out += ' ';
      const item = member.items[i]!;
      out += serializeSfBareItem(item.value) + serializeSfParameters(item.params);
    }
    return `${out})${serializeSfParameters(member.params)}`;
  }
  return serializeSfBareItem(member.value) + serializeSfParameters(member.params);
}

/**
 * Serializes a List (RFC 8941 4.1.1).
 *
 * @throws TypeError on a value that cannot be represented.
 * @example
 * ```ts
 * serializeSfList([sfItem({ type: 'integer', value: 1 })]); // '1'
 * ```
 */
export function serializeSfList(list: SfList): string {
  return list.map(serializeSfMember).join(', ');
}

/**
 * Serializes a Dictionary (RFC 8941 4.1.2): a member whose value is Boolean true is
 * written as its key and parameters alone.
 *
 * @throws TypeError on a value that cannot be represented.
 * @example
 * ```ts
 * serializeSfDictionary(new Map([['a', sfItem({ type: 'boolean', value: true })]])); // 'a'
 * ```
 */
export function serializeSfDictionary(dict: SfDictionary): string {
  const parts: string[] = [];
  for (const [key, member] of dict) {
    if (!isSfInnerList(member) && member.value.type === 'boolean' && member.value.value) {
      parts.push(serializeKey(key) + serializeSfParameters(member.params));
    } else {
      parts.push(`${serializeKey(key)}=${serializeSfMember(member)}`);
    }
  }
  return parts.join(', ');
}
