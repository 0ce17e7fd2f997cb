// Builds the signature base of RFC 9421 section 2.5 from a request: one line per covered
// component, then the @signature-params line. Shared by the signer and the verifier so
// both derive every component the same way.

import { fail, ok, type Result } from '../internal/result.js';
import type { HeaderReader } from '../protect/types.js';
import {
  parseSfDictionary,
  parseSfItem,
  parseSfList,
  type SfInnerList,
  type SfItem,
  serializeSfBareItem,
  serializeSfDictionary,
  serializeSfList,
  serializeSfMember,
  serializeSfParameters,
} from './structured-fields.js';

/** Structured-field type of a header, for the `sf` and `key` component parameters. */
export type StructuredFieldType = 'item' | 'list' | 'dictionary';

/** Headers known to be structured fields (RFC 9421, RFC 9530, RFC 9218, RFC 9211, RFC 9209). */
export const KNOWN_STRUCTURED_FIELDS: Readonly<Record<string, StructuredFieldType>> = {
  'signature-input': 'dictionary',
  signature: 'dictionary',
  'accept-signature': 'dictionary',
  'content-digest': 'dictionary',
  'repr-digest': 'dictionary',
  'want-content-digest': 'dictionary',
  'want-repr-digest': 'dictionary',
  priority: 'dictionary',
  'cache-status': 'list',
  'proxy-status': 'list',
};

/** Component errors, a subset of the signing codes. */
export type ComponentErrorCode =
  | 'COMPONENT_MISSING'
  | 'COMPONENT_UNSUPPORTED'
  | 'COMPONENT_INVALID';

/** The parts of a request the base is built from. */
export interface BaseRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: HeaderReader;
}

const DERIVED = new Set([
  '@method',
  '@target-uri',
  '@authority',
  '@scheme',
  '@request-target',
  '@path',
  '@query',
  '@query-param',
]);

/** Checks a component identifier's shape; returns its name. */
export function checkComponentIdentifier(
  item: SfItem,
): Result<string, 'SIGNATURE_MALFORMED' | 'COMPONENT_UNSUPPORTED'> {
  if (item.value.type !== 'string') {
    return fail('SIGNATURE_MALFORMED', 'Covered components must be strings.');
  }
  const name = item.value.value;
  if (name.length === 0 || name !== name.toLowerCase()) {
    return fail('SIGNATURE_MALFORMED', 'Component names must be lower-case and not empty.');
  }
  const derived = name.charCodeAt(0) === 0x40;
  if (derived && !DERIVED.has(name)) {
    return fail('COMPONENT_UNSUPPORTED', 'A covered derived component is not supported.');
  }
  for (const [param, value] of item.params) {
    if (param === 'name' && name === '@query-param' && value.type === 'string') continue;
    if (!derived && param === 'sf' && value.type === 'boolean' && value.value) continue;
    if (!derived && param === 'key' && value.type === 'string') continue;
    // bs, req and tr (and anything unknown) cannot be honoured here: failing is the rule
    // (RFC 9421 2.1), as silently dropping a parameter would sign something else.
    return fail('COMPONENT_UNSUPPORTED', 'A covered component has an unsupported parameter.');
  }
  if (name === '@query-param' && !item.params.has('name')) {
    return fail('SIGNATURE_MALFORMED', '@query-param needs a name parameter.');
  }
  if (item.params.has('sf') && item.params.has('key')) {
    return fail('SIGNATURE_MALFORMED', 'A component cannot have both sf and key.');
  }
  return ok(name);
}

// application/x-www-form-urlencoded percent-encode set, with space as %20 (RFC 9421 2.2.8).
function encodeQueryPart(text: string): string {
  let out = '';
  const bytes = new TextEncoder().encode(text);
  for (const b of bytes) {
    const keep =
      (b >= 0x30 && b <= 0x39) ||
      (b >= 0x41 && b <= 0x5a) ||
      (b >= 0x61 && b <= 0x7a) ||
      b === 0x2a ||
      b === 0x2d ||
      b === 0x2e ||
      b === 0x5f;
    out += keep ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function trimOws(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && (value.charCodeAt(start) === 0x20 || value.charCodeAt(start) === 0x09))
    start++;
  while (end > start && (value.charCodeAt(end - 1) === 0x20 || value.charCodeAt(end - 1) === 0x09))
    end--;
  return value.slice(start, end);
}

function hasLineBreak(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x0a || c === 0x0d) return true;
  }
  return false;
}

/** The value of one component of the request (RFC 9421 section 2). */
export function deriveComponentValue(
  item: SfItem,
  name: string,
  request: BaseRequest,
  structuredFields: Readonly<Record<string, StructuredFieldType>>,
): Result<string, ComponentErrorCode> {
  const url = request.url;
  switch (name) {
    case '@method':
      return ok(request.method);
    case '@target-uri':
      return ok(url.href);
    case '@authority':
      return ok(url.host.toLowerCase());
    case '@scheme':
      return ok(url.protocol.slice(0, -1).toLowerCase());
    case '@request-target':
      return ok(url.pathname + (url.search || (url.href.endsWith('?') ? '?' : '')));
    case '@path':
      return ok(url.pathname || '/');
    case '@query':
      return ok(url.search || '?');
    case '@query-param': {
      const param = item.params.get('name');
      if (param?.type !== 'string') return fail('COMPONENT_INVALID', '@query-param needs a name.');
      const values = url.searchParams.getAll(param.value);
      if (values.length === 0)
        return fail('COMPONENT_MISSING', 'A covered query parameter is absent.');
      if (values.length > 1) {
        return fail('COMPONENT_INVALID', 'A covered query parameter occurs more than once.');
      }
      return ok(encodeQueryPart(values[0]!));
    }
    default:
      break;
  }
  const raw = request.headers.get(name);
  if (raw === null) return fail('COMPONENT_MISSING', 'A covered header is absent.');
  const value = trimOws(raw);
  if (hasLineBreak(value)) return fail('COMPONENT_INVALID', 'A covered header holds a line break.');
  const keyParam = item.params.get('key');
  if (keyParam?.type === 'string') {
    const dict = parseSfDictionary(value);
    if (!dict.ok) return fail('COMPONENT_INVALID', 'A covered header is not a dictionary.');
    const member = dict.value.get(keyParam.value);
    if (!member) return fail('COMPONENT_MISSING', 'A covered dictionary member is absent.');
    return ok(serializeSfMember(member));
  }
  if (item.params.has('sf')) {
    const type = structuredFields[name];
    if (!type)
      return fail('COMPONENT_UNSUPPORTED', 'A covered header is not a known structured field.');
    const parsed =
      type === 'dictionary'
        ? parseSfDictionary(value)
        : type === 'list'
          ? parseSfList(value)
          : parseSfItem(value);
    if (!parsed.ok) return fail('COMPONENT_INVALID', 'A covered structured header is malformed.');
    // Re-serialized: the canonical form is what is signed.
    const v = parsed.value;
    if (v instanceof Map) return ok(serializeSfDictionary(v));
    return ok(Array.isArray(v) ? serializeSfList(v) : serializeSfMember(v as SfItem));
  }
  return ok(value);
}

/** Serialized component identifier, e.g. `"@query-param";name="pet"`. */
export function serializeComponentIdentifier(item: SfItem): string {
  return serializeSfBareItem(item.value) + serializeSfParameters(item.params);
}

/**
 * The whole signature base for one signature. `names` are the checked names of
 * `params.items`, in order.
 */
export function buildSignatureBase(
  params: SfInnerList,
  names: readonly string[],
  request: BaseRequest,
  structuredFields: Readonly<Record<string, StructuredFieldType>>,
): Result<string, ComponentErrorCode> {
  let base = '';
  for (let i = 0; i < params.items.length; i++) {
    const item = params.items[i]!;
    const value = deriveComponentValue(item, names[i]!, request, structuredFields);
    if (!value.ok) return value;
    base += `${serializeComponentIdentifier(item)}: ${value.value}\n`;
  }
  return ok(`${base}"@signature-params": ${serializeSfMember(params)}`);
}
