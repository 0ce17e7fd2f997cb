// Strict reading of a JSON-lines audit log. JSON.parse keeps the last of two members with
// the same name, other parsers (and people reading the line) the first: a line carrying a
// duplicated field, placed first, reads differently elsewhere while its hash still matches
// what JSON.parse returns. Such a line is refused. The scan is one pass over the line with
// an explicit stack (no recursion), bounded in length and depth.
import { type AuditCheckpoint, isAuditCheckpoint } from './audit-checkpoint.js';
import type { SecurityEvent } from './types.js';

/**
 * Why a line of the log cannot be read:
 * - `AUDIT_LINE_TOO_LONG`: longer than `maxLineLength`.
 * - `AUDIT_LINE_TOO_DEEP`: nested deeper than `maxDepth`.
 * - `AUDIT_LINE_INVALID_JSON`: not JSON.
 * - `AUDIT_LINE_DUPLICATE_KEY`: an object has two members of the same name.
 * - `AUDIT_LINE_NOT_OBJECT`: valid JSON, but not an object.
 * - `AUDIT_LOG_TOO_LARGE`: more lines than `maxLines`.
 */
export type AuditLineErrorCode =
  | 'AUDIT_LINE_TOO_LONG'
  | 'AUDIT_LINE_TOO_DEEP'
  | 'AUDIT_LINE_INVALID_JSON'
  | 'AUDIT_LINE_DUPLICATE_KEY'
  | 'AUDIT_LINE_NOT_OBJECT'
  | 'AUDIT_LOG_TOO_LARGE';

/** Bounds of {@link parseAuditLine} and {@link parseAuditLog}. */
export interface ParseAuditLogOptions {
  /** Longest line, in characters. Default 1,048,576. */
  readonly maxLineLength?: number | undefined;
  /** Deepest nesting. Default 64. */
  readonly maxDepth?: number | undefined;
  /** Most non-empty lines in a log. Default 10,000,000. */
  readonly maxLines?: number | undefined;
}

/** A failure to read a line; `line` is 1-based (0 for the whole log). */
export interface AuditLineError {
  readonly code: AuditLineErrorCode;
  readonly message: string;
  readonly line: number;
}

type LineResult =
  | { readonly ok: true; readonly value: Record<string, unknown> }
  | { readonly ok: false; readonly error: AuditLineError };

const lineFail = (code: AuditLineErrorCode, line: number, message: string): LineResult => ({
  ok: false,
  error: { code, message, line },
});

const isWs = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/** End (one past the closing quote) of the JSON string starting at `i`, or -1. */
function scanString(text: string, i: number): number {
  // text[i] is '"'
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x22) return j + 1;
    if (c < 0x20) return -1;
    if (c === 0x5c) {
      const e = text.charCodeAt(j + 1);
      if (e === 0x75) {
        for (let k = j + 2; k < j + 6; k++) {
          const h = text.charCodeAt(k);
          if (!(isDigit(h) || (h >= 0x41 && h <= 0x46) || (h >= 0x61 && h <= 0x66))) return -1;
        }
        j += 5;
      } else if (
        e === 0x22 ||
        e === 0x5c ||
        e === 0x2f ||
        e === 0x62 ||
        e === 0x66 ||
        e === 0x6e ||
        e === 0x72 ||
        e === 0x74
      ) {
        j += 1;
      } else return -1;
    }
  }
  return -1;
}

/** End of the JSON number starting at `i`, or -1. */
function scanNumber(text: string, i: number): number {
  let j = i;
  if (text.charCodeAt(j) === 0x2d) j++;
  if (text.charCodeAt(j) === 0x30) j++;
  else if (isDigit(text.charCodeAt(j))) while (isDigit(text.charCodeAt(j))) j++;
  else return -1;
  if (text.charCodeAt(j) === 0x2e) {
    j++;
    if (!isDigit(text.charCodeAt(j))) return -1;
    while (isDigit(text.charCodeAt(j))) j++;
  }
  const e = text.charCodeAt(j);
  if (e === 0x65 || e === 0x45) {
    j++;
    const s = text.charCodeAt(j);
    if (s === 0x2b || s === 0x2d) j++;
    if (!isDigit(text.charCodeAt(j))) return -1;
    while (isDigit(text.charCodeAt(j))) j++;
  }
  return j;
}

/**
 * Checks that `text` is one JSON value with no duplicate member names (compared after
 * escapes are decoded, so `"a"` and `"\u0061"` are the same name). Returns the code of the
 * first problem, or undefined.
 */
function checkJson(text: string, maxDepth: number): AuditLineErrorCode | undefined {
  // Each open container: the names seen (objects) or null (arrays).
  const stack: (Set<string> | null)[] = [];
  // What may come next: a value, an object member name (or '}'), ',' or the closer.
  let expect: 'value' | 'key' | 'firstKey' | 'firstValue' | 'after' = 'value';
  let i = 0;
  const n = text.length;
  while (true) {
    while (i < n && isWs(text.charCodeAt(i))) i++;
    if (i >= n)
      return expect === 'after' && stack.length === 0 ? undefined : 'AUDIT_LINE_INVALID_JSON';
    const c = text.charCodeAt(i);
    if (expect === 'after') {
      const top = stack[stack.length - 1];
      if (top === undefined) return 'AUDIT_LINE_INVALID_JSON'; // text after the value
      if (c === 0x2c) {
        expect = top === null ? 'value' : 'key';
        i++;
        continue;
      }
      if ((c === 0x7d && top !== null) || (c === 0x5d && top === null)) {
        stack.pop();
        i++;
        continue;
      }
      return 'AUDIT_LINE_INVALID_JSON';
    }
    if (expect === 'key' || expect === 'firstKey') {
      if (c === 0x7d && expect === 'firstKey') {
        stack.pop();
        expect = 'after';
        i++;
        continue;
      }
      if (c !== 0x22) return 'AUDIT_LINE_INVALID_JSON';
      const end = scanString(text, i);
      if (end < 0) return 'AUDIT_LINE_INVALID_JSON';
      const raw = text.slice(i, end);
      const name = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
      const names = stack[stack.length - 1]!;
      if (names.has(name)) return 'AUDIT_LINE_DUPLICATE_KEY';
      names.add(name);
      i = end;
      while (i < n && isWs(text.charCodeAt(i))) i++;
      if (text.charCodeAt(i) !== 0x3a) return 'AUDIT_LINE_INVALID_JSON';
      i++;
      expect = 'value';
      continue;
    }
    // A value.
    if (c === 0x7b || c === 0x5b) {
      if (stack.length >= maxDepth) return 'AUDIT_LINE_TOO_DEEP';
      stack.push(c === 0x7b ? new Set() : null);
      expect = c === 0x7b ? 'firstKey' : 'firstValue';
      i++;
      continue;
    }
    if (c === 0x5d && expect === 'firstValue') {
      stack.pop();
      expect = 'after';
      i++;
      continue;
    }
    let end: number;
    if (c === 0x22) end = scanString(text, i);
    else if (c === 0x2d || isDigit(c)) end = scanNumber(text, i);
    else if (text.startsWith('true', i)) end = i + 4;
    else if (text.startsWith('false', i)) end = i + 5;
    else if (text.startsWith('null', i)) end = i + 4;
    else end = -1;
    if (end < 0) return 'AUDIT_LINE_INVALID_JSON';
    i = end;
    expect = 'after';
  }
}

function bound(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < 1) {
    throw new RangeError(`parseAuditLog: ${name} must be a whole number from 1.`);
  }
  return v;
}

/**
 * Reads one line of an audit log strictly: JSON, an object, no duplicate member names,
 * bounded length and depth. Never throws on bad input.
 *
 * @param lineNumber - 1-based, for the error.
 * @throws RangeError when an option is not a whole number from 1.
 */
export function parseAuditLine(
  line: string,
  options: ParseAuditLogOptions = {},
  lineNumber = 1,
): LineResult {
  const maxLineLength = bound(options.maxLineLength, 1_048_576, 'maxLineLength');
  const maxDepth = bound(options.maxDepth, 64, 'maxDepth');
  if (typeof line !== 'string') {
    return lineFail('AUDIT_LINE_INVALID_JSON', lineNumber, `Line ${lineNumber} is not text.`);
  }
  if (line.length > maxLineLength) {
    return lineFail(
      'AUDIT_LINE_TOO_LONG',
      lineNumber,
      `Line ${lineNumber} is longer than ${maxLineLength} characters.`,
    );
  }
  const problem = checkJson(line, maxDepth);
  if (problem === 'AUDIT_LINE_DUPLICATE_KEY') {
    return lineFail(
      problem,
      lineNumber,
      `Line ${lineNumber} has an object with two members of the same name: other readers would see another event than the one hashed.`,
    );
  }
  if (problem === 'AUDIT_LINE_TOO_DEEP') {
    return lineFail(problem, lineNumber, `Line ${lineNumber} is nested deeper than ${maxDepth}.`);
  }
  if (problem) {
    return lineFail(
      problem,
      lineNumber,
      `Line ${lineNumber} is not JSON: the log was damaged or edited by hand.`,
    );
  }
  const value: unknown = JSON.parse(line);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return lineFail(
      'AUDIT_LINE_NOT_OBJECT',
      lineNumber,
      `Line ${lineNumber} is not an event (a JSON object).`,
    );
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/** A parsed log: events in order, checkpoints apart, each with its 1-based line. */
export interface ParsedAuditLog {
  readonly events: SecurityEvent[];
  readonly eventLines: number[];
  readonly checkpoints: AuditCheckpoint[];
  readonly checkpointLines: number[];
}

/**
 * Reads a JSON-lines audit log strictly (see {@link parseAuditLine}); blank lines are
 * skipped, checkpoint records (`type: "audit_checkpoint"`) are set apart from events.
 *
 * @example
 * ```ts
 * const parsed = parseAuditLog(text);
 * if (!parsed.ok) console.error(parsed.error.code, 'at line', parsed.error.line);
 * else verifyAuditChain(parsed.value.events, { key });
 * ```
 */
export function parseAuditLog(
  text: string,
  options: ParseAuditLogOptions = {},
):
  | { readonly ok: true; readonly value: ParsedAuditLog }
  | { readonly ok: false; readonly error: AuditLineError } {
  const maxLines = bound(options.maxLines, 10_000_000, 'maxLines');
  const out: ParsedAuditLog = { events: [], eventLines: [], checkpoints: [], checkpointLines: [] };
  if (typeof text !== 'string') {
    return {
      ok: false,
      error: { code: 'AUDIT_LINE_INVALID_JSON', message: 'The log is not text.', line: 0 },
    };
  }
  let count = 0;
  let start = 0;
  for (let lineNumber = 1; start <= text.length; lineNumber++) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (line === '') continue;
    if (++count > maxLines) {
      return {
        ok: false,
        error: {
          code: 'AUDIT_LOG_TOO_LARGE',
          message: `The log has more than ${maxLines} lines.`,
          line: lineNumber,
        },
      };
    }
    const parsed = parseAuditLine(line, options, lineNumber);
    if (!parsed.ok) return parsed;
    if (isAuditCheckpoint(parsed.value)) {
      out.checkpoints.push(parsed.value);
      out.checkpointLines.push(lineNumber);
    } else {
      out.events.push(parsed.value as unknown as SecurityEvent);
      out.eventLines.push(lineNumber);
    }
  }
  return { ok: true, value: out };
}
