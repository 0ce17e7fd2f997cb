import { detectRaw } from './detect.js';
import { createRedactor, type RedactOptions, type Redactor } from './redact.js';
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
  const redactor = options.redactor ?? createRedactor(options);
  const maxHold = options.maxHoldBack ?? 65_536;
  if (!Number.isInteger(maxHold) || maxHold < 1024) {
    throw new TypeError('createRedactionStream: maxHoldBack must be an integer >= 1024');
  }
  let buf = '';
  let ctx = 0;

  const release = (final: boolean): string => {
    if (buf.length === ctx) return '';
    const spans: number[] | null = final ? null : [];
    const raw = detectRaw(buf, ctx, redactor.mask, spans);
    let cut = buf.length;
    if (!final) cut = findCut(buf, ctx, spans!, raw, maxHold);
    if (cut <= ctx) return '';
    const out = redactor.replaceRange(buf, ctx, cut, raw);
    const keepFrom = Math.max(0, cut - LOOKBEHIND_MAX);
    buf = buf.slice(keepFrom);
    ctx = cut - keepFrom;
    return out;
  };

  return {
    push(chunk) {
      if (chunk.length === 0) return '';
      buf += chunk;
      // Only whitespace can end a releasable region; skip the scan until one arrives.
      let hasSpace = false;
      for (let i = chunk.length - 1; i >= 0; i--) {
        if (isSpaceCode(chunk.charCodeAt(i))) {
          hasSpace = true;
          break;
        }
      }
      if (!hasSpace && buf.length - ctx < maxHold) return '';
      return release(false);
    },
    end() {
      const out = release(true);
      buf = '';
      ctx = 0;
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
  // Open intervals (lo, hi) in which no cut may fall.
  const lo: number[] = [];
  const hi: number[] = [];
  for (let k = 0; k < spans.length; k += 2) {
    lo.push(spans[k]!);
    hi.push(spans[k + 1]!);
  }
  for (const e of raw) {
    lo.push(e.start);
    hi.push(e.end);
  }
  const order = lo.map((_, k) => k).sort((a, b) => hi[b]! - hi[a]!);
  let oi = 0;
  let minLo = Number.POSITIVE_INFINITY;
  let p = buf.length;
  while (p > ctx) {
    // minLo: the smallest start among intervals ending after p; if it is below p, every
    // position in (minLo, p] is inside that interval.
    while (oi < order.length && hi[order[oi]!]! > p) {
      minLo = Math.min(minLo, lo[order[oi]!]!);
      oi++;
    }
    if (minLo < p) {
      p = minLo;
      continue;
    }
    if (isSpaceCode(buf.charCodeAt(p - 1))) return p;
    p--;
  }
  if (buf.length - ctx < maxHold) return ctx;
  // Adversarial input kept every point open: release all but a window for a value still
  // being formed, never inside an entity found so far.
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
