// Features of the compact classifier: hashed character 3-5-grams and word uni/bigrams of the
// folded text (L2-normalised per window), plus the structural signals as 0/1 inputs.
// One pass over the text, typed arrays, linear time.
import { SIGNALS, type SignalHits } from './signals.js';

/** Number of hash buckets for n-gram features (the model's `ngram` length). */
export const DIM = 4096;
/** Texts longer than this are scored in overlapping windows; the highest window wins. */
export const WINDOW = 600;
const STEP = 300;

const FNV = 0x811c9dc5;
const mix = (h: number, c: number): number => Math.imul(h ^ c, 0x01000193) >>> 0;

/**
 * The n-gram features of a text in order: `buckets[k]` is the hash bucket of the k-th
 * feature and `at[k]` the position (in the whitespace-collapsed text) where it starts.
 * Character 3-, 4- and 5-grams, and word unigrams and bigrams at each word end.
 */
let bucketBuf = new Int32Array(4096);
let atBuf = new Int32Array(4096);
export function features(text: string): { buckets: Int32Array; at: Int32Array; length: number } {
  // Buffers are reused between calls (grown when needed): no garbage per scan.
  const cap = text.length * 5 + 16;
  if (bucketBuf.length < cap) {
    bucketBuf = new Int32Array(cap);
    atBuf = new Int32Array(cap);
  }
  const buckets = bucketBuf;
  const at = atBuf;
  let k = 0;
  let c1 = 0;
  let c2 = 0;
  let c3 = 0;
  let c4 = 0;
  let len = 0;
  let word = 0x9747b28c;
  let prevWord = 0;
  let inWord = false;
  const push = (c: number) => {
    len++;
    if (len >= 3) {
      const h3 = mix(mix(mix(FNV, c2), c1), c);
      buckets[k] = mix(h3, 2) & (DIM - 1);
      at[k++] = len - 3;
      if (len >= 4) {
        const h4 = mix(mix(mix(mix(FNV, c3), c2), c1), c);
        buckets[k] = mix(h4, 3) & (DIM - 1);
        at[k++] = len - 4;
        if (len >= 5) {
          const h5 = mix(mix(mix(mix(mix(FNV, c4), c3), c2), c1), c);
          buckets[k] = mix(h5, 4) & (DIM - 1);
          at[k++] = len - 5;
        }
      }
    }
    c4 = c3;
    c3 = c2;
    c2 = c1;
    c1 = c;
    if (c === 32) {
      if (inWord) {
        buckets[k] = word & (DIM - 1);
        at[k++] = len;
        if (prevWord) {
          buckets[k] = mix(prevWord, word) & (DIM - 1);
          at[k++] = len;
        }
        prevWord = word;
      }
      word = 0x9747b28c;
      inWord = false;
    } else {
      word = mix(word, c);
      inWord = true;
    }
  };
  push(32);
  let space = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 9 || c === 13) {
      if (!space) push(32);
      space = true;
    } else {
      push(c);
      space = false;
    }
  }
  if (!space) push(32);
  return { buckets, at, length: k };
}

/** Sparse n-gram vector of the whole text: bucket -> weight (L2-normalised). For training. */
export function ngramVector(text: string): Map<number, number> {
  const f = features(text);
  const v = new Map<number, number>();
  for (let i = 0; i < f.length; i++) v.set(f.buckets[i]!, (v.get(f.buckets[i]!) ?? 0) + 1);
  let norm = 0;
  for (const x of v.values()) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  for (const [b, x] of v) v.set(b, x / norm);
  return v;
}

const counts = new Float64Array(DIM);

/**
 * The highest n-gram logit over windows of WINDOW characters (step WINDOW/2) of `text`, one
 * window for a short text; each window's counts L2-normalised as in ngramVector.
 */
export function maxTextLogit(ngram: ArrayLike<number>, text: string): number {
  if (ngram.length !== DIM) return 0;
  const f = features(text);
  const touched: number[] = [];
  let best = Number.NEGATIVE_INFINITY;
  let first = 0;
  const end = f.length ? f.at[f.length - 1]! : 0;
  for (let s = 0; ; s += STEP) {
    while (first < f.length && f.at[first]! < s) first++;
    let dot = 0;
    let sq = 0;
    for (let i = first; i < f.length && f.at[i]! < s + WINDOW; i++) {
      const b = f.buckets[i]!;
      const c = counts[b]!;
      if (c === 0) touched.push(b);
      sq += 2 * c + 1; // (c + 1)^2 - c^2
      counts[b] = c + 1;
      dot += ngram[b]!;
    }
    for (const b of touched) counts[b] = 0;
    touched.length = 0;
    const z = dot / (Math.sqrt(sq) || 1);
    if (z > best) best = z;
    if (s + WINDOW > end) break;
  }
  return best;
}

/** Signal hits as the model's 0/1 input vector. */
export function signalVector(hits: SignalHits): number[] {
  return SIGNALS.map((s) => (hits.has(s) ? 1 : 0));
}

/**
 * Hand-set weights of the signals (in SIGNALS order): the scanner's signals-only baseline and
 * the prior the trainer regularises the learned signal weights towards.
 */
export const PRIOR_BIAS = -3;
export const PRIOR_SIGNAL_WEIGHTS: readonly number[] = [
  5, 4, 1.5, 4, 4, 2, 1, 3, 3.5, 0.5, 3, 1.5, 0.5, 0.5, 0.3, 3, 1, 3, 1.5, 0.5,
];

/** The classifier's weights. */
export interface InjectionModel {
  readonly bias: number;
  /** One weight per entry of SIGNALS. */
  readonly signal: readonly number[];
  /** DIM weights, or empty for a signals-only model. */
  readonly ngram: readonly number[];
}

/** Logit of the signals alone (maxTextLogit adds the n-gram part). */
export function signalLogit(model: InjectionModel, signals: readonly number[]): number {
  let z = model.bias;
  for (let i = 0; i < signals.length; i++) z += (model.signal[i] ?? 0) * signals[i]!;
  return z;
}

export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
