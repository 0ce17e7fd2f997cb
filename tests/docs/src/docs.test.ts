import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Consumer, createConsumer } from './consumer.js';
import { type CodeBlock, type Example, extractBlocks, toExamples } from './extract.js';
import { type Outcome, type RunEnv, runHandler, runServer, runToEnd, writeExample } from './run.js';

const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const documents = [
  'README.md',
  ...readdirSync(join(repoRoot, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`),
];

// Parsed at collection time: a broken annotation fails here, before anything is installed.
const parsed = documents.map((file) => {
  const blocks = extractBlocks(file, readFileSync(join(repoRoot, file), 'utf8'));
  return { file, blocks, examples: toExamples(blocks) };
});

let consumer: Consumer | undefined;
let run: RunEnv;

beforeAll(() => {
  consumer = createConsumer();
  run = {
    dir: consumer.dir,
    // The quick starts read their HMAC secret from JWT_SECRET; signing.md API_SECRET_KEY,
    // webhooks.md WEBHOOK_SECRET.
    env: {
      JWT_SECRET: randomBytes(32).toString('base64url'),
      API_SECRET_KEY: randomBytes(32).toString('base64url'),
      WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
      // config.md: what `loadSecurityConfig(process.env)` reads, keys rotated as documented.
      JWT_SECRET_KEY: `base64url:${randomBytes(32).toString('base64url')}`,
      ENCRYPTION_KEY: `base64url:${randomBytes(32).toString('base64url')}`,
      ENCRYPTION_KEY_ID: '2026-01',
      ENCRYPTION_PASSWORD: randomBytes(16).toString('hex'), // encryption.md, the guide's
      ENCRYPTION_PREVIOUS_KEYS: `2025-07=base64url:${randomBytes(32).toString('base64url')},2025-01=hex:${randomBytes(32).toString('hex')}`,
      // redis.md and rate-limiting.md connect (and write nothing); CI runs a Redis there.
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      NODE_ENV: 'production',
    },
  };
});

afterAll(() => consumer?.cleanup());

function explain(example: Example, outcome: Outcome): string {
  return `${example.file}:${example.line} (${example.kind}) exited ${outcome.code}\n--- stdout\n${outcome.stdout}\n--- stderr\n${outcome.stderr}`;
}

function checkStdout(example: Example, outcome: Outcome): void {
  const expected = example.attrs.stdout;
  if (!expected) return;
  let from = 0;
  for (const fragment of expected.split('|')) {
    const at = outcome.stdout.indexOf(fragment, from);
    expect(
      at,
      `stdout lacks ${JSON.stringify(fragment)} (in order)\n${explain(example, outcome)}`,
    ).toBeGreaterThanOrEqual(0);
    from = at + fragment.length;
  }
}

const summary = (blocks: readonly CodeBlock[]): string => {
  const runs = blocks.filter((b) => b.kind !== undefined && b.kind !== 'skip').length;
  const skips = blocks.filter((b) => b.kind === 'skip').length;
  return `${runs} run, ${skips} skipped`;
};

for (const { file, blocks, examples } of parsed) {
  if (examples.length === 0) continue; // e.g. docs/migration.md: prose and tables only
  describe(`${file} (${summary(blocks)})`, () => {
    // The last token a `token` block (or a server) printed in this document.
    let token: string | undefined;

    for (const example of examples) {
      const title = `line ${example.lines.join('+')}: ${example.kind}${example.attrs.expect ? ` ${example.attrs.expect}` : ''}`;
      it(title, async () => {
        const path = await writeExample(run, example);
        if (example.kind === 'run' || example.kind === 'token') {
          const outcome = await runToEnd(run, path);
          expect(outcome.code, explain(example, outcome)).toBe(0);
          checkStdout(example, outcome);
          if (example.kind === 'token') {
            expect(outcome.token, `no JWT printed\n${explain(example, outcome)}`).toBeDefined();
            token = outcome.token;
          }
          return;
        }
        const { results, outcome } =
          example.kind === 'server'
            ? await runServer(run, example, path, token)
            : await runHandler(run, example, path, token);
        if (outcome.token) token = outcome.token;
        const got = results.map(
          (r) => `${r.method} ${r.path}${r.withToken ? '+token' : ''} ${r.actual}`,
        );
        const want = results.map(
          (r) => `${r.method} ${r.path}${r.withToken ? '+token' : ''} ${r.status}`,
        );
        expect(got, explain(example, outcome)).toEqual(want);
        checkStdout(example, outcome);
      });
    }
  });
}

// Blocks marked typecheck="ts" (the README's quick starts) must also be valid TypeScript:
// each is compiled as its own .ts file, strict, against the installed packages' types.
const typed = parsed.flatMap(({ examples }) => examples.filter((e) => e.attrs.typecheck === 'ts'));
if (typed.length > 0) {
  describe('typecheck="ts" blocks', () => {
    it(`${typed.length} blocks compile as strict TypeScript`, () => {
      const dir = join(run.dir, 'typecheck');
      mkdirSync(dir, { recursive: true });
      const files = typed.map((example, i) => {
        const name = `${example.file.replace(/[^A-Za-z0-9]+/g, '-')}-${example.line}-${i}.ts`;
        writeFileSync(join(dir, name), example.code);
        return name;
      });
      const compilerOptions = {
        strict: true,
        noEmit: true,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        lib: ['es2022', 'dom'],
        types: ['node'],
        skipLibCheck: true,
      };
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files }));
      const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
      let output = '';
      try {
        execFileSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], {
          cwd: dir,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        });
      } catch (error) {
        output = String((error as { stdout?: string }).stdout ?? error);
      }
      expect(output, `type errors in ${files.join(', ')}`).toBe('');
    });
  });
}
