// Vitest globalSetup: builds the example's Next.js app once (`next build`, skipped when its
// inputs have not changed since the last build) and starts it with `next start` on a free
// port, with credentials the tests also know. Tests read them with inject().
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateApiKey } from '@jaf-sec/core/keys';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    nextUrl: string;
    jwtSecret: string;
    apiKey: string;
  }
}

const root = fileURLToPath(new URL('..', import.meta.url));
const appDir = join(root, 'next');
const distDir = '.next';
const nextBin = join(root, 'node_modules', '.bin', 'next');

// Everything the build depends on: the app, the shared example code, the built packages.
function stampInputs(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir).sort()) {
      if (name === 'node_modules' || name.startsWith('.next')) continue;
      const path = join(dir, name);
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else hash.update(`${path}:${st.size}:${st.mtimeMs}\n`);
    }
  };
  walk(appDir);
  walk(join(root, 'src'));
  walk(join(root, '..', '..', 'packages', 'core', 'dist'));
  walk(join(root, '..', '..', 'packages', 'next', 'dist'));
  return hash.digest('hex');
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(nextBin, args, { cwd: appDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d;
    });
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`next ${args[0]} failed:\n${output}`)),
    );
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

// Resolves when `next start` prints that it is ready (no polling, no sleeping).
function waitUntilReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (d: Buffer) => {
      output += d;
      if (/Ready in/.test(output)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`next start exited with ${code}:\n${output}`)));
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
  const stampFile = join(appDir, distDir, 'jaf-inputs');
  const stamp = stampInputs();
  const built = existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp;
  if (!built) {
    await run(['build'], env);
    writeFileSync(stampFile, stamp);
  }

  const jwtSecret = createHash('sha256').update(String(Math.random())).digest('hex');
  const apiKey = generateApiKey({ environment: 'test' }).key;
  const port = await freePort();
  const child = spawn(nextBin, ['start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: appDir,
    // Burst detection off: the table sends its requests from one address faster than 10/s.
    env: {
      ...env,
      JAF_EXAMPLE_JWT_SECRET: jwtSecret,
      JAF_EXAMPLE_API_KEY: apiKey,
      SHIELD_BURST: 'off',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await waitUntilReady(child);
  const url = `http://127.0.0.1:${port}`;
  project.provide('nextUrl', url);
  project.provide('jwtSecret', jwtSecret);
  project.provide('apiKey', apiKey);
  return async () => {
    child.kill('SIGTERM');
  };
}
