import { detectRaw, type ScanStatus } from './detect.js';
import {
  createRedactor,
  getRedactorInternals,
  type RedactOptions,
  type Redactor,
} from './redact.js';
import { LOOKBEHIND_MAX } from './scanner.js';

/** Options of {@link createRedactionStream}. */
export interface RedactionStreamOptions extends RedactOptions {
  /**
   * Most characters held back while a candidate is still open (default 65,536). Candidates are
   * bounded far below this (a PEM block, the longest, is capped at 16 KiB), so the cap is only
   * reached by adversarial input; then text is released at the last point outside any entity
   * found so far.
   */
  readonly maxHoldBack?: number | undefined;
  /** A redactor made by {@link createRedactor}, to share keys and a vault with other calls. */
  readonly redactor?: Redactor | undefined;
  /**
   * Characters to collect before scanning again (default 128). Smaller releases text sooner;
   * larger costs less per character. Token-sized chunks are scanned once per batch, not per token.
   */
  readonly batchSize?: number | undefined;
}

/** Incremental redaction state: push text, get the part that is final. */
export interface IncrementalRedactor {
  /** Adds text and returns the redacted output that can be released now (maybe ""). */
  push(chunk: string): string;
  /** Ends the input and returns the rest. */
  end(): string;
}

const isSpaceCode = (c: number): boolean => c === 32 || c === 10 || c === 9 || c === 13;

/**
 * The core of the streaming redactor, usable without Web Streams. Output is exactly what
 * whole-text redaction gives, for any chunking: text is released only up to a point after
 * whitespace that no open candidate spans (every detector reads a bounded window and reports
 * it), and the last characters before that point are kept as look-behind context.
 *
 * @example
 * ```ts
 * const r = createIncrementalRedactor();
 * r.push('card 4111 1111 ') + r.push('1111 1111 thanks') + r.end();
 * // "card [CREDIT_CARD] thanks"
 * ```
 */
export function createIncrementalRedactor(
  options: RedactionStreamOptions = {},
): IncrementalRedactor {
  const redactor = getRedactorInternals(options.redactor ?? createRedactor(options));
  const maxHold = options.maxHoldBack ?? 65_536;
  if (!Number.isInteger(maxHold) || maxHold < 1024) {
    throw new TypeError('createRedactionStream: maxHoldBack must be an integer >= 1024');
  }
  const batch = options.batchSize ?? 128;
  if (!Number.isInteger(batch) || batch < 1 || batch > maxHold) {
    throw new TypeError(
      'createRedactionStream: batchSize must be an integer between 1 and maxHoldBack',
    );
  }
  // The held text is parts[0]; chunks pushed since the last scan follow it. They are joined
  // once per scan: Array#join builds one flat string, which the scanner reads about 1.3x
  // faster than the rope that `buf += chunk` makes. A fresh array per scan (and for spans)
  // is cheaper than truncating one: setting `length` is a runtime call.
  let parts: string[] = [''];
  let ctx = 0;
  let sinceScan = 0;
  const status: ScanStatus = { contextClean: true, normalized: false };

  const release = (final: boolean): string => {
    const buf = parts.length === 1 ? parts[0]! : parts.join('');
    parts = [buf];
    if (buf.length === ctx) return '';
    const spans: number[] | null = final ? null : [];
    const raw = detectRaw(buf, ctx, redactor.mask, spans, status);
    let cut = buf.length;
    if (!final) cut = findCut(buf, ctx, spans!, raw, maxHold);
    if (cut <= ctx) return '';
    const out = redactor.replaceRange(buf, ctx, cut, raw);
    // Keep LOOKBEHIND_MAX characters that survive normalization (zero-width ones do not
    // count), so handlers see the same context as in the whole text.
    let keepFrom = Math.max(0, cut - LOOKBEHIND_MAX);
    // Without normalization the buffer holds no zero-width character: the plain cut is right,
    // and the next scan may skip checking its context.
    status.contextClean = !status.normalized;
    if (status.normalized) keepFrom = cut;
    for (
      let kept = 0;
      status.normalized && keepFrom > 0 && kept < LOOKBEHIND_MAX && cut - keepFrom < maxHold;
      keepFrom--
    ) {
      const c = buf.charCodeAt(keepFrom - 1);
      if (!(c === 0xad || (c >= 0x200b && c <= 0x200d) || c === 0x2060 || c === 0xfeff)) kept++;
    }
    parts[0] = buf.slice(keepFrom);
    ctx = cut - keepFrom;
    return out;
  };

  return {
    push(chunk) {
      if (chunk.length === 0) return '';
      parts.push(chunk);
      sinceScan += chunk.length;
      if (sinceScan < batch) return '';
      sinceScan = 0;
      return release(false);
    },
    end() {
      const out = release(true);
      parts = [''];
      ctx = 0;
      sinceScan = 0;
      status.contextClean = true;
      return out;
    },
  };
}

/** The furthest position after whitespace that no handler span or entity straddles. */
function findCut(
  buf: string,
  ctx: number,
  spans: number[],
  raw: readonly { start: number; end: number }[],
  maxHold: number,
): number {
  if (spans.length === 0 && raw.length === 0) {
    // Nothing open: cut after the last whitespace.
    for (let p = buf.length; p > ctx; p--) if (isSpaceCode(buf.charCodeAt(p - 1))) return p;
    return forcedCut(buf, ctx, raw, maxHold);
  }
  // Common case: the last whitespace is outside every span and entity.
  const len = buf.length;
  let w = len;
  while (w > ctx && !isSpaceCode(buf.charCodeAt(w - 1))) w--;
  if (w > ctx) {
    let blocked = false;
    for (let k = 0; k < spans.length && !blocked; k += 2)
      blocked = spans[k]! < w && w < spans[k + 1]!;
    for (let k = 0; k < raw.length && !blocked; k++) blocked = raw[k]!.start < w && w < raw[k]!.end;
    if (!blocked) return w;
  }
  // Each span or entity (lo, hi) forbids cuts at lo+1 .. hi-1. A difference array over the
  // scanned region turns that into one pass, with no sorting.
  const diff = new Int32Array(len - ctx + 2);
  const block = (lo: number, hi: number): void => {
    const a = Math.max(lo + 1, ctx) - ctx;
    const b = Math.min(hi, len + 1) - ctx;
    if (a < b) {
      diff[a]! += 1;
      diff[b]! -= 1;
    }
  };
  for (let k = 0; k < spans.length; k += 2) block(spans[k]!, spans[k + 1]!);
  for (const e of raw) block(e.start, e.end);
  let open = 0;
  let best = -1;
  for (let p = ctx; p <= len; p++) {
    open += diff[p - ctx]!;
    if (open === 0 && p > ctx && isSpaceCode(buf.charCodeAt(p - 1))) best = p;
  }
  if (best > 0) return best;
  return forcedCut(buf, ctx, raw, maxHold);
}

/**
 * No safe point: hold on while under `maxHold`; past it (adversarial input only), release all
 * but a window for a value still being formed, never inside an entity found so far.
 */
function forcedCut(
  buf: string,
  ctx: number,
  raw: readonly { start: number; end: number }[],
  maxHold: number,
): number {
  if (buf.length - ctx < maxHold) return ctx;
  let q = buf.length - Math.min(4096, maxHold >> 1);
  for (let k = raw.length - 1; k >= 0; k--) {
    if (raw[k]!.start < q && raw[k]!.end > q) q = raw[k]!.start;
  }
  return Math.max(ctx, q);
}

/**
 * A `TransformStream<string, string>` that redacts text as it streams (e.g. model output), with
 * the same result as redacting the whole text at once: a value split across chunks never
 * leaves in pieces. It holds back only a bounded tail.
 *
 * @example
 * ```ts
 * const safe = modelTextStream.pipeThrough(createRedactionStream({ strategy: 'mask' }));
 * ```
 */
export function createRedactionStream(
  options: RedactionStreamOptions = {},
): TransformStream<string, string> {
  const inc = createIncrementalRedactor(options);
  return new TransformStream<string, string>({
    transform(chunk, controller) {
      const out = inc.push(chunk);
      if (out.length > 0) controller.enqueue(out);
    },
    flush(controller) {
      const out = inc.end();
      if (out.length > 0) controller.enqueue(out);
    },
  });
}
