// Weights of the injection classifier. Replaced by bench/injection/train.ts (TRAIN split only).
import type { InjectionModel } from './features.js';

export const MODEL: InjectionModel = {
  bias: -3,
  // override addressed role markup roleLine tool controlStrong controlWeak exfil invisible
  // comment css alt hiddenInstructions encodedText encodedInstructions homoglyph leet
  signal: [5, 4, 3, 4, 2, 2.5, 3.5, 0.5, 3, 1.5, 0.5, 0.5, 0.3, 3, 1, 3, 1.5, 0.5],
  ngram: [],
};
