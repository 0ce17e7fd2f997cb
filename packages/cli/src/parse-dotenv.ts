/** A line of a .env file that could not be read. */
export interface DotenvError {
  readonly line: number;
  readonly message: string;
}

/** The variables of a .env file and the lines that could not be read. */
export interface ParsedDotenv {
  readonly values: Record<string, string>;
  readonly errors: readonly DotenvError[];
}

function isKeyChar(c: number, first: boolean): boolean {
  const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  return first ? letter : letter || (c >= 48 && c <= 57) || c === 46 || c === 45;
}

/**
 * Parses a .env file the way dotenv does for the common cases: `KEY=value`, an optional
 * `export ` before the key, `#` comments, double quotes (with `\n`, `\r`, `\t`, `\"` and `\\`
 * escapes), single quotes (literal), and a ` #` comment after an unquoted value.
 * Unquoted values are trimmed; quoted values keep their spaces. A value never contains
 * another variable (no `${VAR}` expansion): a secret must mean what it says.
 *
 * @example
 * ```ts
 * parseDotenv('JWT_SECRET_KEY="base64url:abc" # comment\n').values.JWT_SECRET_KEY; // 'base64url:abc'
 * ```
 */
export function parseDotenv(text: string): ParsedDotenv {
  const values: Record<string, string> = {};
  const errors: DotenvError[] = [];
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('export ')) line = line.slice(7).trimStart();
    const eq = line.indexOf('=');
    const key = (eq === -1 ? line : line.slice(0, eq)).trim();
    let valid = key.length > 0 && isKeyChar(key.charCodeAt(0), true);
    for (let i = 1; valid && i < key.length; i++) valid = isKeyChar(key.charCodeAt(i), false);
    if (eq === -1 || !valid) {
      errors.push({
        line: n + 1,
        message: eq === -1 ? 'expected KEY=value' : 'the name must be letters, digits and _',
      });
      continue;
    }
    const rest = line.slice(eq + 1).trimStart();
    const quote = rest[0];
    if (quote === '"' || quote === "'") {
      let value = '';
      let i = 1;
      let closed = false;
      for (; i < rest.length; i++) {
        const ch = rest[i]!;
        if (ch === quote) {
          closed = true;
          break;
        }
        if (quote === '"' && ch === '\\' && i + 1 < rest.length) {
          const next = rest[++i]!;
          value += next === 'n' ? '\n' : next === 'r' ? '\r' : next === 't' ? '\t' : next;
          continue;
        }
        value += ch;
      }
      const after = rest.slice(i + 1).trim();
      if (!closed || (after !== '' && !after.startsWith('#'))) {
        errors.push({
          line: n + 1,
          message: closed
            ? 'unexpected text after the closing quote'
            : 'unterminated quote (multi-line values are not supported)',
        });
        continue;
      }
      values[key] = value;
      continue;
    }
    const hash = rest.indexOf(' #');
    values[key] = (hash === -1 ? rest : rest.slice(0, hash)).trim();
  }
  return { values, errors };
}
