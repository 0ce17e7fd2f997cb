// Log injection (CWE-117): a value that carries CR or LF can start a forged line in any
// line-oriented log; ANSI escapes can rewrite a terminal; U+2028/2029 break JavaScript
// and some log viewers; bidirectional overrides make a line read differently than it is
// stored. Each such character becomes a visible `\uXXXX` escape, so nothing is lost and
// nothing is interpreted.

const HEX = '0123456789abcdef';

function isUnsafe(c: number): boolean {
  return (
    c < 0x20 ||
    (c >= 0x7f && c <= 0x9f) ||
    c === 0x2028 ||
    c === 0x2029 ||
    (c >= 0x202a && c <= 0x202e) ||
    (c >= 0x2066 && c <= 0x2069) ||
    c === 0xfeff
  );
}

function escapeCode(c: number): string {
  return `\\u${HEX[(c >> 12) & 15]}${HEX[(c >> 8) & 15]}${HEX[(c >> 4) & 15]}${HEX[c & 15]}`;
}

/**
 * Makes a string safe to write into a log line: C0 and C1 control characters (CR, LF, TAB,
 * ESC...), DEL, the Unicode line and paragraph separators, bidirectional overrides and the
 * BOM are replaced by a visible `\uXXXX` escape, and the result is cut to `maxLength`
 * characters (with a `…[truncated]` marker) so one value cannot flood the log.
 *
 * @param text - Untrusted text (a header, a path, a user name).
 * @param maxLength - Longest result kept. Default 1024.
 * @returns The neutralised text; the same string when nothing needed changing.
 * @example
 * ```ts
 * neutralizeLogText('alice\r\n{"type":"authn_login_success"}');
 * // 'alice\\u000d\\u000a{"type":"authn_login_success"}'
 * ```
 */
export function neutralizeLogText(text: string, maxLength = 1024): string {
  let i = 0;
  const n = Math.min(text.length, maxLength);
  for (; i < n; i++) if (isUnsafe(text.charCodeAt(i))) break;
  if (i === n) return text.length > maxLength ? `${text.slice(0, maxLength)}…[truncated]` : text;
  let out = text.slice(0, i);
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    out += isUnsafe(c) ? escapeCode(c) : text[i];
  }
  return text.length > maxLength ? `${out}…[truncated]` : out;
}

/** Limits on the values copied from rule details into an event. */
export interface LogValueLimits {
  readonly maxDepth: number;
  readonly maxKeys: number;
  readonly maxStringLength: number;
}

/**
 * Copies a value into plain, log-safe JSON data: every string (keys too) neutralised,
 * depth, key count and string length bounded, functions and symbols dropped, bytes
 * summarised (never printed), cycles cut. `text`, when given, replaces the treatment of
 * string values (the audit log's pre-redaction copy keeps them whole).
 */
export function toLogValue(
  value: unknown,
  limits: LogValueLimits,
  depth = 0,
  text?: (value: string) => string,
): unknown {
  switch (typeof value) {
    case 'string':
      return text ? text(value) : neutralizeLogText(value, limits.maxStringLength);
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return null;
  if (depth >= limits.maxDepth) return '[depth limit]';
  // Every binary view, not only Uint8Array: a Uint16Array or DataView would otherwise be
  // walked key by key and log its contents.
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer)
    return `[${value.byteLength} bytes]`;
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? null : value.toISOString();
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    const n = Math.min(value.length, limits.maxKeys);
    for (let i = 0; i < n; i++) {
      const v = toLogValue(value[i], limits, depth + 1, text);
      out.push(v === undefined ? null : v);
    }
    if (value.length > n) out.push(`[${value.length - n} more]`);
    return out;
  }
  const out: Record<string, unknown> = {};
  let count = 0;
  for (const key of Object.keys(value as object)) {
    if (count++ >= limits.maxKeys) {
      out['…'] = '[more keys]';
      break;
    }
    const v = toLogValue((value as Record<string, unknown>)[key], limits, depth + 1, text);
    // A `__proto__` key would set the copy's prototype instead of a property.
    if (v !== undefined) out[key === '__proto__' ? '[__proto__]' : neutralizeLogText(key, 128)] = v;
  }
  return out;
}
