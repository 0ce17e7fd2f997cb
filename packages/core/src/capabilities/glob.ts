// A glob for argument patterns: `*` matches any run of characters (none included), `?`
// exactly one, `\` makes the next character literal; everything else matches itself, and
// the whole value must match. Patterns come from grants (configuration or a token), so a
// regular expression would have to be proven linear at run time; a glob cannot backtrack
// exponentially: matching costs at most (pattern length x value length) steps.

const STAR = -1;
const ANY = -2;

/** A compiled glob: character codes, with {@link STAR} and {@link ANY}. @internal */
export type CompiledGlob = readonly number[];

/** Most characters in one pattern. */
export const MAX_PATTERN_LENGTH = 256;

/**
 * Compiles `pattern`, or returns undefined when it is not a valid glob (empty, longer than
 * {@link MAX_PATTERN_LENGTH}, or ending in a lone `\`).
 * @internal
 */
export function compileGlob(pattern: string): CompiledGlob | undefined {
  if (typeof pattern !== 'string' || pattern.length === 0 || pattern.length > MAX_PATTERN_LENGTH) {
    return undefined;
  }
  const out: number[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charCodeAt(i);
    if (c === 92 /* \ */) {
      if (i + 1 >= pattern.length) return undefined;
      out.push(pattern.charCodeAt(++i));
    } else if (c === 42 /* * */) {
      // Consecutive stars mean the same as one.
      if (out[out.length - 1] !== STAR) out.push(STAR);
    } else if (c === 63 /* ? */) {
      out.push(ANY);
    } else {
      out.push(c);
    }
  }
  return out;
}

/**
 * Whether the whole of `value` matches `glob` (UTF-16 code units). Greedy with one resume
 * point per star: the last star absorbs one more character each time a literal run fails,
 * so no state is visited twice per star.
 * @internal
 */
export function matchGlob(glob: CompiledGlob, value: string): boolean {
  let p = 0;
  let v = 0;
  let starP = -1;
  let starV = 0;
  while (v < value.length) {
    const g = glob[p];
    if (p < glob.length && g !== STAR && (g === ANY || g === value.charCodeAt(v))) {
      p++;
      v++;
    } else if (p < glob.length && g === STAR) {
      starP = p++;
      starV = v;
    } else if (starP >= 0) {
      p = starP + 1;
      v = ++starV;
    } else {
      return false;
    }
  }
  while (p < glob.length && glob[p] === STAR) p++;
  return p === glob.length;
}
