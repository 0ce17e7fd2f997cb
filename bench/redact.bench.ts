// Redaction benchmarks and accuracy: jaf-sec's single-pass detector against @arcjet/redact
// (WebAssembly) and the security guide's four regular expressions, on the same inputs.
// Run: pnpm --filter @jaf-sec/core build && cd bench && node --expose-gc --import tsx redact.bench.ts
import { readFileSync } from 'node:fs';
import { redact as arcjetRedact } from '@arcjet/redact';
import { createIncrementalRedactor, createRedactor, detect } from '@jaf-sec/core/redact';
import { compare, note, type Row, versionOf, writeSection } from './lib/harness.js';

const ratio = (rows: Row[], name: string): number => rows.find((r) => r.name === name)!.ratio;
const mb = (rows: Row[], name: string): number => rows.find((r) => r.name === name)!.mbPerSec!;
function target(label: string, value: number, limit: number, atLeast = false): void {
  const met = atLeast ? value >= limit : value <= limit;
  note(
    `- ${label}: **${value.toFixed(2)}x** (target ${atLeast ? '>=' : '<='} ${limit}x) ${met ? 'met' : '**MISSED**'}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Inputs: a chat transcript (user/assistant turns, mostly clean text, a value every few lines).
let seed = 42;
const rand = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const CLEAN = [
  'Sure, I can help you with that. Let me look up the details of your account first.',
  'The deployment finished at 10:42 and the health checks are green on all three nodes.',
  'Could you summarise the previous meeting notes and list the action items for next week?',
  'Version 2.14.3 fixed the timeout, but order #48151623 still shows as pending in the dashboard.',
  'I think the problem is the retry policy: it backs off too slowly when the upstream is down.',
  'Here is the SQL you asked for: select id, total from orders where created_at > now() - 7 days.',
  'Thanks! That worked. One more thing: how do I rotate the signing keys without downtime?',
  'The invoice total was $1,249.99 including tax; the refund should arrive in 5-7 business days.',
];
const PII = [
  'You can reach me at ana.lopez@example.com or call (415) 555-2671 after 5pm.',
  'My card 4111 1111 1111 1111 was charged twice, can you refund one of them?',
  'The server at 203.0.113.42 keeps rejecting the token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl, why?',
  'Please send the refund to IBAN DE89 3704 0044 0532 0130 00, reference 2024-117.',
  'Oops, I pasted my key AKIAIOSFODNN7EXAMPLE in the last message, please ignore it.',
];
const transcript = (bytes: number): string => {
  let out = '';
  let turn = 0;
  while (out.length < bytes) {
    const line = rand() < 0.12 ? pick(PII) : pick(CLEAN);
    out += `${turn++ % 2 ? 'assistant' : 'user'}: ${line}\n`;
  }
  return out;
};
const t10k = transcript(10 * 1024);
const t1m = transcript(1024 * 1024);
const cleanLine =
  'assistant: The deployment finished at 10:42 and all health checks are green, see you soon.';

// ---------------------------------------------------------------------------------------------
// Candidates.
const jaf = createRedactor();
const GUIDE = [
  [/\b\d{3}-\d{2}-\d{4}\b/g, 'XXX-XX-XXXX'],
  [/\b\d{4}[\s-]?\d{4}[\s-]?\d{4}[\s-]?\d{4}\b/g, 'XXXX-XXXX-XXXX-XXXX'],
  [/\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Z|a-z]{2,}\b/g, '[EMAIL]'],
  [/\b\d{3}[\s.-]?\d{3}[\s.-]?\d{4}\b/g, 'XXX-XXX-XXXX'],
] as const;
const guideRedact = (text: string): string => {
  let out = text;
  for (const [re, rep] of GUIDE) out = out.replace(re, rep);
  return out;
};
const THREE = [GUIDE[0][0], GUIDE[1][0], GUIDE[2][0]];
const threeRegexPass = (text: string): string => {
  let out = text;
  for (const re of THREE) out = out.replace(re, '[X]');
  return out;
};
const ARCJET_ENTITIES = ['email', 'phone-number', 'credit-card-number', 'ip-address'] as const;
const arcjet = async (text: string): Promise<string> =>
  (await arcjetRedact(text, { entities: [...ARCJET_ENTITIES] }))[0];
// What an app that does not stream redaction does with the same chunks: collect them all,
// then redact the whole text once.
const buffered = (text: string, chunk: number): string => {
  let all = '';
  for (let i = 0; i < text.length; i += chunk) all += text.slice(i, i + chunk);
  return jaf.redact(all);
};
const stream = (text: string, chunk: number, batchSize = 128): string => {
  const r = createIncrementalRedactor({ redactor: jaf, batchSize });
  let out = '';
  for (let i = 0; i < text.length; i += chunk) out += r.push(text.slice(i, i + chunk));
  return out + r.end();
};

// Sanity: every candidate redacts the same card, and streaming equals whole-text.
if (jaf.redact(t10k).includes('4111 1111 1111 1111')) throw new Error('jaf-sec left a card');
if ((await arcjet(PII[1]!)).includes('4111 1111 1111 1111')) throw new Error('arcjet left a card');
if (stream(t10k, 64) !== jaf.redact(t10k) || stream(t10k, 7) !== jaf.redact(t10k)) {
  throw new Error('streaming output differs from whole-text output');
}

// ---------------------------------------------------------------------------------------------
// Speed.
const r10 = await compare(
  'Detect and redact a 10 KB chat transcript',
  [
    { name: 'jaf-sec redact', fn: () => jaf.redact(t10k) },
    { name: '@arcjet/redact', fn: () => arcjet(t10k) },
    { name: 'guide: four regex replaces', fn: () => guideRedact(t10k) },
    { name: 'plain three-regex pass', fn: () => threeRegexPass(t10k) },
  ],
  { baseline: '@arcjet/redact', bytesPerOp: t10k.length },
);
target('jaf-sec throughput vs @arcjet/redact (10 KB)', 1 / ratio(r10, 'jaf-sec redact'), 10, true);
note(
  `- jaf-sec ${mb(r10, 'jaf-sec redact').toFixed(1)} MB/s, @arcjet/redact ${mb(r10, '@arcjet/redact').toFixed(1)} MB/s, three regexes ${mb(r10, 'plain three-regex pass').toFixed(1)} MB/s`,
);

const r1m = await compare(
  'Detect and redact a 1 MB chat transcript',
  [
    { name: 'jaf-sec redact', fn: () => jaf.redact(t1m) },
    { name: '@arcjet/redact', fn: () => arcjet(t1m) },
    { name: 'guide: four regex replaces', fn: () => guideRedact(t1m) },
  ],
  { baseline: '@arcjet/redact', bytesPerOp: t1m.length, rounds: 7, targetMs: 200 },
);
target('jaf-sec throughput vs @arcjet/redact (1 MB)', 1 / ratio(r1m, 'jaf-sec redact'), 10, true);

const ONE = /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Z|a-z]{2,}\b/;
const rClean = await compare(
  `A clean ${cleanLine.length}-byte line (no PII)`,
  [
    { name: 'one regex test (guide email)', fn: () => ONE.test(cleanLine) },
    { name: 'jaf-sec redact', fn: () => jaf.redact(cleanLine) },
    { name: 'jaf-sec detect', fn: () => detect(cleanLine) },
  ],
  { baseline: 'one regex test (guide email)', bytesPerOp: cleanLine.length },
);
target('jaf-sec redact on a clean line vs one regex test', ratio(rClean, 'jaf-sec redact'), 3);

const rStream = await compare(
  'Streaming redaction of the 10 KB transcript vs whole text',
  [
    { name: 'whole text', fn: () => jaf.redact(t10k) },
    { name: 'stream, 256-char chunks', fn: () => stream(t10k, 256) },
    { name: 'stream, 64-char chunks', fn: () => stream(t10k, 64) },
    { name: 'stream, 16-char chunks (token-sized)', fn: () => stream(t10k, 16) },
    { name: 'stream, 16-char chunks, batchSize 256', fn: () => stream(t10k, 16, 256) },
    { name: 'stream, 4-char chunks (one token each)', fn: () => stream(t10k, 4) },
    { name: 'buffer 16-char chunks, then redact whole', fn: () => buffered(t10k, 16) },
    { name: 'buffer 4-char chunks, then redact whole', fn: () => buffered(t10k, 4) },
  ],
  { baseline: 'whole text', bytesPerOp: t10k.length },
);
target('streaming (256-char chunks) vs whole text', ratio(rStream, 'stream, 256-char chunks'), 1.5);
target('streaming (64-char chunks) vs whole text', ratio(rStream, 'stream, 64-char chunks'), 1.5);
note(
  `- token-sized chunks (16 chars): ${ratio(rStream, 'stream, 16-char chunks (token-sized)').toFixed(2)}x whole text; with batchSize 256 (more latency, fewer scans): ${ratio(rStream, 'stream, 16-char chunks, batchSize 256').toFixed(2)}x; one token (4 chars) per chunk: ${ratio(rStream, 'stream, 4-char chunks (one token each)').toFixed(2)}x`,
);
const vsBuffered = (n: number, label: string): string =>
  (
    ratio(rStream, `stream, ${n}-char chunks ${label}`) /
    ratio(rStream, `buffer ${n}-char chunks, then redact whole`)
  ).toFixed(2);
note(
  `- against what a non-streaming app does with the same chunks (collect them, then redact once): streaming costs ${vsBuffered(16, '(token-sized)')}x at 16-char chunks and ${vsBuffered(4, '(one token each)')}x at 4-char chunks; the rest of the gap to "whole text" is the chunking itself (slicing and concatenating thousands of small strings).`,
);

// ---------------------------------------------------------------------------------------------
// Accuracy on the same corpora (types each tool supports; others count as misses for nobody).
interface Case {
  text: string;
  entities: string[][];
}
const load = (p: string): Case[] =>
  (JSON.parse(readFileSync(new URL(p, import.meta.url), 'utf8')) as { cases: Case[] }).cases;
const corpus2 = JSON.parse(
  readFileSync(new URL('../packages/core/test-corpus/corpus2.json', import.meta.url), 'utf8'),
) as { splits: Record<'dev' | 'heldout', { cases: Case[] }> };
const corpora: [string, Case[]][] = [
  ['jaf-sec corpus', load('../packages/core/test-corpus/corpus.json')],
  ['second corpus, dev split', corpus2.splits.dev.cases],
  ['second corpus, held-out split (never tuned on)', corpus2.splits.heldout.cases],
  ['Presidio test values', load('../packages/core/test-corpus/presidio-peer.json')],
];
const ARCJET_TYPE: Record<string, string> = {
  email: 'EMAIL',
  'phone-number': 'PHONE_NUMBER',
  'credit-card-number': 'CREDIT_CARD',
  'ip-address': 'IP_ADDRESS',
};
type Detector = (text: string) => Promise<string[][]>;
const tools: [string, Detector, Set<string> | null][] = [
  ['jaf-sec', async (t) => detect(t).map((e) => [e.type, e.value]), null],
  [
    '@arcjet/redact',
    async (t) => {
      const found: string[][] = [];
      await arcjetRedact(t, {
        entities: [...ARCJET_ENTITIES],
        replace: (entity, plaintext) => {
          found.push([ARCJET_TYPE[entity]!, plaintext]);
          return undefined;
        },
      });
      return found;
    },
    new Set(Object.values(ARCJET_TYPE)),
  ],
  [
    'guide regexes',
    async (t) => {
      const found: string[][] = [];
      const types = ['US_SSN', 'CREDIT_CARD', 'EMAIL', 'PHONE_NUMBER'];
      GUIDE.forEach(([re], k) => {
        for (const m of t.matchAll(re)) found.push([types[k]!, m[0]]);
      });
      return found;
    },
    new Set(['US_SSN', 'CREDIT_CARD', 'EMAIL', 'PHONE_NUMBER']),
  ],
];
const f = (tp: number, fp: number, fn: number) => {
  const p = tp + fp ? tp / (tp + fp) : 1;
  const r = tp + fn ? tp / (tp + fn) : 1;
  return { p, r, f1: p + r ? (2 * p * r) / (p + r) : 0 };
};
for (const [corpusName, cases] of corpora) {
  const lines = [
    `### Accuracy: ${corpusName} (${cases.length} texts)`,
    '',
    '| type | jaf-sec P / R / F1 | @arcjet/redact P / R / F1 | guide regexes P / R / F1 |',
    '|---|---|---|---|',
  ];
  const perTool = new Map<string, Map<string, [number, number, number]>>();
  for (const [name, run, supported] of tools) {
    const counts = new Map<string, [number, number, number]>();
    const bump = (t: string, k: 0 | 1 | 2) => {
      const c = counts.get(t) ?? [0, 0, 0];
      c[k]++;
      counts.set(t, c);
    };
    for (const c of cases) {
      const expected = c.entities
        .filter(([t]) => !supported || supported.has(t!))
        .map(([t, v]) => `${t}\u0000${v}`);
      const predicted = (await run(c.text)).map(([t, v]) => `${t}\u0000${v}`);
      for (const p of predicted) {
        const k = expected.indexOf(p);
        if (k >= 0) {
          expected.splice(k, 1);
          bump(p.split('\u0000')[0]!, 0);
        } else bump(p.split('\u0000')[0]!, 1);
      }
      for (const e of expected) bump(e.split('\u0000')[0]!, 2);
    }
    perTool.set(name, counts);
  }
  const types = [...new Set([...perTool.values()].flatMap((m) => [...m.keys()]))].sort();
  const cell = (tool: string, type: string | null) => {
    const m = perTool.get(tool)!;
    const supported = tools.find(([n]) => n === tool)![2];
    if (type && supported && !supported.has(type)) return 'n/a';
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const [t, c] of m)
      if (type === null || t === type) [tp, fp, fn] = [tp + c[0], fp + c[1], fn + c[2]];
    if (type && tp + fp + fn === 0) return 'n/a';
    const { p, r, f1 } = f(tp, fp, fn);
    return `${p.toFixed(2)} / ${r.toFixed(2)} / **${f1.toFixed(3)}**`;
  };
  for (const t of types)
    lines.push(
      `| ${t} | ${cell('jaf-sec', t)} | ${cell('@arcjet/redact', t)} | ${cell('guide regexes', t)} |`,
    );
  lines.push(
    `| micro (types each supports) | ${cell('jaf-sec', null)} | ${cell('@arcjet/redact', null)} | ${cell('guide regexes', null)} |`,
  );
  const clean = cases.filter((c) => c.entities.length === 0);
  const flaggedBy = async (run: Detector) => {
    let n = 0;
    for (const c of clean) if ((await run(c.text)).length > 0) n++;
    return `${n} / ${clean.length} (${((100 * n) / Math.max(1, clean.length)).toFixed(1)}%)`;
  };
  lines.push(
    `| PII-free texts flagged | ${await flaggedBy(tools[0]![1])} | ${await flaggedBy(tools[1]![1])} | ${await flaggedBy(tools[2]![1])} |`,
  );
  note(`\n${lines.join('\n')}\n`);
}
note(
  'A prediction counts when its type and exact text match a labeled entity in the same text; types a tool does not support are left out of its scores (n/a).',
);

await writeSection('redact', 'Redaction (detect + redact, streaming, accuracy)', {
  '@jaf-sec/core': await versionOf('@jaf-sec/core'),
  '@arcjet/redact': await versionOf('@arcjet/redact'),
  node: process.version,
});
