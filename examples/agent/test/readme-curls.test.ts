// The README's curl walk-through, run as written: a fresh server started exactly as `npm start`
// does (src/server.ts, here on a free port), the printed credentials in TOKEN/ADMIN/KEY/EXPIRED,
// then every command of the README block pasted in order into bash with real curl. Each
// command's comment names the status it gives (`# 401 AUTH_MISSING: ...`), and that is what is
// asserted, so a README call that stops giving its documented answer fails CI.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');
const README_BASE = 'http://127.0.0.1:3000';

interface Step {
  /** The comment line, without `# `. */
  readonly title: string;
  readonly status: number;
  /** `# 200 then 429: ...`: a loop printing statuses that switch once from one to the other. */
  readonly thenStatus?: number | undefined;
  /** A code or marker the response must contain (`AUTH_MISSING`, `[EMAIL]`). */
  readonly marker?: string | undefined;
  readonly command: string;
}

/** The sh block of "The example agent API" that starts with the credential variables. */
function curlBlock(text: string): string {
  const section = text.slice(text.indexOf('## The example agent API'));
  const match = /```sh\n(TOKEN=[\s\S]*?)```/.exec(section);
  if (!match)
    throw new Error('README: no sh block starting with TOKEN= in "The example agent API"');
  return match[1]!;
}

function parseSteps(block: string): { variables: string[]; steps: Step[] } {
  const variables: string[] = [];
  const steps: Step[] = [];
  const paragraphs = block.split(/\n\s*\n/);
  for (const paragraph of paragraphs) {
    const lines = paragraph.split('\n').filter((l) => l.trim() !== '');
    if (lines.length === 0) continue;
    if (/^[A-Z]+=\.\.\./.test(lines[0]!)) {
      for (const l of lines) variables.push(l.split('=')[0]!);
      continue;
    }
    const head = /^# (\d{3})(?: then (\d{3}))?(?: ([A-Z_]+|\[[A-Z_]+\]))?: (.+)$/.exec(lines[0]!);
    if (!head)
      throw new Error(`README: a curl paragraph without a "# <status>: ..." line: ${lines[0]}`);
    const command = lines.slice(1).join('\n');
    if (!command.includes('curl ')) throw new Error(`README: no curl under "${lines[0]}"`);
    steps.push({
      title: lines[0]!.slice(2),
      status: Number(head[1]),
      thenStatus: head[2] === undefined ? undefined : Number(head[2]),
      marker: head[3],
      command,
    });
  }
  return { variables, steps };
}

let child: ChildProcess;
let base = '';
const credentials: Record<string, string> = {};

beforeAll(async () => {
  child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${printed}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      printed += chunk.toString('utf8');
      if (printed.includes('Press Ctrl+C to stop.')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      printed += chunk.toString('utf8');
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}):\n${printed}`)));
  });
  base = /listening on (http:\/\/\S+)/.exec(printed)![1]!;
  const grab = (label: RegExp) => {
    const m = label.exec(printed);
    if (!m) throw new Error(`server output lacks ${label}`);
    return m[1]!;
  };
  credentials.TOKEN = grab(/user JWT .*?(eyJ[\w-]+\.[\w-]+\.[\w-]+)/);
  credentials.ADMIN = grab(/admin JWT .*?(eyJ[\w-]+\.[\w-]+\.[\w-]+)/);
  credentials.KEY = grab(/API key .*?(jaf_test_\w+)/);
  credentials.EXPIRED = grab(/expired JWT .*?(eyJ[\w-]+\.[\w-]+\.[\w-]+)/);
}, 40_000);

afterAll(() => {
  child?.kill('SIGTERM');
});

async function bash(command: string): Promise<string> {
  const { stdout } = await run('bash', ['-c', command.replaceAll(README_BASE, base)], {
    env: { ...process.env, ...credentials },
    timeout: 30_000,
    maxBuffer: 1 << 20,
  });
  return stdout;
}

const { variables, steps } = parseSteps(curlBlock(readme));

describe('README: the example agent walk-through, pasted in order', () => {
  it('names the printed credentials and covers every outcome the README lists', () => {
    expect(variables).toEqual(['TOKEN', 'ADMIN', 'KEY', 'EXPIRED']);
    expect(steps.length).toBeGreaterThanOrEqual(13);
    expect(new Set(steps.map((s) => s.status))).toEqual(new Set([200, 204, 401, 403, 429]));
  });

  // One test per README command, run in README order on the same server (sequential).
  for (const step of steps) {
    it(step.title, async () => {
      const out = await bash(step.command);
      if (step.thenStatus !== undefined) {
        const codes = out.trim().split(/\s+/).map(Number);
        expect(codes.length).toBeGreaterThan(1);
        const switchAt = codes.indexOf(step.thenStatus);
        expect(switchAt).toBeGreaterThan(0);
        expect(codes.slice(0, switchAt).every((c) => c === step.status)).toBe(true);
        expect(codes.slice(switchAt).every((c) => c === step.thenStatus)).toBe(true);
        return;
      }
      const statusLine = /^HTTP\/[\d.]+ (\d{3})/m.exec(out);
      expect(statusLine?.[1]).toBe(String(step.status));
      if (step.marker !== undefined) expect(out).toContain(step.marker);
      for (const header of ['Retry-After', 'WWW-Authenticate'] as const) {
        if (step.title.includes(header))
          expect(out.toLowerCase()).toContain(`${header.toLowerCase()}:`);
      }
    });
  }
});
