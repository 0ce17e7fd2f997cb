import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packAll } from '../../../scripts/pack-all.mjs';

/**
 * What a user installs from the npm registry next to the packages, for the examples:
 * the frameworks of the adapters (their peer dependencies) and the Redis clients.
 */
export const FRAMEWORKS: Readonly<Record<string, string>> = {
  express: '^5.2.1',
  fastify: '^5.6.0',
  hono: '^4.10.0',
  '@hono/node-server': '^2.0.0',
  next: '^16.0.0',
  react: '^19.2.0',
  'react-dom': '^19.2.0',
  // What a TypeScript user adds, for the blocks marked typecheck="ts".
  '@types/node': '^20.19.0',
  '@types/express': '^5.0.6',
  ioredis: '^5.8.0',
  redis: '^5.9.0',
};

export interface Consumer {
  /** The project folder, outside the workspace: examples are written and run here. */
  readonly dir: string;
  cleanup(): void;
}

/**
 * Packs every publishable package and installs the tarballs, plus {@link FRAMEWORKS}, into a
 * fresh npm project under the OS temporary folder, as a user of the published packages would.
 */
export function createConsumer(): Consumer {
  // For editing docs: DOCTEST_CONSUMER=/tmp/some-dir installs there once, keeps it, and later
  // runs reuse it (delete the folder after rebuilding a package). CI never sets it.
  const kept = process.env.DOCTEST_CONSUMER;
  if (kept && existsSync(join(kept, 'node_modules'))) {
    return { dir: kept, cleanup: () => {} };
  }
  const dir = kept ?? mkdtempSync(join(tmpdir(), 'jaf-sec-docs-'));
  if (kept) mkdirSync(kept, { recursive: true });
  try {
    const packed = packAll(join(dir, 'packed')) as { name: string; tarball: string }[];
    const dependencies: Record<string, string> = { ...FRAMEWORKS };
    for (const p of packed) dependencies[p.name] = `file:${p.tarball}`;
    writeFileSync(
      join(dir, 'package.json'),
      `${JSON.stringify({ name: 'jaf-sec-docs-consumer', private: true, type: 'module', dependencies }, null, 2)}\n`,
    );
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, npm_config_update_notifier: 'false' },
      timeout: 180_000,
    });
    return {
      dir,
      cleanup: () => {
        if (!kept) rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
