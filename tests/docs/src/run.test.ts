import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractBlocks, toExamples } from './extract.js';
import { type RunEnv, runHandler, runServer, runToEnd, writeExample } from './run.js';

// The runner on its own, with node built-ins only (no packed packages needed).
const dir = mkdtempSync(join(tmpdir(), 'jaf-sec-doctest-run-'));
const run: RunEnv = { dir, env: {} };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const example = (mark: string, code: string) =>
  toExamples(extractBlocks('t.md', `${mark}\n\`\`\`js\n${code}\n\`\`\`\n`))[0]!;

// Answers 401 without a bearer token, 200 with one; prints a JWT-shaped token at start.
const server = `import { createServer } from 'node:http';
createServer((req, res) => {
  res.statusCode = req.headers.authorization ? 200 : 401;
  res.end();
}).listen(Number(process.env.PORT), () => console.log('token eyJhbGciOiJI.eyJzdWIiOiJ1In0.c2ln'));`;

describe('runServer', () => {
  it('passes the printed token and reports each status', async () => {
    const ex = example(
      '<!-- doctest: server expect="POST /chat 401, POST /chat+token 200" -->',
      server,
    );
    const { results } = await runServer(run, ex, await writeExample(run, ex), undefined);
    expect(results.map((r) => r.actual)).toEqual([401, 200]);
  });

  it('reports a status that differs from the documented one', async () => {
    const ex = example('<!-- doctest: server expect="POST /chat 200" -->', server);
    const { results } = await runServer(run, ex, await writeExample(run, ex), undefined);
    expect(results[0]).toMatchObject({ status: 200, actual: 401 });
  });

  it('fails when the program never listens', async () => {
    const ex = example('<!-- doctest: server expect="GET / 200" -->', 'process.exit(3);');
    await expect(runServer(run, ex, await writeExample(run, ex), undefined)).rejects.toThrow(
      /never listened/,
    );
  });
});

describe('runHandler', () => {
  it('calls the exported method handler with a Web Request', async () => {
    const ex = example(
      '<!-- doctest: handler expect="POST /x 401, POST /x+token 200" -->',
      'export const POST = (r) => new Response(null, { status: r.headers.has("authorization") ? 200 : 401 });',
    );
    const { results } = await runHandler(run, ex, await writeExample(run, ex), 'a.b.c');
    expect(results.map((r) => r.actual)).toEqual([401, 200]);
  });
});

describe('check="comments"', () => {
  it('fails a run whose documented value is wrong', async () => {
    const ex = example('<!-- doctest: run check="comments" -->', '[1, 2].length; // 3');
    const outcome = await runToEnd(run, await writeExample(run, ex));
    expect(outcome.code).not.toBe(0);
    expect(outcome.stderr).toContain('[1, 2].length; // 3');
  });

  it('passes when it is right', async () => {
    const ex = example('<!-- doctest: run check="comments" -->', '[1, 2].length; // 2');
    expect((await runToEnd(run, await writeExample(run, ex))).code).toBe(0);
  });
});
