// CI check: every regular expression in packages/core/src (all capabilities, tests included)
// must run in linear time. Literals and `new RegExp('...')`/`RegExp('...')` sources are
// extracted with the TypeScript parser and checked by recheck (ReDoS analysis by automata
// and fuzzing). A RegExp built from anything but a literal or another regex's `.source`
// cannot be checked statically and fails the test too.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkSync } from 'recheck';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The pure-JavaScript backend: no Java, no native binary, same result everywhere.
process.env.RECHECK_SYNC_BACKEND = 'pure';

const SRC = fileURLToPath(new URL('.', import.meta.url));

interface FoundRegex {
  file: string;
  line: number;
  source: string;
  flags: string;
}

function listTs(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listTs(p));
    else if (entry.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Regex literals and RegExp constructor calls in one file's text. */
function extractRegexes(file: string, text: string): { found: FoundRegex[]; dynamic: string[] } {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: FoundRegex[] = [];
  const dynamic: string[] = [];
  const lineOf = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const visit = (node: ts.Node): void => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
      const t = node.getText(sf);
      const end = t.lastIndexOf('/');
      found.push({ file, line: lineOf(node), source: t.slice(1, end), flags: t.slice(end + 1) });
    } else if (
      (ts.isNewExpression(node) || ts.isCallExpression(node)) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'RegExp'
    ) {
      const [pattern, flags] = node.arguments ?? [];
      const flagText = flags && ts.isStringLiteralLike(flags) ? flags.text : '';
      if (pattern && ts.isStringLiteralLike(pattern)) {
        found.push({ file, line: lineOf(node), source: pattern.text, flags: flagText });
      } else if (
        !(pattern && ts.isPropertyAccessExpression(pattern) && pattern.name.text === 'source')
      ) {
        dynamic.push(`${file}:${lineOf(node)}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { found, dynamic };
}

const isLinear = (source: string, flags: string): { ok: boolean; detail: string } => {
  const f = flags.replace(/[^dgimsuvy]/g, '');
  let r = checkSync(source, f, { timeout: 10_000 });
  // The pure backend is slow on a loaded machine: give an undecided pattern a second, longer try.
  if (r.status === 'unknown' && r.error.kind === 'timeout')
    r = checkSync(source, f, { timeout: 60_000 });
  const detail =
    r.status === 'vulnerable'
      ? `vulnerable (${r.complexity.type}), attack ${JSON.stringify(r.attack.pattern)}`
      : r.status === 'unknown'
        ? `unknown (${r.error.kind})`
        : 'safe';
  return { ok: r.status === 'safe', detail };
};

describe('regex safety', () => {
  it('flags a planted catastrophic pattern, so the check itself works', () => {
    const planted = 'export const BAD = /(a+)+$/;\nconst ok = new RegExp("^a+$");';
    const { found } = extractRegexes('planted.ts', planted);
    expect(found.map((f) => f.source)).toEqual(['(a+)+$', '^a+$']);
    expect(isLinear(found[0]!.source, found[0]!.flags).ok).toBe(false);
    expect(isLinear(found[1]!.source, found[1]!.flags).ok).toBe(true);
  });

  it('finds every regex in core linear-time', { timeout: 600_000 }, () => {
    const problems: string[] = [];
    let count = 0;
    for (const path of listTs(SRC)) {
      const file = relative(SRC, path);
      const { found, dynamic } = extractRegexes(file, readFileSync(path, 'utf8'));
      for (const d of dynamic)
        problems.push(`${d}: RegExp built from a non-literal; cannot be checked`);
      for (const r of found) {
        count++;
        const verdict = isLinear(r.source, r.flags);
        if (!verdict.ok)
          problems.push(`${r.file}:${r.line} /${r.source}/${r.flags}: ${verdict.detail}`);
      }
    }
    expect(count).toBeGreaterThan(5);
    expect(problems).toEqual([]);
  });
});
