// Starts the example exactly as `npm start` does (a child process running src/server.ts with
// PORT=0), reads what it prints, sends every printed curl command, and reads the security
// events it writes to stdout as JSON lines.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface PrintedExample {
  status: number;
  title: string;
  method: string;
  url: string;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
}

const root = fileURLToPath(new URL('..', import.meta.url));
let child: ChildProcess;
let printed = '';

// Splits a command line of our own format: words and single-quoted strings ('\'' escapes).
function splitArgs(line: string): string[] {
  const args: string[] = [];
  let current = '';
  let quoted = false;
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === "'") quoted = false;
      else current += ch;
    } else if (ch === "'") {
      quoted = true;
      inWord = true;
    } else if (ch === '\\' && line[i + 1] === "'") {
      current += "'";
      i++;
    } else if (ch === ' ') {
      if (inWord) args.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (inWord) args.push(current);
  return args;
}

function parseExamples(output: string): PrintedExample[] {
  const lines = output.split('\n');
  const examples: PrintedExample[] = [];
  for (let i = 0; i < lines.length - 1; i++) {
    const head = /^# (\d{3}) (.+)$/.exec(lines[i]!);
    if (!head || !lines[i + 1]!.startsWith('curl ')) continue;
    const args = splitArgs(lines[i + 1]!);
    const example: PrintedExample = {
      status: Number(head[1]),
      title: head[2]!,
      method: 'GET',
      url: '',
      path: '',
      headers: {},
      body: undefined,
    };
    for (let j = 1; j < args.length; j++) {
      const arg = args[j]!;
      if (arg === '-i') continue;
      if (arg === '-X') example.method = args[++j]!;
      else if (arg === '-H') {
        const header = args[++j]!;
        const colon = header.indexOf(':');
        example.headers[header.slice(0, colon)] = header.slice(colon + 1).trim();
      } else if (arg === '-d') example.body = args[++j]!;
      else {
        example.url = arg;
        example.path = new URL(arg).pathname;
      }
    }
    examples.push(example);
  }
  return examples;
}

// Resolves once the server has printed something that makes `test` true (event-driven: no
// polling, no sleeping).
function waitForOutput(test: () => boolean): Promise<void> {
  if (test()) return Promise.resolve();
  return new Promise((resolve) => {
    const onData = () => {
      if (!test()) return;
      child.stdout!.off('data', onData);
      resolve();
    };
    child.stdout!.on('data', onData);
  });
}

// The JSON lines the audit log printed.
function readAuditEvents(): Array<Record<string, unknown>> {
  return printed
    .split('\n')
    .filter((line) => line.startsWith('{"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

beforeAll(async () => {
  child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      printed += d;
      if (printed.includes('Press Ctrl+C to stop.')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${printed}`)));
  });
});

afterAll(() => {
  child.kill('SIGTERM');
});

describe('the example server (npm start)', () => {
  it('prints where it listens, a user JWT, an admin JWT and an API key', () => {
    expect(printed).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(printed).toMatch(/user JWT .* eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    expect(printed).toMatch(/admin JWT .* eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    expect(printed).toMatch(/API key .* jaf_test_\w+/);
  });

  it('prints one curl call per outcome: 200, 401 (none, malformed, expired), 403, dry run, redaction, CORS', () => {
    const statuses = parseExamples(printed).map((e) => e.status);
    expect(statuses).toEqual([200, 401, 401, 401, 403, 200, 200, 200, 200, 204, 403]);
  });

  it('answers every printed curl call with the printed status', async () => {
    const examples = parseExamples(printed);
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) {
      const res = await fetch(example.url, {
        method: example.method,
        headers: example.headers,
        body: example.body,
      });
      const text = await res.text();
      expect({ title: example.title, status: res.status }).toEqual({
        title: example.title,
        status: example.status,
      });
      // API security headers on every answer: allowed, denied, preflight.
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('content-security-policy')).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
      if (example.status === 204) {
        expect(text).toBe('');
        expect(res.headers.get('access-control-allow-origin')).toBe(example.headers.origin);
        continue;
      }
      const json = JSON.parse(text);
      if (example.title.startsWith('expired')) expect(json.error.code).toBe('TOKEN_EXPIRED');
      if (example.title.startsWith('dry run'))
        expect(res.headers.get('x-jaf-dry-run')).not.toBeNull();
      if (example.title.startsWith('chat with an email'))
        expect(json.reply).toBe('You said: Write to [EMAIL]');
      if (example.path === '/chat' && example.status === 200) {
        expect(res.headers.get('ratelimit-policy')).toBe('"chat";q=20;w=60');
        expect(res.headers.get('ratelimit')).toMatch(/^"chat";r=\d+;t=\d+$/);
      }
    }
  });

  it('writes the security events to stdout as JSON lines, without tokens, keys or PII', async () => {
    // The previous test sent every printed call: 6 authentications, 2 bad tokens, 1 missing
    // permission, 1 refused CORS preflight (and 1 request without credentials).
    const count = (type: string) => readAuditEvents().filter((e) => e.type === type).length;
    await waitForOutput(
      () =>
        count('authn_login_success') >= 6 &&
        count('authn_token_invalid') >= 2 &&
        count('authz_fail') >= 2 &&
        count('malicious_cors') >= 1,
    );
    const events = readAuditEvents();
    expect(events.find((e) => e.code === 'TOKEN_EXPIRED')).toMatchObject({
      type: 'authn_token_invalid',
      app: 'example-agent',
      path: '/chat',
      status: 401,
      client: '127.0.0.0/24',
    });
    expect(events.find((e) => e.code === 'INSUFFICIENT_PERMISSIONS')).toMatchObject({
      type: 'authz_fail',
      principal: 'user-1',
      path: '/admin/agents',
    });
    const log = JSON.stringify(events);
    for (const example of parseExamples(printed)) {
      for (const value of Object.values(example.headers)) {
        const secret = value.replace(/^Bearer /, '');
        if (secret.length > 20) expect(log).not.toContain(secret);
      }
    }
    expect(log).not.toContain('ana@example.com');
  });
});
