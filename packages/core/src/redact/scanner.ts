// The single-pass detector. One linear regular expression finds *trigger* positions (a digit,
// `@`, `:`, a token prefix, a zero-width or fullwidth character); everything else is skipped
// at native speed. At a trigger a hand-written, bounded handler reads the candidate and its
// validator decides. A clean line therefore costs one regex scan.
//
// Every handler reads a bounded window and reports it in `reach`, so the streaming redactor
// can tell which positions no candidate spans, and can cut there safely.
import { decodeBase64Url, decodeUtf8 } from '../internal/bytes.js';
import { encodeUint32Base62 } from '../keys/base62.js';
import { crc32Ascii } from '../keys/crc32.js';
import type { ApiKeyProvider, PiiType } from './types.js';
import {
  findIbanLength,
  isBase62Code,
  isCardNumber,
  isDigitCode,
  isHexCode,
  isIban,
  isInternationalPhone,
  isIpv4,
  isIpv6,
  isNanpNumber,
  isSsn,
  isTrunkNationalPhone,
} from './validators.js';

/** Bit per type, so the set of enabled detectors is one number. */
export const TYPE_BIT: Readonly<Record<PiiType, number>> = {
  EMAIL: 1,
  CREDIT_CARD: 2,
  US_SSN: 4,
  PHONE_NUMBER: 8,
  IP_ADDRESS: 16,
  IBAN: 32,
  AWS_ACCESS_KEY_ID: 64,
  AWS_SECRET_ACCESS_KEY: 128,
  GITHUB_TOKEN: 256,
  SLACK_TOKEN: 512,
  STRIPE_KEY: 1024,
  JWT: 2048,
  PRIVATE_KEY: 4096,
  JAF_API_KEY: 8192,
  URL_CREDENTIALS: 16384,
  API_KEY: 32768,
};
/** Every type's bit: derived, so a type added to {@link TYPE_BIT} is enabled by default. */
export const ALL_TYPES_MASK: number = Object.values(TYPE_BIT).reduce((mask, bit) => mask | bit, 0);

// Caps on how far a handler reads; they bound the streaming hold-back too.
const EMAIL_LOCAL_MAX = 64;
const EMAIL_DOMAIN_MAX = 253;
const USERINFO_MAX = 256;
const RUN_MAX = 96;
const TOKEN_MAX = 512;
const JWT_MAX = 8192;
const PEM_MAX = 16384;
/**
 * Context the streaming redactor keeps before its cut. It cuts only after whitespace, where
 * every backward scan (email local part, URL userinfo, IPv6, key tokens) stops, so what is
 * read across the cut is only context: cue words (40 characters) and the IBAN-shape check
 * (at most 9 groups of 5).
 */
export const LOOKBEHIND_MAX = 64;

// Trigger classes of ASCII characters: 1 digit, 2 `@`, 3 `:`, 4 `-` (PEM header), 5 the first
// letter of a token prefix or cue word, 6 `_` (jaf-sec and provider keys with `_` in the prefix). Everything else is skipped with one
// table lookup, which is what makes a clean line cheap.
const TRIGGER_CLASS = /* @__PURE__ */ (() => {
  const t = new Uint8Array(128);
  for (let c = 48; c <= 57; c++) t[c] = 1;
  t[64] = 2;
  t[58] = 3;
  t[45] = 4;
  for (const ch of 'egxrswASkKdMNOpP') t[ch.charCodeAt(0)] = 5;
  t[95] = 6;
  return t;
})();

const startsAt = (text: string, i: number, lit: string): boolean => text.startsWith(lit, i);

/** The token-prefix trigger starting at `i` (a class-5 or class-4 character), or undefined. */
function findWordTrigger(text: string, i: number, c: number): string | undefined {
  if (c === 45) return startsAt(text, i, '-----BEGIN ') ? '-----BEGIN ' : undefined;
  // Prefixes count only at the start of a word ("reskin_test_" is not a key).
  const atWordStart = i === 0 || !isWordCode(text.charCodeAt(i - 1));
  switch (c) {
    case 101: // e
      return atWordStart && startsAt(text, i, 'eyJ') ? 'eyJ' : undefined;
    case 103: {
      // g
      if (!atWordStart) return undefined;
      const k = text.charCodeAt(i + 2);
      if (
        text.charCodeAt(i + 1) === 104 &&
        text.charCodeAt(i + 3) === 95 &&
        (k === 112 || k === 111 || k === 117 || k === 115 || k === 114)
      )
        return text.slice(i, i + 4);
      if (startsAt(text, i, 'github_pat_')) return 'github_pat_';
      // GitLab: personal, deploy, runner, pipeline-trigger, feed and OAuth-app tokens.
      if (text.charCodeAt(i + 1) === 108) {
        for (const pre of GITLAB_PREFIXES) if (startsAt(text, i, pre)) return pre;
      }
      return undefined;
    }
    case 120: {
      // x
      if (!atWordStart) return undefined;
      if (startsAt(text, i, 'xapp-')) return 'xapp-';
      const k = text.charCodeAt(i + 3);
      if (
        startsAt(text, i, 'xox') &&
        text.charCodeAt(i + 4) === 45 &&
        (k === 97 || k === 98 || k === 101 || k === 112 || k === 114 || k === 115)
      )
        return text.slice(i, i + 5);
      return undefined;
    }
    case 114: // r
    case 115: {
      // s
      if (
        atWordStart &&
        text.charCodeAt(i + 1) === 107 &&
        text.charCodeAt(i + 2) === 95 &&
        (startsAt(text, i + 3, 'live_') || startsAt(text, i + 3, 'test_'))
      )
        return text.slice(i, i + 8);
      // OpenAI and Anthropic: "sk-..." (the dash, where Stripe has an underscore).
      if (
        c === 115 &&
        atWordStart &&
        text.charCodeAt(i + 1) === 107 &&
        text.charCodeAt(i + 2) === 45
      )
        return 'sk-';
      return c === 115 && startsAt(text, i, 'secret') ? 'secret' : undefined;
    }
    case 119: // w
      return atWordStart && startsAt(text, i, 'whsec_') ? 'whsec_' : undefined;
    case 65: // A
      if (atWordStart && startsAt(text, i, 'AIza')) return 'AIza';
      return atWordStart && (startsAt(text, i, 'AKIA') || startsAt(text, i, 'ASIA'))
        ? text.slice(i, i + 4)
        : undefined;
    case 83: // S
      if (atWordStart && startsAt(text, i, 'SG.')) return 'SG.';
      if (atWordStart && text.charCodeAt(i + 1) === 75 && isHexCode(text.charCodeAt(i + 2)))
        return 'SK';
      return startsAt(text, i, 'Secret') || startsAt(text, i, 'SECRET')
        ? text.slice(i, i + 6)
        : undefined;
    case 107: // k
    case 75: {
      // K: "..._API_KEY=", "api-key:", "ApiKey": a provider's name in the key name says whose.
      const c2 = text.charCodeAt(i + 2);
      return c2 === 121 || c2 === 89 ? 'key' : undefined;
    }
    case 100: // d
      return atWordStart && startsAt(text, i, 'dapi') ? 'dapi' : undefined;
    case 112: // p
    case 80: {
      // P: "Password=" / "Pwd=" in a key-value connection string.
      if (!atWordStart) return undefined;
      const w = text.slice(i, i + 9).toLowerCase();
      return w === 'password=' || w.startsWith('pwd=') ? 'password' : undefined;
    }
    case 77: // M
    case 78: // N
    case 79: // O
      // A Discord bot token starts with the base64 of the bot's numeric id.
      return atWordStart ? 'discord' : undefined;
    default:
      return undefined;
  }
}

/** True when `_` at `i` follows a letter or digit and precedes 16 more: a jaf-sec key candidate. */
function isUnderscoreTrigger(text: string, i: number): boolean {
  if (i === 0 || !isAlnumCode(text.charCodeAt(i - 1))) return false;
  for (let k = 1; k <= 16; k++) if (!isAlnumCode(text.charCodeAt(i + k))) return false;
  return true;
}

/** A found entity in scanner coordinates. */
export interface RawEntity {
  type: PiiType;
  start: number;
  end: number;
  provider?: ApiKeyProvider;
}

/** Scanner state for one text; `reach` is the furthest index the current handler read. */
interface Scan {
  readonly text: string;
  readonly n: number;
  readonly mask: number;
  readonly out: RawEntity[];
  /** [start, reach) pairs of every handler invocation, when a streaming caller asks. */
  readonly spans: number[] | null;
  lo: number;
  reach: number;
}

const code = (s: Scan, i: number): number => (i >= 0 && i < s.n ? s.text.charCodeAt(i) : -1);
const isUpperCode = (c: number): boolean => c >= 65 && c <= 90;
const isLowerCode = (c: number): boolean => c >= 97 && c <= 122;
const isAlnumCode = (c: number): boolean => isDigitCode(c) || isUpperCode(c) || isLowerCode(c);
/** Letters, digits and `_`: what glues characters into one token. */
const isWordCode = (c: number): boolean => isAlnumCode(c) || c === 95;

/** Marks index `i` as read (exclusive bound). */
const touch = (s: Scan, i: number): void => {
  if (i > s.reach) s.reach = i;
};

const emit = (s: Scan, type: PiiType, start: number, end: number): void => {
  if ((s.mask & TYPE_BIT[type]) === 0) return;
  const last = s.out[s.out.length - 1];
  // Entities never overlap: a later candidate inside an earlier one is dropped.
  if (last !== undefined && start < last.end) return;
  s.out.push({ type, start, end });
};

const emitKey = (s: Scan, provider: ApiKeyProvider, start: number, end: number): void => {
  if ((s.mask & TYPE_BIT.API_KEY) === 0) return;
  const last = s.out[s.out.length - 1];
  if (last !== undefined && start < last.end) return;
  s.out.push({ type: 'API_KEY', start, end, provider });
};

/**
 * An obvious placeholder rather than a key: a run of six or more of one character
 * ("ghp_xxxxxxxx...", "AKIAXXXXXXXXXXXXXXXX", "sk-...000000"), or eight or more consecutive
 * characters in alphabet order ("abcdefgh", "12345678"), or (16 characters or more) fewer than
 * seven different symbols. Random key material of these lengths has none of these (odds below
 * 1e-5 per key).
 */
export function isPlaceholder(text: string, a: number, b: number): boolean {
  let same = 1;
  let asc = 1;
  // Distinct characters, as a bit set over the 64 base64url symbols (others share one bit).
  let lo = 0;
  let hi = 0;
  for (let i = a; i < b; i++) {
    const c = text.charCodeAt(i);
    const v = isDigitCode(c) ? c - 48 : isUpperCode(c) ? c - 55 : isLowerCode(c) ? c - 61 : 62;
    if (v < 32) lo |= 1 << v;
    else hi |= 1 << (v - 32);
    if (i === a) continue;
    const prev = text.charCodeAt(i - 1);
    same = c === prev ? same + 1 : 1;
    asc = c === prev + 1 ? asc + 1 : 1;
    if (same >= 6 || asc >= 8) return true;
  }
  // "glpat-glpat-glpat-...", "abcabcabc...": too few symbols for random material.
  return b - a >= 16 && popcount(lo) + popcount(hi) < 7;
}

function popcount(x: number): number {
  let n = 0;
  for (let v = x >>> 0; v !== 0; v &= v - 1) n++;
  return n;
}

/** Upper-case letters, lower-case letters and digits all present in [a, b). */
function hasMixedClasses(text: string, a: number, b: number): boolean {
  let seen = 0;
  for (let i = a; i < b; i++) {
    const c = text.charCodeAt(i);
    seen |= isUpperCode(c) ? 1 : isLowerCode(c) ? 2 : isDigitCode(c) ? 4 : 0;
  }
  return seen === 7;
}

/** Lower-cased text of up to `len` characters before `at`, for cue words. */
const before = (s: Scan, at: number, len: number): string =>
  s.text.slice(Math.max(0, at - len), at).toLowerCase();

const PHONE_CUES = [
  'phone',
  'tel',
  'call',
  'mobile',
  'cell',
  'fax',
  'whatsapp',
  'text me',
  'sms',
  'contact',
  'reach me',
  'dial',
  'number',
  'ph.',
  'ph:',
  '電話',
  '电话',
  '手机',
];
const STRONG_PHONE_CUES = PHONE_CUES.filter((c) => c !== 'number' && c !== 'contact');
const SSN_CUES = ['ssn', 'social security', 'social sec', 'ss#', 'ss #', 'taxpayer'];
const ID_CUES = ['order', 'invoice', 'tracking', 'ticket', 'ref', 'case', 'po ', 'sku', '#'];

const hasCue = (window: string, cues: readonly string[]): boolean => {
  for (const c of cues) if (window.includes(c)) return true;
  return false;
};

/**
 * Scans `text` from `from` and appends entities to `out`. Returns false (and stops) when it
 * meets a character that needs normalizing, unless `normalized` says that was done.
 */
export function scanText(
  text: string,
  from: number,
  mask: number,
  out: RawEntity[],
  spans: number[] | null,
): boolean {
  const s: Scan = { text, n: text.length, mask, out, spans, lo: 0, reach: 0 };
  const n = text.length;
  let i = from;
  while (i < n) {
    const c = text.charCodeAt(i);
    let cls: number;
    if (c < 128) {
      cls = TRIGGER_CLASS[c]!;
      if (cls === 0) {
        i++;
        continue;
      }
    } else {
      if (
        c === 0xad ||
        (c >= 0x200b && c <= 0x200d) ||
        c === 0x2060 ||
        c === 0xfeff ||
        (c >= 0xff01 && c <= 0xff5e)
      )
        return false;
      i++;
      continue;
    }
    let p = i;
    let next: number;
    s.lo = p;
    s.reach = p + 1;
    if (cls === 1) next = onDigit(s, p);
    else if (cls === 2) next = onAt(s, p);
    else if (cls === 3) next = onColon(s, p);
    else if (cls === 6) {
      if (!isUnderscoreTrigger(text, i)) {
        i++;
        continue;
      }
      p = i - 1;
      s.lo = p;
      s.reach = i + 17;
      next = onUnderscoreToken(s, p);
    } else {
      // Cheap second-character test before the full prefix check: "e" must be followed by "y",
      // "s" by "k" or "e", and so on; most letters in prose stop here.
      const c1 = text.charCodeAt(i + 1);
      const plausible =
        c === 101
          ? c1 === 121
          : c === 115
            ? c1 === 107 || c1 === 101
            : c === 114
              ? c1 === 107
              : c === 103
                ? c1 === 104 || c1 === 105 || c1 === 108
                : c === 120
                  ? c1 === 111 || c1 === 97
                  : c === 119
                    ? c1 === 104
                    : c === 65
                      ? c1 === 75 || c1 === 83 || c1 === 73
                      : c === 83
                        ? c1 === 101 || c1 === 69 || c1 === 71 || c1 === 75
                        : c === 107 || c === 75
                          ? c1 === 101 || c1 === 69
                          : c === 100
                            ? c1 === 97
                            : c === 112 || c === 80
                              ? c1 === 97 || c1 === 65 || c1 === 119 || c1 === 87
                              : c === 77 || c === 78 || c === 79
                                ? c1 === 68 || c1 === 84 || c1 === 106 || c1 === 122
                                : true;
      if (!plausible) {
        i++;
        continue;
      }
      const trigger = findWordTrigger(text, i, c);
      if (trigger === undefined) {
        i++;
        continue;
      }
      s.reach = p + trigger.length;
      next = onWord(s, p, trigger);
    }
    if (spans !== null) spans.push(s.lo, s.reach);
    i = next > i ? next : i + 1;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Digits: IPv4, SSN, card, phone (and IBAN / IPv6 when the digit is part of one).

interface Run {
  /** Start including a leading `+` or `(`. */
  start: number;
  plus: boolean;
  gs: number[];
  ge: number[];
}

function onDigit(s: Scan, p: number): number {
  const prev = code(s, p - 1);
  // "_827-95-3902_" (Markdown emphasis): an underscore after a non-word character is punctuation.
  if (isWordCode(prev) && !(prev === 95 && !isWordCode(code(s, p - 2)))) {
    // "DE89 3704 ...": the first digit of an IBAN follows its country letters.
    if (isUpperCode(prev) && isUpperCode(code(s, p - 2)) && !isWordCode(code(s, p - 3))) {
      const end = tryIban(s, p - 2);
      if (end > 0) return end;
    }
    return p + 1;
  }
  // A number glued to a word by `-` or `.` (a UUID's last group, "v1.2.3", "file-2024"):
  // part of an identifier, not a value of its own.
  if ((prev === 45 || prev === 46) && isWordCode(code(s, p - 2))) {
    let i = p;
    while (isDigitCode(code(s, i)) && i - p < RUN_MAX) i++;
    touch(s, i + 1);
    return i;
  }
  const bot = tryTelegram(s, p);
  if (bot > 0) return bot;
  let firstEnd = p;
  while (isDigitCode(code(s, firstEnd)) && firstEnd - p < 8) firstEnd++;
  const after = code(s, firstEnd);
  touch(s, firstEnd + 1);
  if (after === 58 || (isHexCode(after) && !isDigitCode(after))) {
    const end = tryIpv6(s, p);
    if (end > 0) return end;
    if (after !== 58) {
      // Hex glued to digits ("3f2a", "550e8400"): an identifier; skip the whole token.
      let i = firstEnd;
      while (isWordCode(code(s, i)) && i - p < TOKEN_MAX) i++;
      touch(s, i + 1);
      return i;
    }
  }
  // Most numbers in text are short and alone ("10:42", "5pm", "$1,249.99"): no format has fewer
  // than four digits, so a run that ends that early is skipped without building anything.
  let q = p;
  let total = 0;
  for (;;) {
    while (isDigitCode(code(s, q)) && total < 4) {
      q++;
      total++;
    }
    if (total >= 4) break;
    let j = q;
    while (j - q < 3 && isRunSep(code(s, j))) j++;
    if (j > q && isDigitCode(code(s, j))) q = j;
    else {
      touch(s, j + 2);
      if (code(s, p - 1) !== 43) return q;
      break;
    }
  }
  const run = collectRun(s, p);
  classifyRun(s, run);
  const lastEnd = run.ge[run.ge.length - 1]!;
  return lastEnd;
}

/** Telegram bot token: the bot id (8-10 digits), `:`, then `AA` and 33 base64url characters. */
function tryTelegram(s: Scan, p: number): number {
  let i = p;
  while (isDigitCode(code(s, i)) && i - p < 11) i++;
  touch(s, i + 3);
  if (i - p < 8 || i - p > 10 || code(s, i) !== 58) return -1;
  if (code(s, i + 1) !== 65 || code(s, i + 2) !== 65) return -1;
  const e = runEnd(s, i + 1, isB64UrlCode, 35);
  if (e - i - 1 !== 35 || isB64UrlCode(code(s, e)) || isPlaceholder(s.text, i + 3, e)) return -1;
  emitKey(s, 'telegram', p, e);
  return e;
}

const isRunSep = (c: number): boolean =>
  c === 32 || c === 45 || c === 46 || c === 40 || c === 41 || c === 47 || c === 0xa0;

function collectRun(s: Scan, p: number): Run {
  const prev = code(s, p - 1);
  let start = p;
  let plus = false;
  if (prev === 43) {
    start = p - 1;
    plus = true;
  } else if (prev === 40) {
    start = p - 1;
    if (code(s, p - 2) === 43) {
      start = p - 2;
      plus = true;
    }
  }
  const gs: number[] = [];
  const ge: number[] = [];
  let i = p;
  for (;;) {
    const g = i;
    while (isDigitCode(code(s, i)) && i - start < RUN_MAX) i++;
    gs.push(g);
    ge.push(i);
    if (i - start >= RUN_MAX) break;
    let j = i;
    while (j - i < 3 && isRunSep(code(s, j))) j++;
    if (j > i && isDigitCode(code(s, j))) {
      i = j;
      continue;
    }
    touch(s, j + 2);
    break;
  }
  touch(s, i + 4);
  return { start, plus, gs, ge };
}

/** True when the character after a candidate ending at `end` leaves it standing alone. */
function isRightBoundary(s: Scan, end: number): boolean {
  const c = code(s, end);
  if (c === 95 && !isWordCode(code(s, end + 1))) return true;
  if (isWordCode(c) || c === 64) return false;
  // "2024-01-15.log", "10.0.0.1-abc": still glued to a token.
  if ((c === 45 || c === 46) && isWordCode(code(s, end + 1))) return false;
  return true;
}

function classifyRun(s: Scan, run: Run): void {
  const k = run.gs.length;
  // Try the whole run, then narrower windows split at spaces, so "ref 12 4111 1111 1111 1111"
  // still finds the card. Windows are at most 7 groups: no format has more.
  let a = 0;
  while (a < k) {
    let matched = -1;
    for (let b = Math.min(k - 1, a + 6); b >= a; b--) {
      if (b < k - 1 && !isSpaceSep(s, run, b)) continue;
      if (classifyWindow(s, run, a, b)) {
        matched = b;
        break;
      }
    }
    if (matched >= 0) a = matched + 1;
    else {
      a++;
      while (a < k && !isSpaceSep(s, run, a - 1)) a++;
    }
  }
}

/** True when the separator after group `g` is (or contains) a space. */
function isSpaceSep(s: Scan, run: Run, g: number): boolean {
  for (let i = run.ge[g]!; i < run.gs[g + 1]!; i++) {
    const c = s.text.charCodeAt(i);
    if (c === 32 || c === 0xa0) return true;
  }
  return false;
}

function classifyWindow(s: Scan, run: Run, a: number, b: number): boolean {
  const { gs, ge } = run;
  const start = a === 0 ? run.start : gs[a]!;
  const end = ge[b]!;
  const groups = b - a + 1;
  if (!isRightBoundary(s, end) && !(code(s, end) === 64 && groups === 4)) return false;
  let n = 0;
  for (let g = a; g <= b; g++) n += ge[g]! - gs[g]!;
  // No format has fewer than 7 digits except a dotted quad, nor more than 19.
  if (n > 19 || n < 4 || (n < 7 && groups !== 4 && groups !== 5)) return false;
  let digits = '';
  for (let g = a; g <= b; g++) digits += s.text.slice(gs[g]!, ge[g]!);
  // Separators: all identical? which one?
  let sep = '';
  let sameSep = true;
  for (let g = a; g < b; g++) {
    const t = s.text.slice(ge[g]!, gs[g + 1]!);
    if (g === a) sep = t;
    else if (t !== sep) sameSep = false;
  }
  const plus = a === 0 && run.plus;
  const paren = a === 0 && !plus && run.start < gs[0]!;

  // IPv4, optionally with a CIDR prefix length ("(192.168.1.1)": the parenthesis is not part of it).
  if (!plus && sep === '.' && (groups === 4 || groups === 5)) {
    if (groups === 4 && sameSep) {
      if (isIpv4(s.text.slice(gs[a]!, end)) && !isVersionContext(s, gs[a]!)) {
        emit(s, 'IP_ADDRESS', gs[a]!, end);
        return true;
      }
      return false;
    }
    if (groups === 5 && s.text.slice(ge[a + 3]!, gs[a + 4]!) === '/') {
      const bits = Number(s.text.slice(gs[a + 4]!, end));
      let dotted = true;
      for (let g = a; g < a + 3; g++) if (s.text.slice(ge[g]!, gs[g + 1]!) !== '.') dotted = false;
      if (dotted && isIpv4(s.text.slice(gs[a]!, ge[a + 3]!))) {
        // A prefix length out of range is not part of the address, but the address still is.
        emit(s, 'IP_ADDRESS', gs[a]!, bits <= 32 ? end : ge[a + 3]!);
        return true;
      }
    }
    return false;
  }
  const len = (g: number): number => ge[a + g]! - gs[a + g]!;

  // Cards and SSNs in parentheses ("card (5311 9568 5822 3106)"): the bracket is punctuation,
  // not part of the value, so those start at the first digit.
  const bare = a === 0 ? gs[0]! : start;

  // SSN: 3-2-4 with one separator, or nine bare digits after a cue word.
  if (!plus && n === 9) {
    const dashed =
      groups === 3 && sameSep && (sep === '-' || sep === ' ' || sep === '.') && len(0) === 3;
    const cued = groups === 1 && hasCue(before(s, start, 40), SSN_CUES);
    if ((dashed && len(1) === 2) || cued) {
      if (isSsn(digits)) {
        emit(s, 'US_SSN', bare, end);
        return true;
      }
      if (dashed) return false;
    }
  }

  // The tail of an IBAN-shaped string that failed its check is not a card or phone number.
  if (followsIbanShape(s, start)) return false;

  // Payment cards: 12-19 digits in the groupings cards are printed with.
  if (
    !plus &&
    n >= 12 &&
    n <= 19 &&
    (groups === 1 || (sameSep && (sep === ' ' || sep === '-'))) &&
    !isGroupedTail(s, run, a, b, sep)
  ) {
    let grouped = groups === 1;
    if (!grouped) {
      grouped = true;
      for (let g = 0; g < groups - 1; g++) if (len(g) !== 4) grouped = false;
      if (len(groups - 1) > 4) grouped = false;
      if (
        !grouped &&
        groups === 3 &&
        len(0) === 4 &&
        len(1) === 6 &&
        (len(2) === 5 || len(2) === 4)
      )
        grouped = true;
    }
    if (grouped && isCardNumber(digits)) {
      emit(s, 'CREDIT_CARD', bare, end);
      return true;
    }
  }

  // Phones.
  if (isPhone(s, run, a, b, digits, plus, paren, start)) {
    // The opening parenthesis belongs to the number only when it closes after the first
    // group: "(415) 555-2671" and "(+44) 20 ..." keep it, "(415-555-2671)" does not.
    const closes = groups > 1 && s.text.slice(ge[a]!, gs[a + 1]!).startsWith(')');
    let from = paren && !closes ? gs[0]! : start;
    if (plus && closes && code(s, start - 1) === 40) from = start - 1;
    emit(s, 'PHONE_NUMBER', from, end);
    return true;
  }
  return false;
}

/**
 * True when groups `a..b` are only part of a longer number printed in the same groups of four
 * ("ref 7782 5012 3456 7893": the last twelve digits pass Luhn by chance, but the number is
 * the whole run). A short lead group ("ref 12 4111 1111 1111 1111") is a separate number.
 */
function isGroupedTail(s: Scan, run: Run, a: number, b: number, sep: string): boolean {
  const { gs, ge } = run;
  if (b === a) return false;
  const sepAt = (g: number): string => s.text.slice(ge[g]!, gs[g + 1]!);
  // The group before belongs to this number only if it is joined the same way to its own
  // neighbour ("4012-8888-8888-1881 4012 8888 8888 1881" is two cards).
  if (
    a > 0 &&
    ge[a - 1]! - gs[a - 1]! === 4 &&
    sepAt(a - 1) === sep &&
    (a === 1 || sepAt(a - 2) === sep)
  )
    return true;
  return b < gs.length - 1 && ge[b + 1]! - gs[b + 1]! <= 4 && sepAt(b) === sep;
}

const VERSION_CUES = [
  'version',
  'ver ',
  'ver.',
  'firmware',
  'fw ',
  'build',
  'release',
  'kernel',
  'driver',
  'bios',
  'sdk',
  'upgrad',
  'updat',
  'patch',
  'hotfix',
  'package',
];
const IP_CUES = [
  'ip',
  'addr',
  'host',
  'server',
  'client',
  'peer',
  'gateway',
  'dns',
  'proxy',
  'from ',
];

/** "Firmware 3.17.1.151", "Chrome/109.0.5414.120": a dotted version or build number, not an address. */
function isVersionContext(s: Scan, start: number): boolean {
  // A product token glued to it by a slash (user agents, package@version paths).
  if (code(s, start - 1) === 47 && isWordCode(code(s, start - 2))) return true;
  const near = before(s, start, 24);
  return hasCue(near, VERSION_CUES) && !hasCue(near, IP_CUES);
}

/**
 * True when the text just before `start` is "CC99 " or "CC99 XXXX ..." (groups of letters and
 * digits after a country code and check digits): an IBAN that did not validate.
 */
function followsIbanShape(s: Scan, start: number): boolean {
  let i = start;
  for (let groups = 0; groups < 9; groups++) {
    if (code(s, i - 1) !== 32) return false;
    let j = i - 1;
    while (j > 0 && isAlnumCode(code(s, j - 1)) && i - 1 - j < 4) j--;
    if (j === i - 1) return false;
    if (
      i - 1 - j === 4 &&
      !isWordCode(code(s, j - 1)) &&
      isUpperCode(code(s, j)) &&
      isUpperCode(code(s, j + 1)) &&
      isDigitCode(code(s, j + 2)) &&
      isDigitCode(code(s, j + 3))
    )
      return true;
    i = j;
  }
  return false;
}

function isPhone(
  s: Scan,
  run: Run,
  a: number,
  b: number,
  digits: string,
  plus: boolean,
  paren: boolean,
  start: number,
): boolean {
  const n = digits.length;
  const groups = b - a + 1;
  if (plus) {
    // "+44 (0)20 7946 0958": the bracketed trunk 0 is dialled only from inside the country.
    if (
      groups >= 3 &&
      run.ge[a + 1]! - run.gs[a + 1]! === 1 &&
      digits.charCodeAt(run.ge[a]! - run.gs[a]!) === 48
    ) {
      const sepBefore = s.text.slice(run.ge[a]!, run.gs[a + 1]!);
      if (sepBefore.endsWith('(')) {
        const cc = run.ge[a]! - run.gs[a]!;
        return isInternationalPhone(digits.slice(0, cc) + digits.slice(cc + 1));
      }
    }
    return isInternationalPhone(digits);
  }
  // "0049 30 12345678": the 00 international prefix written instead of +.
  const firstLen = run.ge[a]! - run.gs[a]!;
  if (
    groups >= 2 &&
    firstLen >= 3 &&
    firstLen <= 5 &&
    digits.startsWith('00') &&
    digits.charCodeAt(2) !== 48
  ) {
    if (isInternationalPhone(digits.slice(2))) return true;
  }
  if (n < 7 || n > 12) return false;
  // Only dashes, dots, spaces and the parentheses around an area code separate groups.
  for (let g = a; g < b; g++) {
    const t = s.text.slice(run.ge[g]!, run.gs[g + 1]!);
    if (t.includes('/')) return false;
    if (t.includes('(') && !(g === a && t === ' (')) return false;
    if (t.includes(')') && !(g === a && (t === ') ' || t === ')' || t === ')-'))) {
      if (!(g === a + 1 && (t === ') ' || t === ')' || t === ')-'))) return false;
    }
  }
  const lens: number[] = [];
  for (let g = a; g <= b; g++) lens.push(run.ge[g]! - run.gs[g]!);
  const window = before(s, start, 32);
  const cue = hasCue(window, PHONE_CUES);
  // "#4815162342", "order number 555-234-5678": numbering of things, not people, unless a
  // phone word sits closer to the number than the identifier word does.
  const near = before(s, start, 16);
  if (hasCue(near, ID_CUES) && !hasCue(near, STRONG_PHONE_CUES)) return false;
  const shape = lens.join('-');
  if (n === 10 && (shape === '3-3-4' || (paren && shape === '3-3-4'))) return isNanpNumber(digits);
  if (n === 11 && shape === '1-3-3-4' && digits.charCodeAt(0) === 49)
    return isNanpNumber(digits.slice(1));
  // National numbers with a trunk 0 only as a whole run: inside a longer run they are
  // fragments of something else (an account number, an IBAN that failed its check).
  const whole = a === 0 && b === run.gs.length - 1;
  if (groups >= 2 && whole && isTrunkNationalPhone(digits)) {
    let ok = lens[0]! >= 2 && lens[0]! <= 5;
    for (let g = 1; g < lens.length; g++) if (lens[g]! < 2 || lens[g]! > 4) ok = false;
    if (ok) return true;
  }
  if (!cue) return false;
  // With a cue word, bare digit runs and local numbers count too.
  if (n === 10 && groups === 1) return isNanpNumber(digits) || isTrunkNationalPhone(digits);
  if (n === 11 && groups === 1)
    return (
      isTrunkNationalPhone(digits) ||
      (digits.charCodeAt(0) === 49 && (isNanpNumber(digits.slice(1)) || digits.charCodeAt(1) >= 51))
    );
  if (n === 7 && shape === '3-4') return digits.charCodeAt(0) >= 50;
  return false;
}

function tryIban(s: Scan, q: number): number {
  const len = findIbanLength(s.text.slice(q, q + 2));
  if (len === undefined) return -1;
  let compact = '';
  let i = q;
  let lastGroupEnd = q;
  // Groups are separated by spaces or by dashes ("DE89-3704-..."), one kind per number.
  let sepCode = -1;
  while (compact.length < len) {
    const c = code(s, i);
    if (isDigitCode(c) || isUpperCode(c)) {
      compact += s.text[i];
      i++;
      lastGroupEnd = i;
    } else if (
      (c === 32 || c === 45) &&
      (sepCode === -1 || sepCode === c) &&
      compact.length >= 4 &&
      isAlnumCode(code(s, i + 1))
    ) {
      sepCode = c;
      i++;
    } else break;
  }
  touch(s, i + 2);
  if (compact.length !== len || isWordCode(code(s, lastGroupEnd))) return -1;
  if (!isIban(compact)) return -1;
  emit(s, 'IBAN', q, lastGroupEnd);
  return lastGroupEnd;
}

// ---------------------------------------------------------------------------------------------
// IPv6, entered from a digit or a colon.

const isV6Char = (c: number): boolean => isHexCode(c) || c === 58 || c === 46;

function tryIpv6(s: Scan, start: number): number {
  const pre = code(s, start - 1);
  if (isWordCode(pre) || pre === 46 || pre === 58) return -1;
  let i = start;
  let colonCount = 0;
  for (let c = code(s, i); isV6Char(c) && i - start <= 46; c = code(s, ++i)) {
    if (c === 58) colonCount++;
  }
  touch(s, i + 1);
  // "10:42", "Note:": fewer than two colons is never an IPv6 address.
  if (colonCount < 2) return -1;
  let end = i;
  // A sentence may end right after the address.
  while (end > start && code(s, end - 1) === 46) end--;
  if (i - start > 46 || isWordCode(code(s, i))) {
    if (code(s, i) !== 37) return -1;
  }
  const core = s.text.slice(start, end);
  let colons = 0;
  for (let k = 0; k < core.length; k++) if (core.charCodeAt(k) === 58) colons++;
  if (colons < 2 || !isIpv6(core)) return -1;
  if (end === i) {
    if (code(s, i) === 37) {
      // Zone index (fe80::1%eth0); in URLs the `%` is itself encoded as %25.
      let j = i + 1;
      while ((isAlnumCode(code(s, j)) || code(s, j) === 46 || code(s, j) === 95) && j - i < 32) j++;
      touch(s, j + 1);
      // "fe80::1%en0." — a sentence may end right after the zone too.
      while (j > i + 1 && code(s, j - 1) === 46) j--;
      if (j > i + 1) end = j;
      else return -1;
    }
    if (code(s, end) === 47) {
      const slash = end;
      let j = slash + 1;
      while (isDigitCode(code(s, j)) && j - slash < 4) j++;
      touch(s, j + 1);
      const bits = Number(s.text.slice(slash + 1, j));
      if (j > slash + 1 && bits <= 128 && !isWordCode(code(s, j))) end = j;
    }
  }
  if (isWordCode(code(s, end))) return -1;
  emit(s, 'IP_ADDRESS', start, end);
  return end;
}

function onColon(s: Scan, p: number): number {
  let start = p;
  while (start > 0 && isV6Char(code(s, start - 1)) && p - start < 46) start--;
  s.lo = start;
  // "::1", "fe80::1", "2001:db8::" — at most one attempt per colon run.
  if (start < p || code(s, p + 1) === 58) {
    const end = tryIpv6(s, start);
    if (end > 0) return end;
  }
  let i = p + 1;
  while (isV6Char(code(s, i)) && i - p < 46) i++;
  touch(s, i + 1);
  // Resume at the next digit rather than skipping it: "at 10:30 call +1 ..." must still scan.
  let k = p + 1;
  while (k < i && code(s, k) === 58) k++;
  return k;
}

// ---------------------------------------------------------------------------------------------
// `@`: credentials in a URL, then an email address.

const isLocalCode = (c: number): boolean =>
  isAlnumCode(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45 || c === 39;
const isDomainCode = (c: number): boolean => isAlnumCode(c) || c === 46 || c === 45;
const isUserinfoCode = (c: number): boolean =>
  isAlnumCode(c) ||
  c === 45 ||
  c === 46 ||
  c === 95 ||
  c === 126 ||
  c === 37 ||
  c === 33 ||
  c === 36 ||
  c === 38 ||
  c === 39 ||
  c === 42 ||
  c === 43 ||
  c === 44 ||
  c === 59 ||
  c === 61 ||
  c === 58;

function onAt(s: Scan, p: number): number {
  // scheme://user:password@host
  let u = p;
  while (u > 0 && isUserinfoCode(code(s, u - 1)) && p - u < USERINFO_MAX) u--;
  s.lo = Math.max(0, u - 3);
  if (u < p && code(s, u - 1) === 47 && code(s, u - 2) === 47 && code(s, u - 3) === 58) {
    // The userinfo run may have swallowed "user:pass" only; a colon inside means a password.
    const info = s.text.slice(u, p);
    const colon = info.indexOf(':');
    touch(s, p + 2);
    if (colon >= 0 && colon < info.length - 1 && isWordCode(code(s, p + 1))) {
      emit(s, 'URL_CREDENTIALS', u, p);
      return p + 1;
    }
    // scheme://user@host: a user name, not an address.
    if (colon < 0) return p + 1;
  }
  let l = p;
  while (l > 0 && isLocalCode(code(s, l - 1)) && p - l <= EMAIL_LOCAL_MAX) l--;
  s.lo = Math.min(s.lo, l - 1);
  let r = p + 1;
  while (isDomainCode(code(s, r)) && r - p <= EMAIL_DOMAIN_MAX + 1) r++;
  touch(s, r + 1);
  if (p - l > EMAIL_LOCAL_MAX || r - p > EMAIL_DOMAIN_MAX + 1 || l === p) return p + 1;
  // Leading dots are punctuation, not part of the address.
  while (l < p && code(s, l) === 46) l++;
  while (r > p + 1 && (code(s, r - 1) === 46 || code(s, r - 1) === 45)) r--;
  if (l === p || code(s, p - 1) === 46 || code(s, r) === 64) return p + 1;
  // "ana@example.com.DE89 ...": drop trailing labels until the domain is valid.
  while (!isEmailDomain(s.text, p + 1, r)) {
    const dot = s.text.lastIndexOf('.', r - 1);
    if (dot <= p + 1) return p + 1;
    r = dot;
  }
  for (let i = l + 1; i < p; i++) if (code(s, i) === 46 && code(s, i - 1) === 46) return p + 1;
  if (isAssetName(s.text, p + 1, r)) return r;
  emit(s, 'EMAIL', l, r);
  return r;
}

// File extensions that are not top-level domains: "logo@2x.png" is an image, not an address.
// (Extensions that are also TLDs, like .zip or .mov, are not listed.)
const FILE_EXTENSIONS = new Set([
  'png',
  'jpg',
  'jpeg',
  'gif',
  'svg',
  'webp',
  'avif',
  'ico',
  'bmp',
  'tif',
  'tiff',
  'heic',
  'css',
  'scss',
  'js',
  'mjs',
  'cjs',
  'jsx',
  'tsx',
  'json',
  'map',
  'woff',
  'woff2',
  'ttf',
  'otf',
  'eot',
  'mp3',
  'mp4',
  'wav',
  'ogg',
  'webm',
  'pdf',
  'txt',
  'csv',
  'yml',
  'yaml',
  'lock',
]);

/** "icon@2x.png", "sprite@1.5x.webp", "hero@3x": an asset's density suffix or file name. */
function isAssetName(text: string, a: number, b: number): boolean {
  const tld = text.slice(text.lastIndexOf('.', b - 1) + 1, b).toLowerCase();
  if (FILE_EXTENSIONS.has(tld)) return true;
  // A density suffix as the first label: one digit, maybe a fraction ("1.5x"), then x.
  let i = a + 1;
  if (!isDigitCode(text.charCodeAt(a))) return false;
  if (text.charCodeAt(i) === 46) {
    i++;
    while (i < b && i - a < 4 && isDigitCode(text.charCodeAt(i))) i++;
  }
  const x = text.charCodeAt(i);
  return (x === 120 || x === 88) && !isWordCode(text.charCodeAt(i + 1));
}

/** Domain of an address: two or more labels of 1-63 alnum/hyphen, TLD of 2+ letters (or xn--). */
function isEmailDomain(text: string, a: number, b: number): boolean {
  let labels = 0;
  let i = a;
  let lastLabel = a;
  while (i < b) {
    const s = i;
    while (i < b && text.charCodeAt(i) !== 46) i++;
    const len = i - s;
    if (len === 0 || len > 63) return false;
    if (text.charCodeAt(s) === 45 || text.charCodeAt(i - 1) === 45) return false;
    labels++;
    lastLabel = s;
    i++;
  }
  if (labels < 2) return false;
  const tld = text.slice(lastLabel, b);
  if (tld.startsWith('xn--')) return tld.length > 4;
  if (tld.length < 2) return false;
  for (let k = 0; k < tld.length; k++) {
    const c = tld.charCodeAt(k);
    if (!isUpperCode(c) && !isLowerCode(c)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Token prefixes and the PEM header.

/** End of a run of characters allowed by `ok`, read from `i`, at most `max` long. */
function runEnd(s: Scan, i: number, ok: (c: number) => boolean, max: number): number {
  let j = i;
  while (j - i <= max && ok(code(s, j))) j++;
  touch(s, j + 1);
  return j;
}

const isB64UrlCode = (c: number): boolean => isAlnumCode(c) || c === 45 || c === 95;
const isSlackCode = (c: number): boolean => isAlnumCode(c) || c === 45;
const isB64Code = (c: number): boolean => isAlnumCode(c) || c === 43 || c === 47;
const isCueSepCode = (c: number): boolean =>
  c === 32 || c === 9 || c === 34 || c === 39 || c === 58 || c === 61 || c === 62 || c === 44;

function onWord(s: Scan, p: number, trigger: string): number {
  const c0 = trigger.charCodeAt(0);
  if (c0 === 45) return onPem(s, p);
  if (trigger === 'eyJ') return onJwt(s, p);
  switch (trigger) {
    case 'sk-':
      return onSkDash(s, p);
    case 'AIza':
      return onGoogleKey(s, p);
    case 'SG.':
      return onSendGrid(s, p);
    case 'SK':
      return onTwilio(s, p);
    case 'key':
      return onKeyCue(s, p);
    case 'dapi':
      return onDatabricks(s, p);
    case 'password':
      return onConnectionPassword(s, p);
    case 'discord':
      return onDiscord(s, p);
    default:
      if (c0 === 103 && trigger.charCodeAt(1) === 108) return onGitLab(s, p, trigger);
  }
  if (trigger.startsWith('gh') || trigger.startsWith('github_pat_')) {
    const e = runEnd(s, p + trigger.length, isWordCode, 255);
    const body = e - p - trigger.length;
    const ok = trigger === 'github_pat_' ? body >= 22 && body <= 255 : body >= 36 && body <= 251;
    if (ok && !isB64UrlCode(code(s, e)) && !isPlaceholder(s.text, p + trigger.length, e)) {
      emit(s, 'GITHUB_TOKEN', p, e);
      return e;
    }
    return p + 1;
  }
  if (trigger.startsWith('xox') || trigger === 'xapp-') {
    const e = runEnd(s, p + trigger.length, isSlackCode, 255);
    const body = s.text.slice(p + trigger.length, e);
    // xoxb-<team id>-<bot id>-<secret>: numeric segments, then a random one.
    const parts = body.split('-');
    const secret = parts[parts.length - 1]!;
    if (isPlaceholder(secret, 0, secret.length)) return e;
    if (
      parts.length >= 2 &&
      body.length >= 20 &&
      /^\d+$/.test(parts[0]!) === (trigger !== 'xapp-')
    ) {
      emit(s, 'SLACK_TOKEN', p, e);
      return e;
    }
    if (trigger === 'xapp-' && parts.length >= 3 && body.length >= 20) {
      emit(s, 'SLACK_TOKEN', p, e);
      return e;
    }
    // Anything inside this run is part of the same (invalid) token.
    return e;
  }
  if (trigger.charCodeAt(1) === 107 || trigger === 'whsec_') {
    const isWh = trigger === 'whsec_';
    const e = runEnd(s, p + trigger.length, isWh ? isB64Code : isAlnumCode, TOKEN_MAX);
    const body = e - p - trigger.length;
    if (
      body >= (isWh ? 24 : 16) &&
      body <= TOKEN_MAX &&
      !isWordCode(code(s, e)) &&
      !isPlaceholder(s.text, p + trigger.length, e)
    ) {
      emit(s, 'STRIPE_KEY', p, e);
      return e;
    }
    return p + 1;
  }
  if (c0 === 65 && trigger.length === 4) {
    // AWS access key id: AKIA/ASIA + 16 base32 characters.
    const e = runEnd(s, p + 4, isAlnumCode, 20);
    if (e - p === 20 && !isWordCode(code(s, e))) {
      let ok = true;
      for (let i = p + 4; i < e; i++) {
        const c = code(s, i);
        if (!isUpperCode(c) && !(c >= 50 && c <= 55)) ok = false;
      }
      if (ok && !isPlaceholder(s.text, p + 4, e)) {
        emit(s, 'AWS_ACCESS_KEY_ID', p, e);
        return e;
      }
    }
    return p + 1;
  }
  return onSecretCue(s, p);
}

// ---------------------------------------------------------------------------------------------
// Provider keys (API_KEY). Formats from the providers' documentation and the shapes secret
// scanners (gitleaks' rule set) look for; each pattern is a bounded loop, no regex.

const GITLAB_PREFIXES = [
  'glpat-',
  'gldt-',
  'glrt-',
  'glptt-',
  'glft-',
  'gloas-',
  'glsoat-',
  'glcbt-',
  'glimt-',
] as const;

/** All of [a, b) are lower-case hex digits. */
function isLowerHexRun(text: string, a: number, b: number): boolean {
  for (let i = a; i < b; i++) {
    const c = text.charCodeAt(i);
    if (!isDigitCode(c) && !(c >= 97 && c <= 102)) return false;
  }
  return true;
}

/** OpenAI (`sk-proj-`, `sk-svcacct-`, `sk-admin-`, legacy `sk-` + 48) and Anthropic (`sk-ant-`). */
function onSkDash(s: Scan, p: number): number {
  const e = runEnd(s, p + 3, isB64UrlCode, TOKEN_MAX);
  if (isB64UrlCode(code(s, e)) || e - p > TOKEN_MAX) return e;
  if (isPlaceholder(s.text, p + 3, e)) return e;
  const body = s.text.slice(p + 3, e);
  if (body.startsWith('ant-')) {
    // sk-ant-api03-<93 characters>, sk-ant-admin01-<...>
    if (e - p >= 60 && hasMixedClasses(s.text, p + 7, e)) emitKey(s, 'anthropic', p, e);
    return e;
  }
  // "T3BlbkFJ" is base64 for "OpenAI": every OpenAI secret key carries it.
  const marker = body.includes('T3BlbkFJ');
  const dash = body.indexOf('-');
  const scope = dash < 0 ? '' : body.slice(0, dash);
  const scoped = scope === 'proj' || scope === 'svcacct' || scope === 'admin' || scope === 'None';
  const rest = scoped ? p + 3 + dash + 1 : p + 3;
  if (
    (marker && body.length >= 40) ||
    (scoped && e - rest >= 40 && hasMixedClasses(s.text, rest, e)) ||
    (dash < 0 && body.length === 48 && hasMixedClasses(s.text, p + 3, e))
  )
    emitKey(s, 'openai', p, e);
  return e;
}

/** Google API keys (Gemini, Maps, Firebase...): `AIza` + 35 base64url characters. */
function onGoogleKey(s: Scan, p: number): number {
  const e = runEnd(s, p + 4, isB64UrlCode, 36);
  if (e - p !== 39 || isB64UrlCode(code(s, e)) || isPlaceholder(s.text, p + 4, e)) return p + 1;
  emitKey(s, 'google', p, e);
  return e;
}

/** SendGrid: `SG.` + 22 + `.` + 43 base64url characters. */
function onSendGrid(s: Scan, p: number): number {
  const a = runEnd(s, p + 3, isB64UrlCode, 22);
  if (a - p - 3 !== 22 || code(s, a) !== 46) return p + 1;
  const e = runEnd(s, a + 1, isB64UrlCode, 43);
  if (e - a - 1 !== 43 || isB64UrlCode(code(s, e)) || isPlaceholder(s.text, p + 3, e)) return p + 1;
  emitKey(s, 'sendgrid', p, e);
  return e;
}

/** Twilio API key SID: `SK` + 32 lower-case hex. */
function onTwilio(s: Scan, p: number): number {
  const e = runEnd(s, p + 2, isAlnumCode, 33);
  if (e - p !== 34 || isWordCode(code(s, e)) || !isLowerHexRun(s.text, p + 2, e)) return p + 1;
  if (isPlaceholder(s.text, p + 2, e)) return e;
  emitKey(s, 'twilio', p, e);
  return e;
}

/** Databricks personal access token: `dapi` + 32 lower-case hex, maybe `-<digit>`. */
function onDatabricks(s: Scan, p: number): number {
  let e = runEnd(s, p + 4, isAlnumCode, 33);
  if (e - p !== 36 || !isLowerHexRun(s.text, p + 4, e)) return p + 1;
  if (code(s, e) === 45 && isDigitCode(code(s, e + 1)) && !isWordCode(code(s, e + 2))) e += 2;
  touch(s, e + 1);
  if (isWordCode(code(s, e)) || isPlaceholder(s.text, p + 4, e)) return p + 1;
  emitKey(s, 'databricks', p, e);
  return e;
}

/** GitLab tokens: a `gl...-` prefix and 20 or more base64url characters (dots in new formats). */
function onGitLab(s: Scan, p: number, prefix: string): number {
  let e = p + prefix.length;
  for (;;) {
    e = runEnd(s, e, isB64UrlCode, TOKEN_MAX);
    if (code(s, e) === 46 && isAlnumCode(code(s, e + 1)) && e - p < TOKEN_MAX) e++;
    else break;
  }
  const body = e - p - prefix.length;
  if (body < 20 || e - p > TOKEN_MAX || isWordCode(code(s, e))) return e;
  if (isPlaceholder(s.text, p + prefix.length, e)) return e;
  emitKey(s, 'gitlab', p, e);
  return e;
}

/** Discord bot token: base64 of the bot's numeric id, `.`, 6 characters, `.`, 27-38 characters. */
function onDiscord(s: Scan, p: number): number {
  const a = runEnd(s, p, isAlnumCode, 28);
  if (a - p < 23 || a - p > 28 || code(s, a) !== 46) return p + 1;
  const b = runEnd(s, a + 1, isB64UrlCode, 6);
  if (b - a - 1 !== 6 || code(s, b) !== 46) return p + 1;
  const e = runEnd(s, b + 1, isB64UrlCode, 38);
  if (e - b - 1 < 27 || e - b - 1 > 38 || isB64UrlCode(code(s, e))) return p + 1;
  // The first part must decode to the 17-20 digits of a snowflake id.
  const id = decodeBase64Url(s.text.slice(p, a));
  if (id === undefined || id.length < 17 || id.length > 20) return p + 1;
  for (let k = 0; k < id.length; k++) if (id[k]! < 48 || id[k]! > 57) return p + 1;
  if (isPlaceholder(s.text, b + 1, e)) return p + 1;
  emitKey(s, 'discord', p, e);
  return e;
}

/**
 * Keys without a prefix of their own, named by the variable or header that holds them:
 * `AZURE_OPENAI_API_KEY=`, `"cohere_api_key": "..."`, `Mistral key: ...`, `PINECONE_API_KEY`.
 * The value must then have that provider's exact shape.
 */
function onKeyCue(s: Scan, p: number): number {
  const window = before(s, p, 32);
  // "api-key:" and "Ocp-Apim-Subscription-Key:" are Azure's (OpenAI, AI services) headers.
  const azureHeader =
    (window.endsWith('api-') || window.endsWith('subscription-')) &&
    !isWordCode(code(s, p + 3)) &&
    !isAlnumCode(code(s, p - (window.endsWith('api-') ? 5 : 14)));
  const provider: ApiKeyProvider | undefined =
    window.includes('azure') || azureHeader
      ? 'azure-openai'
      : window.includes('cohere') || window.endsWith('co_api_')
        ? 'cohere'
        : window.includes('mistral')
          ? 'mistral'
          : window.includes('pinecone')
            ? 'pinecone'
            : undefined;
  if (provider === undefined) return p + 1;
  s.lo = Math.max(0, p - 32);
  let i = p + 3;
  while (isWordCode(code(s, i)) && i - p < 40) i++;
  let k = 0;
  while (k < 8 && isCueSepCode(code(s, i))) {
    i++;
    k++;
  }
  touch(s, i + 1);
  const e = runEnd(s, i, isB64UrlCode, 100);
  const len = e - i;
  if (len < 32 || isB64UrlCode(code(s, e)) || isPlaceholder(s.text, i, e)) return i > p ? i : p + 1;
  let ok = false;
  if (provider === 'azure-openai') {
    let hex = true;
    for (let j = i; j < e; j++) if (!isHexCode(code(s, j))) hex = false;
    ok =
      (len === 32 && hex && hasDigitAndLetter(s.text, i, e)) ||
      (len === 84 && hasMixedClasses(s.text, i, e));
  } else if (provider === 'cohere') ok = len === 40 && hasMixedClasses(s.text, i, e);
  else if (provider === 'mistral') ok = len === 32 && hasMixedClasses(s.text, i, e);
  else ok = len === 36 && isUuid(s.text, i);
  // Not this provider's shape: the value is scanned again for the formats with a prefix.
  if (!ok) return i > p ? i : p + 1;
  emitKey(s, provider, i, e);
  return e;
}

function hasDigitAndLetter(text: string, a: number, b: number): boolean {
  let seen = 0;
  for (let i = a; i < b; i++) seen |= isDigitCode(text.charCodeAt(i)) ? 1 : 2;
  return seen === 3;
}

/** 8-4-4-4-12 hex at `a`. */
function isUuid(text: string, a: number): boolean {
  for (let k = 0; k < 36; k++) {
    const c = text.charCodeAt(a + k);
    if (k === 8 || k === 13 || k === 18 || k === 23 ? c !== 45 : !isHexCode(c)) return false;
  }
  return true;
}

const CONNECTION_KEYS = [
  'server=',
  'host=',
  'data source=',
  'datasource=',
  'user id=',
  'userid=',
  'uid=',
  'user=',
  'username=',
  'database=',
  'dbname=',
  'initial catalog=',
];

/**
 * The password of a key-value connection string (ADO.NET, ODBC, libpq):
 * `Server=db;User Id=app;Password=s3cret;`, `host=db user=app password=s3cret`. Only when a
 * connection key precedes it in the same string; the value up to `;`, a quote or whitespace.
 */
function onConnectionPassword(s: Scan, p: number): number {
  const window = before(s, p, 48);
  s.lo = Math.max(0, p - 48);
  const prev = code(s, p - 1);
  if (!(prev === 59 || prev === 32 || prev === 9 || prev === -1 || prev === 34 || prev === 39))
    return p + 1;
  if (!hasCue(window, CONNECTION_KEYS)) return p + 1;
  const eq = s.text.indexOf('=', p);
  const v = eq + 1;
  let e = v;
  while (e - v < USERINFO_MAX) {
    const c = code(s, e);
    if (c === -1 || c === 59 || c === 34 || c === 39 || c === 32 || c === 9 || c === 10 || c === 13)
      break;
    e++;
  }
  touch(s, e + 1);
  if (e === v || e - v >= USERINFO_MAX) return v;
  // "Password=;" or a template ("Password={password}", "Pwd=<secret>", "password=***").
  const c0 = code(s, v);
  if (c0 === 123 || c0 === 60 || c0 === 36 || c0 === 37 || isPlaceholder(s.text, v, e)) return e;
  if (e - v < 16 && /^\*+$/.test(s.text.slice(v, e))) return e;
  emit(s, 'URL_CREDENTIALS', v, e);
  return e;
}

/** Provider keys whose prefix ends in `_`, found by the underscore trigger. */
function underscoreProvider(token: string): ApiKeyProvider | undefined {
  const n = token.length;
  const allOf = (from: number, ok: (c: number) => boolean): boolean => {
    for (let k = from; k < n; k++) if (!ok(token.charCodeAt(k))) return false;
    return true;
  };
  const isLetter = (c: number): boolean => isUpperCode(c) || isLowerCode(c);
  const isLowerHex = (c: number): boolean => isDigitCode(c) || (c >= 97 && c <= 102);
  if (token.startsWith('hf_')) return n === 37 && allOf(3, isLetter) ? 'huggingface' : undefined;
  if (token.startsWith('api_org_'))
    return n === 42 && allOf(8, isLetter) ? 'huggingface' : undefined;
  if (token.startsWith('gsk_')) return n === 56 && allOf(4, isAlnumCode) ? 'groq' : undefined;
  if (token.startsWith('r8_'))
    return n >= 39 && n <= 43 && allOf(3, isAlnumCode) ? 'replicate' : undefined;
  if (token.startsWith('npm_')) return n === 40 && allOf(4, isAlnumCode) ? 'npm' : undefined;
  if (token.startsWith('pcsk_')) {
    const second = token.indexOf('_', 5);
    return second >= 9 && second <= 14 && n - second - 1 >= 50 && n - second - 1 <= 80
      ? 'pinecone'
      : undefined;
  }
  if (
    token.startsWith('shpat_') ||
    token.startsWith('shpca_') ||
    token.startsWith('shppa_') ||
    token.startsWith('shpss_')
  )
    return n === 38 && allOf(6, isLowerHex) ? 'shopify' : undefined;
  if (token.startsWith('sbp_oauth_'))
    return n === 50 && allOf(10, isLowerHex) ? 'supabase' : undefined;
  if (token.startsWith('sbp_')) return n === 44 && allOf(4, isLowerHex) ? 'supabase' : undefined;
  if (token.startsWith('sb_secret_')) return n >= 30 && n <= 80 ? 'supabase' : undefined;
  return undefined;
}

/**
 * Whether a PEM body holds key material: at least 24 base64 characters, at least 12 of them
 * different. Markers around "...", "<key>" or "XXXX" (documentation, templates) do not.
 */
function isKeyBody(text: string, a: number, b: number): boolean {
  let count = 0;
  const seen = new Set<number>();
  for (let i = a; i < b; i++) {
    const c = text.charCodeAt(i);
    if (isAlnumCode(c) || c === 43 || c === 47) {
      count++;
      if (seen.size < 12) seen.add(c);
    }
  }
  return count >= 24 && seen.size >= 12;
}

function onPem(s: Scan, p: number): number {
  // -----BEGIN [RSA |EC |OPENSSH |ENCRYPTED |DSA ]PRIVATE KEY-----
  touch(s, p + 81);
  const close = s.text.slice(p + 11, p + 81).indexOf('-----');
  if (close < 0) return p + 1;
  const headEnd = p + 11 + close;
  const label = s.text.slice(p + 11, headEnd);
  if (!label.endsWith('PRIVATE KEY') && !label.endsWith('PRIVATE KEY BLOCK')) return p + 1;
  const footer = `-----END ${label}-----`;
  const limit = Math.min(s.n, p + PEM_MAX);
  const found = s.text.slice(headEnd + 5, limit).indexOf(footer);
  const endAt = found < 0 ? -1 : headEnd + 5 + found;
  if (endAt >= 0) {
    touch(s, endAt + footer.length + 1);
    if (!isKeyBody(s.text, headEnd + 5, endAt)) return endAt + footer.length;
    emit(s, 'PRIVATE_KEY', p, endAt + footer.length);
    return endAt + footer.length;
  }
  touch(s, limit + 1);
  // No footer: redact the header and the base64 body that follows it.
  let e = headEnd + 5;
  while (e < limit) {
    const c = code(s, e);
    if (isB64Code(c) || c === 61 || c === 10 || c === 13 || c === 32 || c === 58) e++;
    else break;
  }
  // The body ends at a blank line.
  const blank = s.text.slice(headEnd + 5, e).search(/\n[ \t\r]*\n/);
  if (blank >= 0) e = headEnd + 5 + blank;
  while (e > headEnd + 5 && (code(s, e - 1) === 10 || code(s, e - 1) === 32)) e--;
  if (!isKeyBody(s.text, headEnd + 5, e)) return headEnd + 5;
  emit(s, 'PRIVATE_KEY', p, e);
  return e;
}

function onJwt(s: Scan, p: number): number {
  const a = runEnd(s, p, isB64UrlCode, JWT_MAX);
  if (code(s, a) !== 46) return p + 1;
  const b = runEnd(s, a + 1, isB64UrlCode, JWT_MAX);
  if (code(s, b) !== 46 || b - a < 4) return p + 1;
  const c = runEnd(s, b + 1, isB64UrlCode, JWT_MAX);
  if (c - p > JWT_MAX || isWordCode(code(s, c))) return p + 1;
  const header = decodeBase64Url(s.text.slice(p, a));
  const json = header === undefined ? undefined : decodeUtf8(header);
  // Cheap shape check first: exceptions from JSON.parse are slow on adversarial input.
  if (json === undefined || json.charCodeAt(json.length - 1) !== 125) return p + 1;
  try {
    const h = JSON.parse(json) as unknown;
    if (typeof h !== 'object' || h === null || typeof (h as { alg?: unknown }).alg !== 'string')
      return p + 1;
  } catch {
    return p + 1;
  }
  emit(s, 'JWT', p, c);
  return c;
}

function onSecretCue(s: Scan, p: number): number {
  // aws_secret_access_key = "wJalr...", "SecretAccessKey": "..." — the cue, the rest of the
  // key's name, a little punctuation, then exactly 40 characters of base64.
  let i = p + 6;
  while (isWordCode(code(s, i)) && i - p < 40) i++;
  let k = 0;
  while (k < 8 && isCueSepCode(code(s, i))) {
    i++;
    k++;
  }
  touch(s, i + 1);
  if (!isAlnumCode(code(s, i)) && code(s, i) !== 43 && code(s, i) !== 47) return p + 1;
  const e = runEnd(s, i, isB64Code, 41);
  if (e - i !== 40 || isWordCode(code(s, e)) || code(s, e) === 61) return p + 1;
  let upper = false;
  let lower = false;
  let other = false;
  for (let k = i; k < e; k++) {
    const c = code(s, k);
    if (isUpperCode(c)) upper = true;
    else if (isLowerCode(c)) lower = true;
    else other = true;
  }
  if (!(upper && lower && other) || isPlaceholder(s.text, i, e)) return p + 1;
  emit(s, 'AWS_SECRET_ACCESS_KEY', i, e);
  return e;
}

/**
 * jaf-sec API keys: `<prefix>_<env>_<random><checksum>`, where the last six characters are the
 * CRC-32 of everything before them in base62. Checking the CRC finds real keys and nothing else.
 */
function onUnderscoreToken(s: Scan, p: number): number {
  // p is the character before an `_`; walk back to the token's start.
  let a = p;
  while (a > 0 && isWordCode(code(s, a - 1)) && p - a < 48) a--;
  s.lo = Math.max(0, a - 1);
  if (isWordCode(code(s, a - 1))) return p + 2;
  const e = runEnd(s, p + 2, isWordCode, TOKEN_MAX);
  if (isB64UrlCode(code(s, e)) || e - a > TOKEN_MAX) return p + 2;
  const token = s.text.slice(a, e);
  const provider = underscoreProvider(token);
  if (provider !== undefined) {
    const body = token.indexOf('_') + 1;
    if (!isPlaceholder(token, body, token.length)) emitKey(s, provider, a, e);
    return e;
  }
  const first = token.indexOf('_');
  const second = token.indexOf('_', first + 1);
  if (first < 1 || second < 0 || token.indexOf('_', second + 1) >= 0) return p + 2;
  const tail = token.slice(second + 1);
  if (tail.length < 22) return p + 2;
  for (let k = 0; k < tail.length; k++) if (!isBase62Code(tail.charCodeAt(k))) return p + 2;
  const checksum = token.slice(-6);
  // The checksum is the keys capability's own (CRC-32 of the body, 6 base62 characters).
  if (encodeUint32Base62(crc32Ascii(token, token.length - 6)) !== checksum) return p + 2;
  emit(s, 'JAF_API_KEY', a, e);
  return e;
}
