/**
 * Extracts the code blocks of a Markdown file together with their doctest annotation.
 *
 * An annotation is an HTML comment on the line before the fence (blank lines between are
 * allowed), invisible on GitHub:
 *
 *   <!-- doctest: KIND key="value" ... -->
 *
 * See ../README.md for the kinds. A ts/js block without an annotation is `run`; a block of
 * any other language (sh, text, json, ...) is never run and needs no annotation.
 */

export type DoctestKind = 'run' | 'continue' | 'token' | 'server' | 'handler' | 'skip';

const KINDS: ReadonlySet<string> = new Set([
  'run',
  'continue',
  'token',
  'server',
  'handler',
  'skip',
]);
const RUNNABLE_LANGS: ReadonlySet<string> = new Set(['ts', 'typescript', 'js', 'javascript']);

export interface CodeBlock {
  /** The file the block came from (as given to {@link extractBlocks}). */
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The fence's language tag, lowercased (`''` when none). */
  readonly lang: string;
  readonly code: string;
  /** `undefined` for blocks that are not ts/js and carry no annotation. */
  readonly kind: DoctestKind | undefined;
  readonly attrs: Readonly<Record<string, string>>;
}

/** A problem in a document's annotations, reported as a failing test. */
export class DoctestAnnotationError extends Error {
  override readonly name = 'DoctestAnnotationError';
}

const ANNOTATION = /^<!--\s*doctest:\s*([a-z-]+)((?:\s+[a-z-]+="[^"]*")*)\s*-->$/;
const ATTR = /([a-z-]+)="([^"]*)"/g;
const FENCE = /^( *)(`{3,}|~{3,})\s*([A-Za-z0-9_+-]*)/;

function parseAnnotation(
  file: string,
  line: number,
  text: string,
): { kind: DoctestKind; attrs: Record<string, string> } {
  const match = ANNOTATION.exec(text);
  if (!match) {
    throw new DoctestAnnotationError(
      `${file}:${line}: cannot read the annotation ${JSON.stringify(text)}; write <!-- doctest: KIND key="value" -->`,
    );
  }
  const kind = match[1]!;
  if (!KINDS.has(kind)) {
    throw new DoctestAnnotationError(
      `${file}:${line}: unknown doctest kind "${kind}"; use one of ${[...KINDS].join(', ')}`,
    );
  }
  const attrs: Record<string, string> = {};
  for (const attr of (match[2] ?? '').matchAll(ATTR)) attrs[attr[1]!] = attr[2]!;
  if (kind === 'skip' && !attrs.reason) {
    throw new DoctestAnnotationError(`${file}:${line}: a skipped block needs reason="..."`);
  }
  if ((kind === 'server' || kind === 'handler') && !attrs.expect) {
    throw new DoctestAnnotationError(
      `${file}:${line}: a ${kind} block needs expect="POST /path 401, POST /path+token 200"`,
    );
  }
  return { kind: kind as DoctestKind, attrs };
}

/** Splits `markdown` into its fenced code blocks, each with its annotation. */
export function extractBlocks(file: string, markdown: string): CodeBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: CodeBlock[] = [];
  let pending: { line: number; text: string } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const text = raw.trim();
    if (text.startsWith('<!--') && text.includes('doctest')) {
      pending = { line: i + 1, text };
      continue;
    }
    const fence = FENCE.exec(raw);
    if (!fence) {
      if (text !== '' && pending) {
        throw new DoctestAnnotationError(
          `${file}:${pending.line}: the annotation must come right before a code block`,
        );
      }
      continue;
    }
    // A fence may be indented (inside a list item): the block's lines lose that indentation.
    const indent = fence[1]!;
    const marker = fence[2]!;
    const lang = (fence[3] ?? '').toLowerCase();
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.trimStart().startsWith(marker); i++) {
      const line = lines[i]!;
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line.trimStart());
    }
    if (i >= lines.length) {
      throw new DoctestAnnotationError(`${file}:${start + 1}: unclosed code block`);
    }
    const annotation = pending ? parseAnnotation(file, pending.line, pending.text) : undefined;
    pending = undefined;
    const runnable = RUNNABLE_LANGS.has(lang);
    if (annotation && !runnable && annotation.kind !== 'skip') {
      throw new DoctestAnnotationError(
        `${file}:${start + 1}: only ts/js blocks can be run (this one is "${lang}")`,
      );
    }
    blocks.push({
      file,
      line: start + 1,
      lang,
      code: `${body.join('\n')}\n`,
      kind: annotation?.kind ?? (runnable ? 'run' : undefined),
      attrs: annotation?.attrs ?? {},
    });
  }
  return blocks;
}

/** One program to run: a block, plus the `continue` blocks that follow it. */
export interface Example {
  readonly file: string;
  readonly line: number;
  /** `'ts'` when any part is TypeScript (types are stripped before running). */
  readonly lang: 'ts' | 'js';
  readonly kind: Exclude<DoctestKind, 'continue' | 'skip'>;
  readonly code: string;
  readonly attrs: Readonly<Record<string, string>>;
  /** Lines of the blocks that make up this example. */
  readonly lines: readonly number[];
  /** The example named by `with="..."`: its top-level bindings are imported into this one. */
  readonly prelude: Example | undefined;
}

const isTs = (lang: string): boolean => lang === 'ts' || lang === 'typescript';

/** Groups a file's runnable blocks into examples (skipped and non-code blocks are left out). */
export function toExamples(blocks: readonly CodeBlock[]): Example[] {
  const examples: Example[] = [];
  const named = new Map<string, Example>();
  let last:
    | {
        file: string;
        line: number;
        lang: 'ts' | 'js';
        kind: Example['kind'];
        code: string;
        attrs: Record<string, string>;
        lines: number[];
        prelude: Example | undefined;
      }
    | undefined;
  for (const block of blocks) {
    if (block.kind === undefined || block.kind === 'skip') continue;
    if (block.kind === 'continue') {
      if (!last) {
        throw new DoctestAnnotationError(
          `${block.file}:${block.line}: "continue" needs a runnable block before it`,
        );
      }
      last.code += `\n// --- ${block.file}:${block.line}\n${block.code}`;
      if (isTs(block.lang)) last.lang = 'ts';
      last.lines.push(block.line);
      if (block.attrs.stdout) {
        last.attrs.stdout = last.attrs.stdout
          ? `${last.attrs.stdout}|${block.attrs.stdout}`
          : block.attrs.stdout;
      }
      continue;
    }
    const withName = block.attrs.with;
    const prelude = withName === undefined ? undefined : named.get(withName);
    if (withName !== undefined && !prelude) {
      throw new DoctestAnnotationError(
        `${block.file}:${block.line}: with="${withName}" names no block before it (mark one with name="${withName}")`,
      );
    }
    last = {
      file: block.file,
      line: block.line,
      lang: isTs(block.lang) ? 'ts' : 'js',
      kind: block.kind,
      code: `// --- ${block.file}:${block.line}\n${block.code}`,
      attrs: { ...block.attrs },
      lines: [block.line],
      prelude,
    };
    examples.push(last);
    if (block.attrs.name !== undefined) {
      if (named.has(block.attrs.name)) {
        throw new DoctestAnnotationError(
          `${block.file}:${block.line}: name="${block.attrs.name}" is used twice`,
        );
      }
      named.set(block.attrs.name, last);
    }
  }
  return examples;
}

export interface ExpectedCall {
  readonly method: string;
  readonly path: string;
  readonly withToken: boolean;
  readonly status: number;
}

const CALL = /^([A-Z]+)\s+(\/\S*?)(\+token)?\s+(\d{3})$/;

/** Parses `expect="POST /chat 401, POST /chat+token 200"`. */
export function parseExpect(where: string, expect: string): ExpectedCall[] {
  return expect.split(',').map((part) => {
    const match = CALL.exec(part.trim());
    if (!match) {
      throw new DoctestAnnotationError(
        `${where}: cannot read ${JSON.stringify(part.trim())}; write "METHOD /path STATUS" or "METHOD /path+token STATUS"`,
      );
    }
    return {
      method: match[1]!,
      path: match[2]!,
      withToken: match[3] !== undefined,
      status: Number(match[4]),
    };
  });
}
