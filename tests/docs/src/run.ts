import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { transform } from 'esbuild';
import { type Example, type ExpectedCall, parseExpect } from './extract.js';

/** A JWT in a program's output (the token a quick start prints for curl). */
const JWT = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/;

/** The body every expected POST sends: a chat message, as in the README's curl lines. */
export const CALL_BODY = '{"content":"hi","type":"text"}';

const RUN_TIMEOUT_MS = 30_000;
const LISTEN_TIMEOUT_MS = 20_000;

export interface RunEnv {
  /** The consumer project the examples run in. */
  readonly dir: string;
  /** Extra environment (JWT_SECRET, ...), the same for every example. */
  readonly env: Readonly<Record<string, string>>;
}

export interface Outcome {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
  /** The first JWT the program printed, if any. */
  readonly token: string | undefined;
}

let counter = 0;

async function toJs(example: Example): Promise<string> {
  const source = example.attrs.check === 'comments' ? assertComments(example.code) : example.code;
  return example.lang === 'ts'
    ? (await transform(source, { loader: 'ts', format: 'esm', target: 'node20' })).code
    : source;
}

const LITERAL_START = /^(?:['"[{]|-?\d|true\b|false\b|null\b|undefined\b)/;
const STATEMENT =
  /^(\s*)(?:(const|let)\s+([A-Za-z_$][\w$]*)\s*=\s*)?(.+?);\s*(?:\/\/\s*(.*?))?\s*$/;
const COMMENT_ONLY = /^\s*\/\/\s*(.*?)\s*$/;
const NOT_AN_EXPRESSION =
  /^\s*(?:\/\/|import\b|export\b|return\b|if\b|for\b|while\b|throw\b|else\b|case\b|[.)}\]])/;
const CONSOLE_LOG = /^console\.log\((.*)\)$/;
const CODE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;

/** `args` when it is one argument (no comma outside brackets and strings), else undefined. */
function singleArgument(args: string): string | undefined {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const c = args[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) return undefined;
  }
  return args;
}

/** The comment when it is a plain JS literal (a documented value), else undefined. */
function literal(comment: string | undefined): string | undefined {
  if (comment === undefined || !LITERAL_START.test(comment)) return undefined;
  // An ellipsis marks an illustrative value ('Xr2…', { code, ... }): not compared.
  if (comment.includes('…') || comment.includes('...')) return undefined;
  try {
    // Evaluated alone, in an empty context: `{ allowed, limit }` or `false (PATH_ENCODED)`
    // name variables, so they are prose, not values.
    runInNewContext(`(${comment})`, {}, { timeout: 100 });
    return comment;
  } catch {
    return undefined;
  }
}

/**
 * `check="comments"`: a statement whose trailing comment (or the comment line right after it)
 * is a JS literal becomes an assertion that its value deep-equals that literal:
 * `redact('ana@example.com'); // '[EMAIL]'`, `const x = f(); // 3`, `console.log(v); // true`.
 */
export function assertComments(code: string): string {
  const lines = code.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const match = STATEMENT.exec(line);
    if (!match || NOT_AN_EXPRESSION.test(line)) {
      out.push(line);
      continue;
    }
    let expected = literal(match[5]);
    // console.log(code); // API_KEY_EXPIRED: an UPPER_SNAKE code is compared as printed.
    const printsCode = CONSOLE_LOG.test(match[4]!.trim()) && CODE.test(match[5] ?? '');
    if (expected === undefined && printsCode) expected = JSON.stringify(match[5]);
    let consumedNext = false;
    if (match[5] === undefined) {
      const next = COMMENT_ONLY.exec(lines[i + 1] ?? '');
      expected = literal(next?.[1]);
      consumedNext = expected !== undefined;
    }
    if (expected === undefined) {
      out.push(line);
      continue;
    }
    const [, indent, decl, name, expr] = match;
    if (decl) {
      out.push(`${indent}${decl} ${name} = ${expr};`);
      out.push(`${indent}__doctestEqual(${name}, ${expected}, ${JSON.stringify(line.trim())});`);
    } else {
      const logged = CONSOLE_LOG.exec(expr!.trim());
      const arg = logged ? singleArgument(logged[1]!) : expr;
      const value = arg !== undefined && printsCode ? `String(${arg})` : arg;
      if (value === undefined) {
        out.push(line); // console.log(a, b): several values, compared by nobody
        continue;
      }
      out.push(`${indent}__doctestEqual(${value}, ${expected}, ${JSON.stringify(line.trim())});`);
    }
    if (consumedNext) out.push(lines[++i]!);
  }
  return `import { deepStrictEqual as __doctestEqual } from 'node:assert/strict';\n${out.join('\n')}`;
}

const DECLARATION =
  /^(?:export\s+)?(?:const|let|var|class|function\*?|async\s+function\*?)\s+([A-Za-z_$][\w$]*)/gm;
const DESTRUCTURING = /^(?:export\s+)?(?:const|let|var)\s*\{([^}]*)\}\s*=/gm;
const IMPORT = /^import\s+(?!type\b)([^'"]*?)\s*from\s*['"][^'"]+['"]/gm;

/**
 * The names a module declares at top level (column 0, as documentation is formatted):
 * declarations, simple destructuring and import bindings.
 */
export function topLevelNames(code: string): Set<string> {
  const names = new Set<string>();
  for (const m of code.matchAll(DECLARATION)) names.add(m[1]!);
  for (const m of code.matchAll(DESTRUCTURING)) {
    for (const part of m[1]!.split(',')) {
      const name = part.split(':').pop()!.split('=')[0]!.trim();
      if (/^[A-Za-z_$][\w$]*$/.test(name)) names.add(name);
    }
  }
  for (const m of code.matchAll(IMPORT)) {
    const clause = m[1]!;
    const braces = /\{([^}]*)\}/.exec(clause);
    for (const part of braces?.[1]?.split(',') ?? []) {
      const name = part
        .replace(/^\s*type\s+/, '')
        .split(/\s+as\s+/)
        .pop()!
        .trim();
      if (name && !part.trim().startsWith('type ')) names.add(name);
    }
    const rest = clause.replace(/\{[^}]*\}/, '').replace(/\*\s+as\s+/, '');
    for (const part of rest.split(',')) {
      const name = part.trim();
      if (/^[A-Za-z_$][\w$]*$/.test(name)) names.add(name);
    }
  }
  return names;
}

function fileName(example: Example, suffix: string): string {
  return `${example.file.replace(/[^A-Za-z0-9]+/g, '-')}-${example.line}-${counter++}${suffix}.mjs`;
}

/**
 * Writes the example as an ES module in the consumer project (TypeScript types stripped).
 * With a prelude (`with="name"`), the named block is written as its own module exporting its
 * top-level names; the example imports those it does not declare itself, and its imports of
 * `@/...` (the Next.js path alias, e.g. `@/lib/security`) resolve to that module.
 */
export async function writeExample(run: RunEnv, example: Example): Promise<string> {
  let code = await toJs(example);
  if (example.prelude) {
    const preludeCode = await toJs(example.prelude);
    const exported = [...topLevelNames(preludeCode)];
    const preludeFile = fileName(example.prelude, '-prelude');
    writeFileSync(
      join(run.dir, preludeFile),
      `${preludeCode}\nexport { ${exported.join(', ')} };\n`,
    );
    code = code.replace(/(from\s*['"])@\/[^'"]+(['"])/g, `$1./${preludeFile}$2`);
    const own = topLevelNames(code);
    const wanted = exported.filter((name) => !own.has(name));
    if (wanted.length > 0) {
      code = `import { ${wanted.join(', ')} } from './${preludeFile}';\n${code}`;
    }
  }
  const path = join(run.dir, fileName(example, ''));
  writeFileSync(path, code);
  return path;
}

function collect(child: ChildProcess): { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    if (out.length < 1_000_000) out += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    if (err.length < 1_000_000) err += chunk;
  });
  return { out: () => out, err: () => err };
}

function spawnNode(run: RunEnv, file: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [file], {
    cwd: run.dir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? run.dir, ...run.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs a program to its end (killed after 30 s). */
export function runToEnd(
  run: RunEnv,
  file: string,
  env: Record<string, string> = {},
): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawnNode(run, file, env);
    const output = collect(child);
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        stdout: output.out(),
        stderr: output.err(),
        code,
        token: JWT.exec(output.out())?.[0],
      });
    });
  });
}

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface CallResult extends ExpectedCall {
  readonly actual: number;
}

async function callAll(
  calls: readonly ExpectedCall[],
  send: (call: ExpectedCall) => Promise<number>,
): Promise<CallResult[]> {
  const results: CallResult[] = [];
  for (const call of calls) results.push({ ...call, actual: await send(call) });
  return results;
}

function requestInit(call: ExpectedCall, token: string | undefined): RequestInit {
  const headers: Record<string, string> = {};
  if (call.withToken) {
    if (!token) throw new Error('the example expects a token but none was printed before it');
    headers.authorization = `Bearer ${token}`;
  }
  const hasBody = call.method !== 'GET' && call.method !== 'HEAD';
  if (hasBody) headers['content-type'] = 'application/json';
  return { method: call.method, headers, ...(hasBody ? { body: CALL_BODY } : {}) };
}

/**
 * Starts a server example with PORT set to a free port, waits until it listens, makes the
 * expected calls and kills it. The token is the one the server printed, else `fallbackToken`.
 */
export async function runServer(
  run: RunEnv,
  example: Example,
  file: string,
  fallbackToken: string | undefined,
): Promise<{ results: CallResult[]; outcome: Outcome }> {
  const calls = parseExpect(`${example.file}:${example.line}`, example.attrs.expect ?? '');
  const port = await freePort();
  const child = spawnNode(run, file, { PORT: String(port) });
  const output = collect(child);
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const outcome = (): Outcome => ({
    stdout: output.out(),
    stderr: output.err(),
    code: child.exitCode,
    token: JWT.exec(output.out())?.[0],
  });
  try {
    const deadline = Date.now() + LISTEN_TIMEOUT_MS;
    while (!(await canConnect(port))) {
      if (exited || Date.now() > deadline) {
        throw new Error(
          `the server never listened on PORT=${port}\n--- stdout\n${output.out()}\n--- stderr\n${output.err()}`,
        );
      }
      await pause(50);
    }
    // A server prints its token at start; give the write a moment to arrive.
    if (calls.some((c) => c.withToken) && !outcome().token) await pause(200);
    const token = outcome().token ?? fallbackToken;
    const results = await callAll(calls, async (call) => {
      const res = await fetch(`http://127.0.0.1:${port}${call.path}`, requestInit(call, token));
      await res.arrayBuffer();
      return res.status;
    });
    return { results, outcome: outcome() };
  } finally {
    if (!exited) {
      const closed = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await closed;
      clearTimeout(timer);
    }
  }
}

/**
 * Tests a route module without a server: a driver imports it and calls the exported handler
 * for each expected call with a Web Request (`export const POST` as in a Next.js route file,
 * or `export default { fetch }` as in a Workers/Deno/Bun handler). No `next build` needed.
 */
export async function runHandler(
  run: RunEnv,
  example: Example,
  file: string,
  token: string | undefined,
): Promise<{ results: CallResult[]; outcome: Outcome }> {
  const calls = parseExpect(`${example.file}:${example.line}`, example.attrs.expect ?? '');
  const requests = calls.map((call) => ({
    url: `http://localhost${call.path}`,
    init: requestInit(call, token),
  }));
  const driver = file.replace(/\.mjs$/, '.driver.mjs');
  writeFileSync(
    driver,
    [
      `const mod = await import(${JSON.stringify(file)});`,
      `const requests = ${JSON.stringify(requests)};`,
      'const statuses = [];',
      'for (const { url, init } of requests) {',
      `  const handler = ${example.attrs.export ? `mod[${JSON.stringify(example.attrs.export)}]` : 'mod[init.method] ?? mod.default?.fetch?.bind(mod.default) ?? mod.default'};`,
      `  if (typeof handler !== 'function') throw new Error('no handler for ' + init.method);`,
      '  const res = await handler(new Request(url, init), { params: Promise.resolve({}) });',
      '  await res.arrayBuffer();',
      '  statuses.push(res.status);',
      '}',
      'console.log("DOCTEST-STATUSES " + JSON.stringify(statuses));',
      '',
    ].join('\n'),
  );
  const outcome = await runToEnd(run, driver);
  const line = /DOCTEST-STATUSES (\[.*\])/.exec(outcome.stdout);
  if (outcome.code !== 0 || !line) {
    throw new Error(
      `the handler driver failed (exit ${outcome.code})\n--- stdout\n${outcome.stdout}\n--- stderr\n${outcome.stderr}`,
    );
  }
  const statuses = JSON.parse(line[1]!) as number[];
  return {
    results: calls.map((call, i) => ({ ...call, actual: statuses[i] ?? -1 })),
    outcome,
  };
}
