// Accuracy on labeled data: jaf-sec's own corpus (test-corpus/corpus.json, synthetic, with hard
// negatives), a second corpus written independently of it (test-corpus/corpus2.json: a `dev`
// split and a `heldout` split never used for tuning, per-family secret samples and random
// blobs), and Presidio's recognizer test values as a peer suite. Prints precision, recall and
// F1 per type; asserts the targets on each corpus separately: micro-F1 >= 0.98, every type
// >= 0.95, at most 2% of PII-free texts flagged.
// A prediction counts when its type and exact text match a labeled entity of the same case.
import { describe, expect, it } from 'vitest';
import corpus from '../../test-corpus/corpus.json';
import corpus2 from '../../test-corpus/corpus2.json';
import presidio from '../../test-corpus/presidio-peer.json';
import { detect } from './detect.js';

interface Case {
  text: string;
  entities: string[][];
}
interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

function score(cases: readonly Case[]): {
  perType: Map<string, Counts>;
  micro: Counts;
  misses: string[];
  negatives: number;
  flagged: number;
} {
  let negatives = 0;
  let flagged = 0;
  const perType = new Map<string, Counts>();
  const get = (t: string) => {
    let c = perType.get(t);
    if (!c) {
      c = { tp: 0, fp: 0, fn: 0 };
      perType.set(t, c);
    }
    return c;
  };
  const misses: string[] = [];
  for (const c of cases) {
    const expected = c.entities.map(([t, v]) => `${t}\u0000${v}`);
    const predicted = detect(c.text).map((e) => `${e.type}\u0000${e.value}`);
    if (c.entities.length === 0) {
      negatives++;
      if (predicted.length > 0) flagged++;
    }
    const left = [...expected];
    for (const p of predicted) {
      const k = left.indexOf(p);
      if (k >= 0) {
        left.splice(k, 1);
        get(p.split('\u0000')[0]!).tp++;
      } else {
        get(p.split('\u0000')[0]!).fp++;
        misses.push(`FP ${p.replace('\u0000', ' ')} in ${JSON.stringify(c.text.slice(0, 90))}`);
      }
    }
    for (const l of left) {
      get(l.split('\u0000')[0]!).fn++;
      misses.push(`FN ${l.replace('\u0000', ' ')} in ${JSON.stringify(c.text.slice(0, 90))}`);
    }
  }
  const micro = { tp: 0, fp: 0, fn: 0 };
  for (const c of perType.values()) {
    micro.tp += c.tp;
    micro.fp += c.fp;
    micro.fn += c.fn;
  }
  return { perType, micro, misses, negatives, flagged };
}

const prf = (c: Counts) => {
  const p = c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp);
  const r = c.tp + c.fn === 0 ? 1 : c.tp / (c.tp + c.fn);
  return { p, r, f1: p + r === 0 ? 0 : (2 * p * r) / (p + r) };
};

function report(title: string, s: ReturnType<typeof score>): string {
  const rows = [`${title}`, 'type                     TP   FP   FN  precision  recall    F1'];
  const line = (name: string, c: Counts) => {
    const { p, r, f1 } = prf(c);
    rows.push(
      `${name.padEnd(22)} ${String(c.tp).padStart(4)} ${String(c.fp).padStart(4)} ${String(c.fn).padStart(4)}  ${p.toFixed(3).padStart(9)} ${r.toFixed(3).padStart(7)} ${f1.toFixed(3).padStart(6)}`,
    );
  };
  for (const [t, c] of [...s.perType].sort()) line(t, c);
  line('micro', s.micro);
  return rows.join('\n');
}

/** The issue-15 targets, asserted on one corpus. */
function expectTargets(s: ReturnType<typeof score>): void {
  expect(prf(s.micro).f1).toBeGreaterThanOrEqual(0.98);
  for (const [type, c] of s.perType)
    expect({ type, f1: prf(c).f1 >= 0.95 }).toEqual({ type, f1: true });
  expect(s.flagged / s.negatives).toBeLessThanOrEqual(0.02);
}

const flaggedLine = (s: ReturnType<typeof score>) =>
  `PII-free texts flagged: ${s.flagged} / ${s.negatives} (${((100 * s.flagged) / s.negatives).toFixed(1)}%)`;

describe('detection accuracy', () => {
  it('meets the targets on the jaf-sec corpus', () => {
    const s = score(corpus.cases as Case[]);
    console.log(
      report(`jaf-sec corpus: ${corpus.cases.length} texts, ${corpus.entities} entities`, s),
    );
    console.log(flaggedLine(s));
    if (s.misses.length) console.log(s.misses.slice(0, 40).join('\n'));
    expect(corpus.entities).toBeGreaterThanOrEqual(500);
    expectTargets(s);
  });

  it.each(['dev', 'heldout'] as const)(
    'meets the targets on the second corpus (%s split)',
    (split) => {
      const { cases, entities } = corpus2.splits[split];
      const s = score(cases as Case[]);
      console.log(
        report(`second corpus, ${split}: ${cases.length} texts, ${entities} entities`, s),
      );
      console.log(flaggedLine(s));
      if (s.misses.length) console.log(s.misses.slice(0, 40).join('\n'));
      expect(entities).toBeGreaterThanOrEqual(500);
      expectTargets(s);
    },
  );

  it('finds every secret family on real-format samples, and no secret in random blobs', () => {
    const perFamily = new Map<string, [number, number]>();
    for (const c of corpus2.families as { text: string; entities: string[][] }[]) {
      const [type, value, family] = c.entities[0]!;
      const hit = detect(c.text).some((e) => e.type === type && e.value === value);
      const r = perFamily.get(family!) ?? [0, 0];
      r[hit ? 0 : 1]++;
      perFamily.set(family!, r);
    }
    const rows = [...perFamily].map(([f, [tp, fn]]) => `${f.padEnd(22)} ${tp}/${tp + fn}`);
    console.log(`secret families (recall):\n${rows.join('\n')}`);
    for (const [family, [tp, fn]] of perFamily)
      expect({ family, recall: tp / (tp + fn) >= 0.95 }).toEqual({ family, recall: true });
    const blobs = corpus2.blobs as Case[];
    const flagged = blobs.filter((c) => detect(c.text).length > 0).length;
    console.log(`random blobs flagged: ${flagged} / ${blobs.length}`);
    expect(flagged / blobs.length).toBeLessThanOrEqual(0.01);
  });

  it('reports the Presidio peer suite', () => {
    const s = score(presidio.cases as Case[]);
    console.log(report(`Presidio recognizer test values: ${presidio.cases.length} texts`, s));
    if (s.misses.length) console.log(s.misses.join('\n'));
    // Presidio's own expectations include weak matches jaf-sec refuses by design (a bare
    // 9-digit SSN with no cue word); the bar here is lower than on the own corpora.
    expect(prf(s.micro).f1).toBeGreaterThanOrEqual(0.9);
  });
});
