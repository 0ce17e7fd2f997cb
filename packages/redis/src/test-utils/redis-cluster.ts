// A real Redis Cluster for the tests: six redis-server processes from the machine's own
// package (three masters, three replicas) on free loopback ports, joined by
// `redis-cli --cluster create`, with nothing kept on disk but each node's cluster file in a
// temporary folder. No container. Started by the package's vitest globalSetup and torn down
// after the run.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './redis-test-env.js';

const run = promisify(execFile);

export interface LocalCluster {
  /** Every node's port; the first three start as masters. */
  readonly ports: readonly number[];
  /** Stops every node and removes the folder. */
  stop(): Promise<void>;
}

const cli = (port: number, ...args: string[]) =>
  run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 10_000 });

async function waitFor(what: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`redis cluster: ${what} within ${ms} ms`);
}

/** Starts a 3-master, 3-replica cluster and waits until every node reports `cluster_state:ok`. */
export async function startLocalCluster(): Promise<LocalCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'jaf-sec-redis-cluster-'));
  const ports: number[] = [];
  while (ports.length < 6) {
    const port = await freePort();
    // The cluster bus listens on port + 10000; keep both free and distinct.
    if (port < 55_000 && !ports.includes(port)) ports.push(port);
  }
  const children: ChildProcess[] = ports.map((port) =>
    spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(dir, `nodes-${port}.conf`),
        '--cluster-node-timeout',
        '2000',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'no',
        '--enable-debug-command',
        'local',
      ],
      { stdio: 'ignore' },
    ),
  );
  const stop = async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGTERM');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) {
      await waitFor(`node ${port} answers`, async () =>
        (await cli(port, 'ping')).stdout.includes('PONG'),
      );
    }
    await run(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        '1',
        '--cluster-yes',
      ],
      { timeout: 60_000 },
    );
    for (const port of ports) {
      await waitFor(`node ${port} reports cluster_state:ok`, async () =>
        (await cli(port, 'cluster', 'info')).stdout.includes('cluster_state:ok'),
      );
    }
    return { ports, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
