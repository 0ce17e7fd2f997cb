// JSON Canonicalization Scheme (RFC 8785): one byte sequence per JSON value, so a hash of
// it identifies the value whatever the key order or number spelling it arrived in.

/** Most nesting levels accepted (a cycle also ends here). */
export const CANONICAL_MAX_DEPTH = 64;
/** Most characters of canonical output. */
export const CANONICAL_MAX_LENGTH = 1024 * 1024;

/** Why a value has no canonical form. */
export type CanonicalJsonProblem =
  | 'not JSON data'
  | 'a number that is not finite'
  | 'a string with a lone surrogate'
  | 'nested too deeply'
  | 'too large';

// A lone (unpaired) surrogate: I-JSON (RFC 7493), and so RFC 8785, forbids it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The RFC 8785 canonical JSON text of `value`: object members sorted by the UTF-16 code
 * units of their names, no whitespace, numbers as ECMAScript prints them, strings escaped as
 * JSON.stringify does. Only plain JSON data is accepted: a problem is returned (never thrown)
 * for `undefined`, functions, bigints, symbols, class instances (Dates included), non-finite
 * numbers, lone surrogates, depth over 64 or output over 1 MiB.
 */
export function canonicalJson(
  value: unknown,
): { ok: true; text: string } | { ok: false; problem: CanonicalJsonProblem } {
  const out: string[] = [];
  let length = 0;
  const push = (s: string): boolean => {
    length += s.length;
    out.push(s);
    return length <= CANONICAL_MAX_LENGTH;
  };
  const walk = (v: unknown, depth: number): CanonicalJsonProblem | undefined => {
    if (depth > CANONICAL_MAX_DEPTH) return 'nested too deeply';
    if (v === null) return push('null') ? undefined : 'too large';
    switch (typeof v) {
      case 'boolean':
        return push(v ? 'true' : 'false') ? undefined : 'too large';
      case 'number':
        if (!Number.isFinite(v)) return 'a number that is not finite';
        return push(JSON.stringify(v)) ? undefined : 'too large';
      case 'string':
        if (LONE_SURROGATE.test(v)) return 'a string with a lone surrogate';
        return push(JSON.stringify(v)) ? undefined : 'too large';
      case 'object':
        break;
      default:
        return 'not JSON data';
    }
    if (Array.isArray(v)) {
      if (!push('[')) return 'too large';
      for (let i = 0; i < v.length; i++) {
        if (i > 0 && !push(',')) return 'too large';
        const p = walk(v[i], depth + 1);
        if (p) return p;
      }
      return push(']') ? undefined : 'too large';
    }
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return 'not JSON data';
    const o = v as Record<string, unknown>;
    // Default sort compares UTF-16 code units, as RFC 8785 3.2.3 requires.
    const keys = Object.keys(o).sort();
    if (!push('{')) return 'too large';
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      if (LONE_SURROGATE.test(k)) return 'a string with a lone surrogate';
      if (!push(`${i > 0 ? ',' : ''}${JSON.stringify(k)}:`)) return 'too large';
      const p = walk(o[k], depth + 1);
      if (p) return p;
    }
    return push('}') ? undefined : 'too large';
  };
  const problem = walk(value, 0);
  return problem === undefined ? { ok: true, text: out.join('') } : { ok: false, problem };
}
