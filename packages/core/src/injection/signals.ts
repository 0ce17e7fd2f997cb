// Structural signals of indirect prompt injection, computed over normalised text with
// substring search and bounded windows (linear in the input, no regex).
import { decodeBase64, decodeUtf8 } from '../internal/bytes.js';
import type { Normalized } from './normalize.js';
import {
  ADDRESSED,
  CONTROL_KEYS,
  EXFIL_TARGETS,
  EXFIL_VERBS,
  HIDING_CSS,
  JAILBREAK,
  MARKUP,
  OVERRIDE,
  OVERRIDE_OBJECTS,
  OVERRIDE_QUALIFIERS,
  OVERRIDE_VERBS,
  ROLE,
  ROLE_LINES,
  TOOL_VERBS,
} from './phrases.js';

/** The signal features, in the order the model's `signal` weights use. */
export const SIGNALS = [
  'override',
  'addressed',
  'role',
  'jailbreak',
  'markup',
  'roleLine',
  'tool',
  'toolArgs',
  'controlStrong',
  'controlWeak',
  'exfil',
  'invisible',
  'comment',
  'css',
  'alt',
  'hiddenInstructions',
  'encodedText',
  'encodedInstructions',
  'homoglyph',
  'leet',
] as const;
export type SignalName = (typeof SIGNALS)[number];

/** Signals found, each with a short excerpt of what matched. */
export type SignalHits = Map<SignalName, string>;

const INSTRUCTION_SIGNALS: readonly SignalName[] = [
  'override',
  'addressed',
  'role',
  'jailbreak',
  'markup',
  'roleLine',
  'tool',
  'toolArgs',
  'controlStrong',
  'exfil',
];

/** A range of `Normalized.clean` to cut from the sanitized text, and what it carried. */
export interface HiddenRange {
  start: number;
  end: number;
  kind: 'comment' | 'css' | 'alt' | 'markup';
}

const MAX_SEGMENT = 4000;
const excerpt = (s: string): string => {
  const t = s.trim();
  return t.length > 60 ? `${t.slice(0, 57)}...` : t;
};

const isWordChar = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 0xe0 && c <= 0x24f) || c === 39;

/** Lower-case words of Latin-script text (a-z, accented letters, apostrophes). */
export function words(folded: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i <= folded.length; i++) {
    const w = i < folded.length && isWordChar(folded.charCodeAt(i));
    if (w && start < 0) start = i;
    else if (!w && start >= 0) {
      out.push(folded.slice(start, i));
      start = -1;
    }
  }
  return out;
}

function findOverride(ws: readonly string[]): string | undefined {
  for (let i = 0; i < ws.length; i++) {
    if (!OVERRIDE_VERBS.has(ws[i]!)) continue;
    let qualified = false;
    for (let j = i + 1; j < Math.min(ws.length, i + 9); j++) {
      if (OVERRIDE_QUALIFIERS.has(ws[j]!)) qualified = true;
      else if (qualified && OVERRIDE_OBJECTS.has(ws[j]!)) return ws.slice(i, j + 1).join(' ');
    }
  }
  return undefined;
}

// Trigram prefilter: a bitmap of the hashed trigrams of the text, built once per text, rules
// a phrase out before `includes` runs (no false negatives: a phrase the text contains has all
// its trigrams in the bitmap).
const BITS = 1 << 16;
const tri = (s: string, i: number): number =>
  (Math.imul(Math.imul(s.charCodeAt(i), 0x9e3779b1) ^ s.charCodeAt(i + 1), 0x85ebca6b) ^
    s.charCodeAt(i + 2)) &
  (BITS - 1);
let memoText: string | undefined;
let memoBits = new Uint8Array(BITS >> 3);
function bitsOf(text: string): Uint8Array {
  if (text === memoText) return memoBits;
  const bits = new Uint8Array(BITS >> 3);
  for (let i = 0; i + 3 <= text.length; i++) {
    const h = tri(text, i);
    bits[h >> 3]! |= 1 << (h & 7);
  }
  memoText = text;
  memoBits = bits;
  return bits;
}
const bitSet = (bits: Uint8Array, h: number): boolean => (bits[h >> 3]! & (1 << (h & 7))) !== 0;
function probe(phrase: string, bits: Uint8Array): boolean {
  if (phrase.length < 3) return true;
  const last = phrase.length - 3;
  return (
    bitSet(bits, tri(phrase, 0)) &&
    bitSet(bits, tri(phrase, last >> 1)) &&
    bitSet(bits, tri(phrase, last))
  );
}
// Probes of the constant phrase lists, computed once per list.
const listProbes = new WeakMap<readonly string[], Int32Array>();
function probesOf(list: readonly string[]): Int32Array {
  let p = listProbes.get(list);
  if (p === undefined) {
    p = new Int32Array(list.length * 3).fill(-1);
    list.forEach((phrase, i) => {
      if (phrase.length < 3) return;
      const last = phrase.length - 3;
      p![3 * i] = tri(phrase, 0);
      p![3 * i + 1] = tri(phrase, last >> 1);
      p![3 * i + 2] = tri(phrase, last);
    });
    listProbes.set(list, p);
  }
  return p;
}
const mayContain = (text: string, phrase: string): boolean => probe(phrase, bitsOf(text));
const has = (text: string, phrase: string): boolean =>
  mayContain(text, phrase) && text.includes(phrase);

/** The phrases of a constant list that `text` may contain, by the trigram prefilter. */
function candidates(text: string, list: readonly string[]): number[] {
  const bits = bitsOf(text);
  const p = probesOf(list);
  const out: number[] = [];
  for (let i = 0; i < list.length; i++) {
    const a = p[3 * i]!;
    if (a < 0 || (bitSet(bits, a) && bitSet(bits, p[3 * i + 1]!) && bitSet(bits, p[3 * i + 2]!)))
      out.push(i);
  }
  return out;
}

const firstOf = (text: string, phrases: readonly string[]): string | undefined => {
  for (const i of candidates(text, phrases)) if (text.includes(phrases[i]!)) return phrases[i];
  return undefined;
};
/** Exported for the sanitizer: the constant-list prefilter over one text. */
export const listCandidates = candidates;

/** A phrase from `before` ending at most `span` characters before a phrase from `after`. */
function nearAt(
  text: string,
  before: readonly string[],
  after: readonly string[],
  span: number,
): { what: string; end: number } | undefined {
  for (const a of after) {
    if (!mayContain(text, a)) continue;
    let at = text.indexOf(a);
    let tries = 0;
    while (at >= 0 && tries++ < 32) {
      const window = text.slice(Math.max(0, at - span), at);
      for (const b of before)
        if (mayContain(text, b) && window.includes(b))
          return { what: `${b} ... ${a}`, end: at + a.length };
      at = text.indexOf(a, at + a.length);
    }
  }
  return undefined;
}
const near = (
  text: string,
  before: readonly string[],
  after: readonly string[],
  span: number,
): string | undefined => nearAt(text, before, after, span)?.what;

/** Concrete arguments after a tool name: assignments, quoted values, addresses, URLs, paths. */
function hasArguments(text: string, from: number): boolean {
  const w = text.slice(from, from + 120);
  return (
    w.includes('=') ||
    w.includes('"') ||
    w.includes('@') ||
    w.includes('http') ||
    w.includes(' /') ||
    w.includes('(')
  );
}

const isIdent = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 46;
const TOOL_NOUNS = [
  'tool',
  'function',
  'herramienta',
  'función',
  'outil',
  'fonction',
  'werkzeug',
  'funktion',
  'ferramenta',
  'função',
  '工具',
  '函数',
  'टूल',
  'फ़ंक्शन',
];

/** An imperative to run a tool: a verb shortly before a snake_case name, a known tool or "tool". */
function findToolInvocation(
  folded: string,
  tools: readonly string[],
): { what: string; end: number } | undefined {
  const names: string[] = [];
  for (const t of tools) if (has(folded, t)) names.push(t);
  // snake_case identifiers (letters on both sides of an underscore).
  let i = 0;
  while (i < folded.length && names.length < 64) {
    if (!isIdent(folded.charCodeAt(i))) {
      i++;
      continue;
    }
    const s = i;
    while (i < folded.length && isIdent(folded.charCodeAt(i))) i++;
    const id = folded.slice(s, i);
    const u = id.indexOf('_');
    if (u > 0 && u < id.length - 1 && id.length >= 5 && id.length <= 64) names.push(id);
  }
  return nearAt(folded, TOOL_VERBS, names.concat(TOOL_NOUNS), 40);
}

function findRoleLine(lower: string): string | undefined {
  let start = 0;
  let lines = 0;
  while (start <= lower.length && lines++ < 100_000) {
    let end = lower.indexOf('\n', start);
    if (end < 0) end = lower.length;
    let s = start;
    while (
      s < end &&
      (lower[s] === ' ' || lower[s] === '\t' || lower[s] === '>' || lower[s] === '*')
    )
      s++;
    for (const r of ROLE_LINES) if (lower.startsWith(r, s)) return r;
    start = end + 1;
  }
  return undefined;
}

/** The instruction-level signals of one text (main text, hidden or decoded segment). */
export function textSignals(
  folded: string,
  lower: string,
  tools: readonly string[],
  out: SignalHits,
): void {
  const set = (name: SignalName, what: string | undefined) => {
    if (what !== undefined && !out.has(name)) out.set(name, excerpt(what));
  };
  set('override', findOverride(words(folded)) ?? firstOf(folded, OVERRIDE));
  set('addressed', firstOf(folded, ADDRESSED));
  set('role', firstOf(folded, ROLE));
  set('jailbreak', firstOf(folded, JAILBREAK));
  set('markup', firstOf(lower, MARKUP));
  set('roleLine', findRoleLine(lower));
  const tool = findToolInvocation(folded, tools);
  set('tool', tool?.what);
  if (tool && hasArguments(folded, tool.end)) set('toolArgs', tool.what);
  set('exfil', near(folded, EXFIL_VERBS, EXFIL_TARGETS, 60));
  const compact = lower.length < 200_000 ? lower : lower.slice(0, 200_000);
  for (const [key, strong] of CONTROL_KEYS) {
    if (has(compact, key)) {
      set(strong ? 'controlStrong' : 'controlWeak', key);
    }
  }
}

/** Text a human reader does not see: HTML comments, CSS-hidden elements, alt/title text. */
export function hiddenSegments(lower: string): { ranges: HiddenRange[]; texts: string[] } {
  const ranges: HiddenRange[] = [];
  const texts: string[] = [];
  let at = lower.indexOf('<!--');
  while (at >= 0 && ranges.length < 256) {
    const end = lower.indexOf('-->', at + 4);
    const stop = end < 0 ? lower.length : end + 3;
    ranges.push({ start: at, end: stop, kind: 'comment' });
    texts.push(lower.slice(at + 4, Math.min(stop, at + 4 + MAX_SEGMENT)));
    at = lower.indexOf('<!--', stop);
  }
  for (const css of HIDING_CSS) {
    let c = lower.indexOf(css);
    while (c >= 0 && ranges.length < 256) {
      const open = lower.indexOf('>', c);
      if (open < 0) break;
      let close = lower.indexOf('</', open);
      if (close < 0 || close - open > MAX_SEGMENT)
        close = Math.min(lower.length, open + MAX_SEGMENT);
      let text = '';
      let inTag = false;
      for (let k = open + 1; k < close; k++) {
        const ch = lower[k]!;
        if (ch === '<') inTag = true;
        else if (ch === '>') inTag = false;
        else if (!inTag) text += ch;
      }
      if (text.trim()) {
        ranges.push({ start: open + 1, end: close, kind: 'css' });
        texts.push(text);
      }
      c = lower.indexOf(css, close);
    }
  }
  for (const attr of ['alt="', 'title="', 'aria-label="', "alt='"]) {
    let a = lower.indexOf(attr);
    while (a >= 0 && ranges.length < 256) {
      const q = attr[attr.length - 1]!;
      const s = a + attr.length;
      const e = lower.indexOf(q, s);
      if (e < 0) break;
      if (e - s > 0 && e - s <= MAX_SEGMENT && words(lower.slice(s, e)).length >= 6) {
        ranges.push({ start: s, end: e, kind: 'alt' });
        texts.push(lower.slice(s, e));
      }
      a = lower.indexOf(attr, e);
    }
  }
  return { ranges, texts };
}

const isB64 = (c: number): boolean =>
  (c >= 48 && c <= 57) ||
  (c >= 65 && c <= 90) ||
  (c >= 97 && c <= 122) ||
  c === 43 ||
  c === 47 ||
  c === 61 ||
  c === 45 ||
  c === 95;
const isHex = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

function readable(s: string): boolean {
  if (s.length === 0) return false;
  let ok = 0;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if ((c >= 32 && c !== 127) || c === 10 || c === 9) ok++;
  }
  return ok / s.length >= 0.95 && words(s.toLowerCase()).length >= 3;
}

function hexToText(run: string): string | undefined {
  const bytes = new Uint8Array(run.length >> 1);
  for (let k = 0; k < bytes.length; k++)
    bytes[k] = Number.parseInt(run.slice(2 * k, 2 * k + 2), 16);
  return decodeUtf8(bytes);
}

/** base64 (and base64url) runs of 24+ characters and hex runs of 32+ that decode to text. */
export function decodedSegments(clean: string, max: number): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < clean.length && out.length < max) {
    const c = clean.charCodeAt(i);
    if (!isB64(c)) {
      i++;
      continue;
    }
    const s = i;
    let allHex = true;
    while (i < clean.length && isB64(clean.charCodeAt(i))) {
      if (!isHex(clean.charCodeAt(i))) allHex = false;
      i++;
    }
    const len = i - s;
    if (len > 65_536) continue;
    if (allHex && len >= 32) {
      const t = hexToText(clean.slice(s, s + (len & ~1)));
      if (t && readable(t)) out.push(t);
      continue;
    }
    if (len < 24) continue;
    let run = clean.slice(s, i);
    run = run.replaceAll('-', '+').replaceAll('_', '/');
    let end = run.length;
    while (end > 0 && run[end - 1] === '=') end--;
    run = run.slice(0, end);
    run = run.slice(0, run.length - (run.length % 4));
    const bytes = decodeBase64(run);
    const t = bytes && decodeUtf8(bytes);
    if (t && readable(t)) out.push(t);
  }
  return out;
}

/** Every signal of a normalised text: instructions, carriers, hidden and encoded content. */
export function allSignals(
  n: Normalized,
  tools: readonly string[],
): { hits: SignalHits; ranges: HiddenRange[] } {
  const hits: SignalHits = new Map();
  textSignals(n.folded, n.lower, tools, hits);
  const c = n.carriers;
  if (c.zeroWidth >= 3 || c.bidi > 0 || c.tags > 0 || c.variationSelectors >= 3) {
    const what =
      c.tags > 0
        ? 'unicode tag characters'
        : c.bidi > 0
          ? 'bidi controls'
          : c.zeroWidth >= 3
            ? `${c.zeroWidth} zero-width characters`
            : 'variation selectors';
    hits.set('invisible', what);
  }
  if (c.mixedScriptWords > 0) hits.set('homoglyph', `${c.mixedScriptWords} mixed-script words`);
  if (c.leetChars >= 3) hits.set('leet', `${c.leetChars} leetspeak characters`);
  const { ranges, texts } = hiddenSegments(n.lower);
  for (const r of ranges)
    if (!hits.has(r.kind as SignalName)) hits.set(r.kind as SignalName, r.kind);
  const hidden: string[] = texts.slice();
  if (c.tagText) hidden.push(c.tagText.toLowerCase());
  for (const t of hidden) {
    const inner: SignalHits = new Map();
    textSignals(t, t, tools, inner);
    for (const s of INSTRUCTION_SIGNALS) {
      const e = inner.get(s);
      if (e !== undefined) {
        if (!hits.has('hiddenInstructions')) hits.set('hiddenInstructions', e);
        if (!hits.has(s)) hits.set(s, e);
      }
    }
  }
  for (const t of decodedSegments(n.clean, 16)) {
    const lower = t.toLowerCase();
    if (!hits.has('encodedText')) hits.set('encodedText', excerpt(t));
    const inner: SignalHits = new Map();
    textSignals(lower, lower, tools, inner);
    for (const s of INSTRUCTION_SIGNALS) {
      const e = inner.get(s);
      if (e !== undefined) {
        if (!hits.has('encodedInstructions')) hits.set('encodedInstructions', e);
        if (!hits.has(s)) hits.set(s, e);
      }
    }
  }
  return { hits, ranges };
}
