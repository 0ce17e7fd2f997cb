// scanToolOutput: normalise, find structural signals, score with the compact classifier,
// decide allow / sanitize / block and return the sanitized text.
import {
  type InjectionModel,
  maxTextLogit,
  sigmoid,
  signalLogit,
  signalVector,
} from './features.js';
import { MODEL } from './model.js';
import { normalizeText } from './normalize.js';
import { MARKUP } from './phrases.js';
import { allSignals, type HiddenRange, listCandidates, type SignalName } from './signals.js';

/** Stable codes of the reasons {@link scanToolOutput} gives. */
export type ToolOutputReasonCode =
  | 'OVERRIDE_INSTRUCTIONS'
  | 'ADDRESSED_TO_ASSISTANT'
  | 'ROLE_OVERRIDE'
  | 'FAKE_ROLE_MARKUP'
  | 'TOOL_INVOCATION'
  | 'JSON_CONTROL_KEY'
  | 'EXFILTRATION_REQUEST'
  | 'INVISIBLE_CHARACTERS'
  | 'HIDDEN_HTML'
  | 'HIDDEN_INSTRUCTIONS'
  | 'ENCODED_PAYLOAD'
  | 'OBFUSCATION'
  | 'CLASSIFIER'
  | 'INPUT_TOO_LARGE'
  | 'INVALID_INPUT';

/** One reason, with a short excerpt of what matched (at most 60 characters). */
export interface ToolOutputReason {
  readonly code: ToolOutputReasonCode;
  readonly excerpt: string;
}

export type ToolOutputAction = 'allow' | 'sanitize' | 'block';

/** Result of {@link scanToolOutput}. */
export interface ToolOutputScan {
  readonly action: ToolOutputAction;
  /** 0..1: the classifier's probability that the text carries an injection. */
  readonly score: number;
  readonly reasons: readonly ToolOutputReason[];
  /**
   * The text with invisible carriers, HTML comments, CSS-hidden text and chat-template tokens
   * removed (NFKC-normalised). Empty when the input was rejected (too large or not a string).
   */
  readonly sanitized: string;
}

export interface ScanToolOutputOptions {
  /** Score at or above which the action is `block`. Default 0.8. */
  readonly blockAt?: number;
  /** Score at or above which the action is at least `sanitize`. Default 0.5. */
  readonly sanitizeAt?: number;
  /** Names of the agent's tools: an imperative naming one is a TOOL_INVOCATION signal. */
  readonly tools?: readonly string[];
  /** Longest text scanned, in UTF-16 code units; longer input is blocked. Default 1,000,000. */
  readonly maxLength?: number;
  /** Weights to use instead of the shipped model (for experiments). */
  readonly model?: InjectionModel;
}

const CODE: Readonly<Record<SignalName, ToolOutputReasonCode>> = {
  override: 'OVERRIDE_INSTRUCTIONS',
  addressed: 'ADDRESSED_TO_ASSISTANT',
  role: 'ROLE_OVERRIDE',
  jailbreak: 'ROLE_OVERRIDE',
  markup: 'FAKE_ROLE_MARKUP',
  roleLine: 'FAKE_ROLE_MARKUP',
  tool: 'TOOL_INVOCATION',
  toolArgs: 'TOOL_INVOCATION',
  controlStrong: 'JSON_CONTROL_KEY',
  controlWeak: 'JSON_CONTROL_KEY',
  exfil: 'EXFILTRATION_REQUEST',
  invisible: 'INVISIBLE_CHARACTERS',
  comment: 'HIDDEN_HTML',
  css: 'HIDDEN_HTML',
  alt: 'HIDDEN_HTML',
  hiddenInstructions: 'HIDDEN_INSTRUCTIONS',
  encodedText: 'ENCODED_PAYLOAD',
  encodedInstructions: 'ENCODED_PAYLOAD',
  homoglyph: 'OBFUSCATION',
  leet: 'OBFUSCATION',
};

interface Resolved {
  blockAt: number;
  sanitizeAt: number;
  tools: string[];
  maxLength: number;
  model: InjectionModel;
  /** The model's n-gram weights as a typed array (faster to index than a holey array). */
  ngram: Float64Array;
}

const typed = new WeakMap<readonly number[], Float64Array>();
function ngramOf(model: InjectionModel): Float64Array {
  let t = typed.get(model.ngram);
  if (t === undefined) {
    t = Float64Array.from(model.ngram);
    typed.set(model.ngram, t);
  }
  return t;
}

function resolve(options: ScanToolOutputOptions = {}): Resolved {
  const prob = (name: string, v: number | undefined, d: number): number => {
    if (v === undefined) return d;
    if (typeof v !== 'number' || !(v > 0 && v <= 1))
      throw new TypeError(`scanToolOutput: ${name} must be a number in (0, 1], got ${String(v)}.`);
    return v;
  };
  const blockAt = prob('blockAt', options.blockAt, 0.8);
  const sanitizeAt = prob('sanitizeAt', options.sanitizeAt, 0.5);
  if (sanitizeAt > blockAt)
    throw new TypeError(
      `scanToolOutput: sanitizeAt (${sanitizeAt}) must not exceed blockAt (${blockAt}).`,
    );
  const maxLength = options.maxLength ?? 1_000_000;
  if (!Number.isSafeInteger(maxLength) || maxLength < 1)
    throw new TypeError('scanToolOutput: maxLength must be a positive integer.');
  const tools = (options.tools ?? []).map((t, i) => {
    if (typeof t !== 'string' || t.trim().length < 2 || t.length > 128)
      throw new TypeError(
        `scanToolOutput: tools[${i}] must be a tool name of 2 to 128 characters.`,
      );
    return t.trim().toLowerCase();
  });
  const model = options.model ?? MODEL;
  if (!Array.isArray(model.signal) || !Array.isArray(model.ngram))
    throw new TypeError('scanToolOutput: model must have signal and ngram weight arrays.');
  return { blockAt, sanitizeAt, tools, maxLength, model, ngram: ngramOf(model) };
}

function sanitize(clean: string, lower: string, ranges: HiddenRange[]): string {
  const cuts: HiddenRange[] = ranges.slice();
  for (const i of listCandidates(lower, MARKUP)) {
    const m = MARKUP[i]!;
    let at = lower.indexOf(m);
    while (at >= 0 && cuts.length < 4096) {
      cuts.push({ start: at, end: at + m.length, kind: 'markup' });
      at = lower.indexOf(m, at + m.length);
    }
  }
  // toLowerCase can change the length of a few characters (e.g. U+0130); then cut the lower text.
  const base = clean.length === lower.length ? clean : lower;
  cuts.sort((a, b) => a.start - b.start);
  let out = '';
  let pos = 0;
  for (const c of cuts) {
    if (c.end <= pos) continue;
    out += base.slice(pos, Math.max(pos, c.start));
    pos = c.end;
  }
  return out + base.slice(pos);
}

function scanWith(text: unknown, o: Resolved): ToolOutputScan {
  if (typeof text !== 'string')
    return {
      action: 'block',
      score: 1,
      reasons: [{ code: 'INVALID_INPUT', excerpt: 'not a string' }],
      sanitized: '',
    };
  if (text.length > o.maxLength)
    return {
      action: 'block',
      score: 1,
      reasons: [{ code: 'INPUT_TOO_LARGE', excerpt: `${text.length} > ${o.maxLength}` }],
      sanitized: '',
    };
  const n = normalizeText(text);
  const { hits, ranges } = allSignals(n, o.tools);
  const sig = signalVector(hits);
  const bestText = maxTextLogit(o.ngram, n.folded);
  const best = signalLogit(o.model, sig) + bestText;
  const score = Math.round(sigmoid(best) * 1000) / 1000;
  const reasons: ToolOutputReason[] = [];
  const seen = new Set<string>();
  for (const [name, what] of hits) {
    const code = CODE[name];
    const key = `${code}:${what}`;
    if (seen.has(key)) continue;
    seen.add(key);
    reasons.push({ code, excerpt: what });
  }
  if (bestText >= 1 && score >= o.sanitizeAt)
    reasons.push({ code: 'CLASSIFIER', excerpt: `text logit ${bestText.toFixed(2)}` });
  const sanitized = sanitize(n.clean, n.lower, ranges);
  const carriers = sanitized !== text;
  const action: ToolOutputAction =
    score >= o.blockAt ? 'block' : score >= o.sanitizeAt || carriers ? 'sanitize' : 'allow';
  return { action, score, reasons, sanitized };
}

/**
 * Scans a tool or retrieval result for indirect prompt injection before a model reads it:
 * instructions addressed to the assistant, overrides, fake chat markup and template tokens,
 * tool-invocation imperatives, JSON control keys (`handoff_to`, `system_prompt`, ...),
 * invisible carriers (zero-width, bidi, tag characters, HTML comments, CSS-hidden and alt
 * text) and encodings (base64, hex, leetspeak, homoglyphs), in seven languages, scored by a
 * compact classifier. Never throws on the text; throws a TypeError on bad options.
 *
 * A tripwire, not a defence: keep tools least-privilege and side effects behind approval.
 *
 * @param text - The tool output.
 * @param options - Thresholds, the agent's tool names, the size bound.
 * @returns `{ action: 'allow' | 'sanitize' | 'block', score, reasons, sanitized }`.
 * @example
 * ```ts
 * const r = scanToolOutput(page, { tools: ['send_email'] });
 * if (r.action === 'block') return 'The page could not be used.';
 * const safe = r.sanitized;
 * ```
 */
export function scanToolOutput(text: string, options?: ScanToolOutputOptions): ToolOutputScan {
  return scanWith(text, resolve(options));
}

/** Validates options once and returns a scanner (cheaper than {@link scanToolOutput} per call). */
export function createToolOutputScanner(
  options?: ScanToolOutputOptions,
): (text: string) => ToolOutputScan {
  const o = resolve(options);
  return (text) => scanWith(text, o);
}
