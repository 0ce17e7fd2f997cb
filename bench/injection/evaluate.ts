// Scores detectors on corpus.jsonl, by split and kind (direct = user turn, indirect = tool
// output), with per-category recall and false-alarm rates. The held-out half is the result;
// train is shown only as a reference. Run: node --import tsx bench/injection/evaluate.ts
import { writeFileSync } from 'node:fs';
import {
  type InjectionModel,
  PRIOR_BIAS,
  PRIOR_SIGNAL_WEIGHTS,
} from '../../packages/core/src/injection/features.js';
import { scanToolOutput } from '../../packages/core/src/injection/index.js';
import { scorePromptInjection } from '../../packages/core/src/moderation/prompt-injection.js';
import { type Item, loadCorpus } from './common.js';

// The structural signals with hand-set weights and no n-gram model (the scanner before training).
const SIGNALS_ONLY: InjectionModel = { bias: PRIOR_BIAS, signal: PRIOR_SIGNAL_WEIGHTS, ngram: [] };

// The security guide's content filter (seed/security-guide.md, "Content Filtering"): blocked
// topic words and PII patterns; the moderation API call is left out (no network).
const GUIDE_TOPICS = [
  'violence',
  'hate_speech',
  'illegal_activities',
  'personal_information',
  'harmful_instructions',
];
const GUIDE_PATTERNS = [
  /\b\d{3}-\d{2}-\d{4}\b/,
  /\b\d{4}[\s-]?\d{4}[\s-]?\d{4}[\s-]?\d{4}\b/,
  /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Z|a-z]{2,}\b/,
  /\b\d{3}[\s.-]?\d{3}[\s.-]?\d{4}\b/,
];
const guide = (t: string) =>
  GUIDE_TOPICS.some((w) => t.toLowerCase().includes(w)) || GUIDE_PATTERNS.some((p) => p.test(t));
// JAF's createContentFilter() (xynehq/jaf src/policies/validation.ts): five keyword regexes.
const JAF_PATTERNS = [/password/i, /secret/i, /api[_-]?key/i, /token/i, /private[_-]?key/i];
const jaf = (t: string) => JAF_PATTERNS.some((p) => p.test(t));

type Detector = { name: string; flag: (i: Item) => boolean };
const DETECTORS: Detector[] = [
  { name: 'scanToolOutput (shipped model)', flag: (i) => scanToolOutput(i.text).score >= 0.5 },
  {
    name: 'scanToolOutput, signals only (hand weights)',
    flag: (i) => scanToolOutput(i.text, { model: SIGNALS_ONLY }).score >= 0.5,
  },
  {
    name: 'scorePromptInjection >= 0.5',
    flag: (i) => scorePromptInjection(i.text, i.kind === 'indirect' ? 'tool' : 'user').score >= 0.5,
  },
  { name: "security guide's content filter", flag: (i) => guide(i.text) },
  { name: "JAF's createContentFilter", flag: (i) => jaf(i.text) },
];

interface Counts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}
const f = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '-');
function metrics(c: Counts) {
  const p = c.tp / (c.tp + c.fp);
  const r = c.tp / (c.tp + c.fn);
  return { p, r, f1: (2 * p * r) / (p + r), fpr: c.fp / (c.fp + c.tn) };
}

const corpus = loadCorpus();
const out: string[] = [];
const say = (s = '') => {
  out.push(s);
  console.log(s);
};
const total = corpus.length;
const hard = corpus.filter((i) => i.category === 'hard_negative').length;
say(
  `Corpus: ${total} items, ${corpus.filter((i) => i.label === 1).length} attacks, ${corpus.filter((i) => i.label === 0).length} benign of which ${hard} hard negatives (${((100 * hard) / total).toFixed(0)}% of all); train ${corpus.filter((i) => i.split === 'train').length}, held-out ${corpus.filter((i) => i.split === 'heldout').length}.`,
);
for (const split of ['heldout', 'train'] as const) {
  const items = corpus.filter((i) => i.split === split);
  say();
  say(
    `### ${split === 'heldout' ? 'Held-out half (never used in training or tuning)' : 'Train half (reference only)'}`,
  );
  say();
  say(
    '| detector | indirect P | indirect R | indirect F1 | direct P | direct R | direct F1 | benign flagged | hard negatives flagged |',
  );
  say('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  const perCat = new Map<string, Map<string, [number, number]>>();
  for (const d of DETECTORS) {
    const c: Record<string, Counts> = {
      direct: { tp: 0, fp: 0, fn: 0, tn: 0 },
      indirect: { tp: 0, fp: 0, fn: 0, tn: 0 },
    };
    let benign = 0;
    let benignFlag = 0;
    let hardN = 0;
    let hardFlag = 0;
    const cats = new Map<string, [number, number]>();
    for (const i of items) {
      const flagged = d.flag(i);
      const k = c[i.kind]!;
      if (i.label === 1) flagged ? k.tp++ : k.fn++;
      else flagged ? k.fp++ : k.tn++;
      if (i.label === 0) {
        benign++;
        if (flagged) benignFlag++;
        if (i.category === 'hard_negative') {
          hardN++;
          if (flagged) hardFlag++;
        }
      }
      const key = `${i.kind}/${i.category}${i.label === 1 ? ' (recall)' : ' (flagged)'}`;
      const e = cats.get(key) ?? [0, 0];
      e[0]++;
      if (flagged) e[1]++;
      cats.set(key, e);
      const lk = `${i.kind}/lang=${i.lang}${i.label === 1 ? ' (recall)' : ' (flagged)'}`;
      if (i.label === 1) {
        const l = cats.get(lk) ?? [0, 0];
        l[0]++;
        if (flagged) l[1]++;
        cats.set(lk, l);
      }
    }
    perCat.set(d.name, cats);
    const mi = metrics(c.indirect!);
    const md = metrics(c.direct!);
    say(
      `| ${d.name} | ${f(mi.p)} | ${f(mi.r)} | ${f(mi.f1)} | ${f(md.p)} | ${f(md.r)} | ${f(md.f1)} | ${((100 * benignFlag) / benign).toFixed(1)}% (${benignFlag}/${benign}) | ${((100 * hardFlag) / hardN).toFixed(1)}% (${hardFlag}/${hardN}) |`,
    );
  }
  if (split === 'heldout') {
    say();
    say(
      'Per category (held-out): share of items flagged; for attacks that is recall, for benign items the false-alarm rate.',
    );
    say();
    const names = DETECTORS.map((d) => d.name);
    say(`| category | n | ${names.join(' | ')} |`);
    say(`|---|---:|${names.map(() => '---:').join('|')}|`);
    const keys = [...perCat.get(names[0]!)!.keys()].sort();
    for (const key of keys) {
      const n = perCat.get(names[0]!)!.get(key)![0];
      say(
        `| ${key} | ${n} | ${names
          .map((nm) => {
            const e = perCat.get(nm)!.get(key)!;
            return `${((100 * e[1]) / e[0]).toFixed(0)}%`;
          })
          .join(' | ')} |`,
      );
    }
  }
}
writeFileSync(
  new URL('../results/injection-accuracy.md', import.meta.url),
  `## Prompt-injection detection accuracy (injection)\n\nRun: node bench/injection/generate-corpus.mjs && node --import tsx bench/injection/train.ts && node --import tsx bench/injection/evaluate.ts\n\n${out.join('\n')}\n`,
);
