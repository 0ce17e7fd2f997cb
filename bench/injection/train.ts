// Trains the injection classifier on the TRAIN split of corpus.jsonl only and writes the
// weights to packages/core/src/injection/model.ts. Deterministic (no randomness: items are
// visited in a fixed interleaved order). Run: node --import tsx bench/injection/train.ts
import { writeFileSync } from 'node:fs';
import { DIM } from '../../packages/core/src/injection/features.js';
import { SIGNALS } from '../../packages/core/src/injection/signals.js';
import { featurize, loadCorpus } from './common.js';

const EPOCHS = 80;
const L2 = 1e-4;
const NEG_WEIGHT = 1.5; // false alarms cost more than misses in the targets (<= 2% benign)

const train = loadCorpus().filter((i) => i.split === 'train');
if (train.some((i) => i.split !== 'train')) throw new Error('held-out item in training set');
const data = train.map((i) => ({ y: i.label, ...featurize(i.text) }));
const pos = data.filter((d) => d.y === 1).length;
const neg = data.length - pos;
const wPos = data.length / (2 * pos);
const wNeg = (NEG_WEIGHT * data.length) / (2 * neg);

let bias = 0;
const sig = new Array<number>(SIGNALS.length).fill(0);
const ng = new Array<number>(DIM).fill(0);
// Fixed visiting order: a stride permutation of the indices (no RNG).
const order = data.map((_, k) => (k * 7919) % data.length);
for (let epoch = 0; epoch < EPOCHS; epoch++) {
  const lr = 0.5 / (1 + epoch / 10);
  for (const k of order) {
    const d = data[k]!;
    let z = bias;
    for (let s = 0; s < sig.length; s++) z += sig[s]! * d.signals[s]!;
    for (const [b, x] of d.ngrams) z += ng[b]! * x;
    const p = 1 / (1 + Math.exp(-z));
    const g = (p - d.y) * (d.y === 1 ? wPos : wNeg);
    bias -= lr * g;
    for (let s = 0; s < sig.length; s++) sig[s]! -= lr * (g * d.signals[s]! + L2 * sig[s]!);
    for (const [b, x] of d.ngrams) ng[b]! -= lr * (g * x + L2 * ng[b]!);
  }
}

const r = (x: number) => Math.round(x * 1000) / 1000;
const lines = [];
for (let i = 0; i < DIM; i += 32)
  lines.push(
    `    ${ng
      .slice(i, i + 32)
      .map(r)
      .join(', ')},`,
  );
const file = `// Weights of the injection classifier, written by bench/injection/train.ts from the TRAIN
// split of bench/injection/corpus.jsonl (${train.length} items; the held-out half is never read).
// Logistic regression over ${SIGNALS.length} structural signals and ${DIM} hashed n-gram buckets.
import type { InjectionModel } from './features.js';

export const MODEL: InjectionModel = {
  bias: ${r(bias)},
  // ${SIGNALS.join(' ')}
  signal: [${sig.map(r).join(', ')}],
  ngram: [
${lines.join('\n')}
  ],
};
`;
writeFileSync(new URL('../../packages/core/src/injection/model.ts', import.meta.url), file);
let correct = 0;
for (const d of data) {
  let z = bias;
  for (let s = 0; s < sig.length; s++) z += sig[s]! * d.signals[s]!;
  for (const [b, x] of d.ngrams) z += ng[b]! * x;
  if ((z >= 0 ? 1 : 0) === d.y) correct++;
}
console.log(
  `trained on ${data.length} items (${pos} attacks); train accuracy ${(correct / data.length).toFixed(3)}`,
);
console.log(`signal weights: ${SIGNALS.map((s, i) => `${s}=${r(sig[i]!)}`).join(' ')}`);
