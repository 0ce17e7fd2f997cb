// Strict JSON for token headers and payloads: the text must be a JSON object and no
// object in it may repeat a member name. JSON.parse keeps the last duplicate while other
// parsers keep the first, so a token with `"sub":"alice","sub":"admin"` could mean two
// things; refusing duplicates gives every token one meaning.

const QUOTE = 34;
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
 * a member name. One pass, an explicit stack (no recursion), so deep nesting cannot
 * overflow; keys with escapes are compared after unescaping.
 */
function hasDuplicateKeys(text: string): boolean {
  // One entry per open container: the key list of an object, or null for an array.
  const stack: (string[] | null)[] = [];
  let expectKey = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i + 1;
      let escaped = false;
      i++;
      for (; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) {
          escaped = true;
          i++;
        } else if (d === QUOTE) break;
      }
      if (expectKey) {
        expectKey = false;
        const keys = stack[stack.length - 1]!;
        const raw = text.slice(start, i);
        const key = escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
        for (let k = 0; k < keys.length; k++) if (keys[k] === key) return true;
        keys.push(key);
      }
    } else if (c === OPEN_BRACE) {
      stack.push([]);
      expectKey = true;
    } else if (c === OPEN_BRACKET) {
      stack.push(null);
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      stack.pop();
      expectKey = false;
    } else if (c === COMMA) {
      expectKey = stack[stack.length - 1] !== null;
    }
  }
  return false;
}
