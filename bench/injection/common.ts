// Shared by train.ts and evaluate.ts: the corpus and the features the shipped scanner uses.
import { readFileSync } from 'node:fs';
import { ngramVector, signalVector } from '../../packages/core/src/injection/features.js';
import { normalizeText } from '../../packages/core/src/injection/normalize.js';
import { allSignals } from '../../packages/core/src/injection/signals.js';

export interface Item {
  id: string;
  text: string;
  label: 0 | 1;
  kind: 'direct' | 'indirect';
  category: string;
  lang: string;
  template: string;
  split: 'train' | 'heldout';
}

export function loadCorpus(): Item[] {
  const raw = readFileSync(new URL('./corpus.jsonl', import.meta.url), 'utf8');
  return raw
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Item);
}

/** The same features scanToolOutput computes, over the whole text as one window. */
export function featurize(text: string): { signals: number[]; ngrams: Map<number, number> } {
  const n = normalizeText(text);
  const { hits } = allSignals(n, []);
  return { signals: signalVector(hits), ngrams: ngramVector(n.folded) };
}
