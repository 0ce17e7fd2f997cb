import { ALL_TYPES_MASK, type RawEntity, scanText, TYPE_BIT } from './scanner.js';
import type { DetectedEntity, DetectOptions, PiiType } from './types.js';

/** Bit mask of the enabled types; throws on an unknown type (a developer mistake). */
export function computeTypeMask(types: readonly PiiType[] | undefined): number {
  if (types === undefined) return ALL_TYPES_MASK;
  let mask = 0;
  for (const t of types) {
    const bit = TYPE_BIT[t];
    if (bit === undefined) {
      throw new TypeError(
        `redact: unknown PII type "${String(t)}"; use one of ${Object.keys(TYPE_BIT).join(', ')}`,
      );
    }
    mask |= bit;
  }
  return mask;
}

/** In: whether the text before `from` is known to need no normalization. Out: whether it ran. */
export interface ScanStatus {
  contextClean: boolean;
  normalized: boolean;
}

/** Zero-width characters and fullwidth ASCII: what normalization removes or folds. */
export const isNormalizedAway = (c: number): boolean =>
  c === 0xad ||
  (c >= 0x200b && c <= 0x200d) ||
  c === 0x2060 ||
  c === 0xfeff ||
  (c >= 0xff01 && c <= 0xff5e);

/**
 * Text with zero-width characters removed and fullwidth ASCII folded to ASCII (what NFKC does
 * to U+FF01..U+FF5E), plus the original index of every normalized character.
 */
function normalizeForScan(text: string): { norm: string; map: Int32Array } {
  const map = new Int32Array(text.length + 1);
  let norm = '';
  let j = 0;
  let chunkStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const zeroWidth = c === 0xad || (c >= 0x200b && c <= 0x200d) || c === 0x2060 || c === 0xfeff;
    const fullwidth = c >= 0xff01 && c <= 0xff5e;
    if (zeroWidth || fullwidth) {
      norm += text.slice(chunkStart, i);
      chunkStart = i + 1;
      if (fullwidth) {
        norm += String.fromCharCode(c - 0xfee0);
        map[j++] = i;
      }
      continue;
    }
    map[j++] = i;
  }
  norm += text.slice(chunkStart);
  map[j] = text.length;
  return { norm, map };
}

/**
 * Scans `text` from `from`; entities (and, for streaming, handler spans) come back in the
 * coordinates of `text` even when detection ran on a normalized copy.
 */
export function detectRaw(
  text: string,
  from: number,
  mask: number,
  spans: number[] | null,
  status?: ScanStatus,
): RawEntity[] {
  const out: RawEntity[] = [];
  // The look-behind context before `from` is read too, so it decides normalization as well
  // (a caller that knows the context is clean says so and skips the check).
  let contextNeedsIt = false;
  if (status?.contextClean !== true) {
    for (let i = 0; i < from && !contextNeedsIt; i++)
      contextNeedsIt = isNormalizedAway(text.charCodeAt(i));
  }
  if (status) status.normalized = false;
  if (!contextNeedsIt && scanText(text, from, mask, out, spans)) return out;
  if (status) status.normalized = true;
  const { norm, map } = normalizeForScan(text);
  out.length = 0;
  if (spans !== null) spans.length = 0;
  let normFrom = 0;
  while (normFrom < norm.length && map[normFrom]! < from) normFrom++;
  scanText(norm, normFrom, mask, out, spans);
  const toOrig = (k: number): number =>
    k >= norm.length ? text.length + (k - norm.length) : map[k]!;
  for (const e of out) {
    e.start = map[e.start]!;
    e.end = map[e.end - 1]! + 1;
  }
  if (spans !== null) for (let k = 0; k < spans.length; k++) spans[k] = toOrig(spans[k]!);
  return out;
}

/** The public form of a found entity (with its provider, for an `API_KEY`). */
export function toDetected(text: string, e: RawEntity): DetectedEntity {
  const value = text.slice(e.start, e.end);
  return e.provider === undefined
    ? { type: e.type, start: e.start, end: e.end, value }
    : { type: e.type, start: e.start, end: e.end, value, provider: e.provider };
}

/**
 * Finds personal data and secrets in `text`. Every candidate is confirmed by a validator
 * (Luhn and card network, SSA rules, IBAN mod-97, numbering plans, IP parsing, token
 * checksums), so shapes alone (order numbers, timestamps, UUIDs) are not reported.
 * Zero-width characters and fullwidth digits do not hide a value.
 *
 * @param text - Any string; never throws on its content.
 * @param options - `types` to restrict the detectors (throws on an unknown type name).
 * @returns Entities in order, non-overlapping, with UTF-16 offsets into `text`.
 * @example
 * ```ts
 * detect('mail me: ana@example.com');
 * // [{ type: 'EMAIL', start: 9, end: 24, value: 'ana@example.com' }]
 * ```
 */
export function detect(text: string, options?: DetectOptions): DetectedEntity[] {
  const raw = detectRaw(text, 0, computeTypeMask(options?.types), null);
  return raw.map((e) => toDetected(text, e));
}

/**
 * True when `text` contains any value the enabled detectors find (stops at nothing; the
 * scan is a single pass either way).
 *
 * @example
 * ```ts
 * containsPii('nothing to see'); // false
 * ```
 */
export function containsPii(text: string, options?: DetectOptions): boolean {
  return detectRaw(text, 0, computeTypeMask(options?.types), null).length > 0;
}
