// Normalisation for injection scanning: NFKC, invisible carriers stripped (and recorded),
// homoglyphs folded to Latin, leetspeak folded, lower case. Single pass over the text, no regex.

/** What normalisation removed or decoded: each is a signal on its own. */
export interface Carriers {
  zeroWidth: number;
  bidi: number;
  /** Unicode tag characters (U+E0000..U+E007F); `tagText` is the ASCII they spell. */
  tags: number;
  tagText: string;
  variationSelectors: number;
  /** Words mixing Latin with Cyrillic/Greek look-alikes. */
  mixedScriptWords: number;
  /** Digits or symbols inside words that leetspeak folding changed. */
  leetChars: number;
}

export interface Normalized {
  /** Invisibles removed, NFKC; case and letters as written (used for the sanitized text). */
  readonly clean: string;
  /** `clean` lower-cased, nothing folded. */
  readonly lower: string;
  /** `clean` lower-cased with homoglyphs and leetspeak folded: what the detectors read. */
  readonly folded: string;
  readonly carriers: Carriers;
}

// Cyrillic and Greek letters that render like Latin ones (lower case after toLowerCase()).
const HOMOGLYPHS: Readonly<Record<string, string>> = {
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  і: 'i',
  ї: 'i',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  һ: 'h',
  ӏ: 'l',
  ԛ: 'q',
  ԝ: 'w',
  α: 'a',
  β: 'b',
  ε: 'e',
  η: 'n',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ω: 'w',
  ɡ: 'g',
  ı: 'i',
};
const LEET: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
  '!': 'i',
  '|': 'l',
};

const isLatin = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 0xe0 && c <= 0x24f);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
/** A letter: ASCII by range, anything else by case mapping (slow path, rare in ASCII text). */
function isLetterCode(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
  if (Number.isNaN(c)) return false;
  const ch = s[i]!;
  return ch.toLowerCase() !== ch.toUpperCase();
}

/** Zero-width and formatting characters that render as nothing. */
export const isZeroWidth = (c: number): boolean =>
  c === 0x200b ||
  c === 0x200c ||
  c === 0x200d ||
  c === 0x2060 ||
  c === 0x2061 ||
  c === 0x2062 ||
  c === 0x2063 ||
  c === 0x2064 ||
  c === 0xfeff ||
  c === 0x180e ||
  c === 0x00ad;
/** Bidirectional embeddings, overrides, isolates and marks. */
export const isBidi = (c: number): boolean =>
  (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c === 0x200e || c === 0x200f;

/** Strips invisible carriers from `text` (recording them), then folds it for detection. */
export function normalizeText(text: string): Normalized {
  const carriers: Carriers = {
    zeroWidth: 0,
    bidi: 0,
    tags: 0,
    tagText: '',
    variationSelectors: 0,
    mixedScriptWords: 0,
    leetChars: 0,
  };
  const nfkc = text.normalize('NFKC');
  // Strip invisibles: copy the text between them in slices.
  let clean = '';
  let last = 0;
  for (let i = 0; i < nfkc.length; i++) {
    const c = nfkc.charCodeAt(i);
    if (c < 0xad) continue;
    let skip = 0;
    if (isZeroWidth(c)) {
      carriers.zeroWidth++;
      skip = 1;
    } else if (isBidi(c)) {
      carriers.bidi++;
      skip = 1;
    } else if (c >= 0xfe00 && c <= 0xfe0f) {
      carriers.variationSelectors++;
      skip = 1;
    } else if (c === 0xdb40) {
      const d = nfkc.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdc7f) {
        carriers.tags++;
        const ascii = d - 0xdc00;
        if (ascii >= 0x20 && ascii < 0x7f && carriers.tagText.length < 4096)
          carriers.tagText += String.fromCharCode(ascii);
        skip = 2;
      } else if (d >= 0xdd00 && d <= 0xddef) {
        // Variation selectors supplement (U+E0100..U+E01EF).
        carriers.variationSelectors++;
        skip = 2;
      }
    }
    if (skip) {
      clean += nfkc.slice(last, i);
      i += skip - 1;
      last = i + 1;
    }
  }
  clean = last === 0 ? nfkc : clean + nfkc.slice(last);
  const lower = clean.toLowerCase();
  // Fold homoglyphs and leetspeak, again in slices; count mixed-script and leet words.
  let folded = '';
  last = 0;
  let wordHasLatin = false;
  let wordHasGlyph = false;
  let wordLeet = 0;
  let wordLen = 0;
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    let rep: string | undefined;
    if (c >= 0x370) {
      rep = HOMOGLYPHS[lower[i]!];
      if (rep !== undefined) wordHasGlyph = true;
    } else if (c === 0x131 || c === 0x261) rep = HOMOGLYPHS[lower[i]!];
    else if (c < 128 && (isDigit(c) || c === 64 || c === 36 || c === 33 || c === 124)) {
      // Digits fold after a letter ("h3ll0"); symbols only between two letters ("p@ss").
      const leet = LEET[lower[i]!];
      if (
        leet !== undefined &&
        isLetterCode(lower, i - 1) &&
        (isDigit(c) || isLetterCode(lower, i + 1))
      ) {
        rep = leet;
        wordLeet++;
      }
    }
    if (rep !== undefined) {
      folded += lower.slice(last, i) + rep;
      last = i + 1;
      wordLen++;
      continue;
    }
    if (isLatin(c)) {
      wordHasLatin = true;
      wordLen++;
    } else if (isDigit(c) || (c >= 128 && isLetterCode(lower, i))) wordLen++;
    else if (wordLen > 0) {
      if (wordHasLatin && wordHasGlyph) carriers.mixedScriptWords++;
      // Hashes and ids are long mixed runs: only short words count as leetspeak.
      if (wordLen <= 20) carriers.leetChars += wordLeet;
      wordHasLatin = false;
      wordHasGlyph = false;
      wordLeet = 0;
      wordLen = 0;
    }
  }
  folded = last === 0 ? lower : folded + lower.slice(last);
  if (wordHasLatin && wordHasGlyph) carriers.mixedScriptWords++;
  if (wordLen <= 20) carriers.leetChars += wordLeet;
  return { clean, lower, folded, carriers };
}
