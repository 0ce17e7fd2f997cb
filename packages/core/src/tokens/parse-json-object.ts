// Strict JSON for token headers and payloads: the text must be a JSON object and no
// object in it may repeat a member name. JSON.parse keeps the last duplicate while other
// parsers keep the first, so a token with `"sub":"alice","sub":"admin"` could mean two
// things; refusing duplicates gives every token one meaning.

const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;

/**
 * Parses `text` as a JSON object with no duplicate member names at any depth; undefined
 * for anything else (garbage, arrays, primitives, duplicates). Never throws.
 */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return hasDuplicateKeys(text) ? undefined : (value as Record<string, unknown>);
}

/**
 * Scans JSON text that JSON.parse already accepted and reports whether any object repeats
 * a member name. String bodies are skipped with native indexOf, so the JavaScript loop only
 * walks the few structural characters between strings; an explicit stack (no recursion)
 * keeps deep nesting safe; keys with escapes are compared after unescaping.
 */
function hasDuplicateKeys(text: string): boolean {
  // One entry per open container: the key list of an object, or null for an array.
  const stack: (string[] | null)[] = [];
  let keys: string[] | null = null;
  let expectKey = false;
  let nextBackslash = text.indexOf('\\');
  const n = text.length;
  let i = 0;
  for (;;) {
    const open = text.indexOf('"', i);
    const end = open < 0 ? n : open;
    for (let k = i; k < end; k++) {
      const c = text.charCodeAt(k);
      if (c === OPEN_BRACE) {
        stack.push(keys);
        keys = [];
        expectKey = true;
      } else if (c === OPEN_BRACKET) {
        stack.push(keys);
        keys = null;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        keys = stack.pop() ?? null;
        expectKey = false;
      } else if (c === COMMA) {
        expectKey = keys !== null;
      }
    }
    if (open < 0) return false;
    // Find the closing quote: one not preceded by an odd run of backslashes.
    let close = open;
    let escaped = false;
    for (;;) {
      close = text.indexOf('"', close + 1);
      if (close < 0) return false; // unreachable for text JSON.parse accepted
      if (nextBackslash < 0 || nextBackslash > close) break;
      escaped = true;
      let b = close - 1;
      while (text.charCodeAt(b) === BACKSLASH) b--;
      if ((close - 1 - b) % 2 === 0) break;
    }
    if (nextBackslash >= 0 && nextBackslash < close) nextBackslash = text.indexOf('\\', close);
    if (expectKey && keys !== null) {
      expectKey = false;
      const raw = text.slice(open + 1, close);
      const key = escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
      for (let k = 0; k < keys.length; k++) if (keys[k] === key) return true;
      keys.push(key);
    }
    i = close + 1;
  }
}
