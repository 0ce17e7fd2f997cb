// Features of the compact classifier: hashed character 3-5-grams and word uni/bigrams of the
// folded text (L2-normalised), plus the structural signals as 0/1 inputs. Linear time.
import { SIGNALS, type SignalHits } from './signals.js';

/** Number of hash buckets for n-gram features (the model's `ngram` length). */
export const DIM = 4096;
/** Texts longer than this are scored in overlapping windows; the highest window wins. */
export const WINDOW = 600;
const STEP = 300;

const FNV = 0x811c9dc5;
const mix = (h: number, c: number): number => Math.imul(h ^ c, 0x01000193) >>> 0;

/** Sparse n-gram vector of one window: bucket -> weight (L2-normalised). */
export function ngramVector(text: string): Map<number, number> {
  const v = new Map<number, number>();
  const add = (h: number) => {
    const b = h & (DIM - 1);
    v.set(b, (v.get(b) ?? 0) + 1);
  };
  // Collapse whitespace runs so layout does not change the features.
  let t = ' ';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const space = ch === ' ' || ch === '\n' || ch === '\t' || ch === '\r';
    if (space) {
      if (t[t.length - 1] !== ' ') t += ' ';
    } else t += ch;
  }
  t += ' ';
  for (let i = 0; i + 3 <= t.length; i++) {
    let h = FNV;
    for (let n = 0; n < 5 && i + n < t.length; n++) {
      h = mix(h, t.charCodeAt(i + n));
      if (n >= 2) add(mix(h, n));
    }
  }
  // Word unigrams and bigrams (space-separated tokens; CJK text is covered by the char n-grams).
  let prev = 0;
  let start = 1;
  for (let i = 1; i < t.length; i++) {
    if (t[i] !== ' ') continue;
    let h = 0x9747b28c;
    for (let k = start; k < i; k++) h = mix(h, t.charCodeAt(k));
    add(h);
    if (prev) add(mix(prev, h));
    prev = h;
    start = i + 1;
  }
  let norm = 0;
  for (const x of v.values()) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  for (const [k, x] of v) v.set(k, x / norm);
  return v;
}

/** The windows of a folded text, each as an n-gram vector. */
export function windows(folded: string, window = WINDOW): Map<number, number>[] {
  if (folded.length <= window) return [ngramVector(folded)];
  const out: Map<number, number>[] = [];
  for (let s = 0; s < folded.length; s += STEP) {
    out.push(ngramVector(folded.slice(s, s + window)));
    if (s + window >= folded.length) break;
  }
  return out;
}

/** Signal hits as the model's 0/1 input vector. */
export function signalVector(hits: SignalHits): number[] {
  return SIGNALS.map((s) => (hits.has(s) ? 1 : 0));
}

/** The classifier's weights. */
export interface InjectionModel {
  readonly bias: number;
  /** One weight per entry of SIGNALS. */
  readonly signal: readonly number[];
  /** DIM weights, or empty for a signals-only model. */
  readonly ngram: readonly number[];
}

/** Logit of one window. */
export function logit(
  model: InjectionModel,
  signals: readonly number[],
  v: Map<number, number>,
): { z: number; text: number } {
  let z = model.bias;
  for (let i = 0; i < signals.length; i++) z += (model.signal[i] ?? 0) * signals[i]!;
  let text = 0;
  if (model.ngram.length === DIM) for (const [k, x] of v) text += model.ngram[k]! * x;
  return { z: z + text, text };
}

export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
