// A real Redis Cluster for the tests: six redis-server processes from the machine's own
// package (three masters, three replicas) on free loopback ports, joined by
// `redis-cli --cluster create`, with nothing kept on disk but each node's cluster file in a
// temporary folder. No container. Started by the package's vitest globalSetup and torn down
// after the run.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './redis-test-env.js';

const run = promisify(execFile);

export interface LocalCluster {
  /** Every node's port; the first three start as masters. */
  readonly ports: readonly number[];
  /** Kills one node's process with SIGKILL (a crash: no shutdown, no last replication). */
  kill(port: number): Promise<void>;
  /** Starts a killed node again from its cluster file; it rejoins (as a replica if replaced). */
  restart(port: number): Promise<void>;
  /** Stops every node and removes the folder. */
  stop(): Promise<void>;
}

/** `CLUSTER NODES` of one node as rows: port, role, master id, slot ranges. */
export interface ClusterNodeRow {
  readonly id: string;
  readonly port: number;
  readonly role: 'master' | 'replica';
  readonly masterId: string | undefined;
  readonly failed: boolean;
  readonly slots: readonly [number, number][];
}

export async function clusterNodes(port: number): Promise<ClusterNodeRow[]> {
  const { stdout } = await cli(port, 'cluster', 'nodes');
  return stdout
    .trim()
    .split('\n')
    .map((line) => {
      const f = line.trim().split(' ');
      const flags = f[2]!.split(',');
      return {
        id: f[0]!,
        port: Number(/:(\d+)@/.exec(f[1]!)![1]),
        role: flags.includes('master') ? ('master' as const) : ('replica' as const),
        masterId: f[3] === '-' ? undefined : f[3],
        failed: flags.includes('fail') || flags.includes('fail?'),
        slots: f
          .slice(8)
          .filter((r) => /^\d/.test(r))
          .map((r) => {
            const [a, b] = r.split('-').map(Number) as [number, number | undefined];
            return [a, b ?? a] as [number, number];
          }),
      };
    });
}

/** The port of the master serving `slot`, and of its replicas, as `port` sees the cluster. */
export async function ownersOf(
  port: number,
  slot: number,
): Promise<{ master: number; replicas: number[] }> {
  const rows = await clusterNodes(port);
  const master = rows.find(
    (r) => r.role === 'master' && !r.failed && r.slots.some(([a, b]) => slot >= a && slot <= b),
  );
  if (!master) throw new Error(`redis cluster: no master serves slot ${slot}`);
  return {
    master: master.port,
    replicas: rows.filter((r) => r.masterId === master.id && !r.failed).map((r) => r.port),
  };
}

/** Waits until every live node reports `cluster_state:ok` (after a failover, say). */
export async function waitClusterOk(ports: readonly number[], ms = 30_000): Promise<void> {
  for (const port of ports) {
    await waitFor(
      `node ${port} reports cluster_state:ok`,
      async () => (await cli(port, 'cluster', 'info')).stdout.includes('cluster_state:ok'),
      ms,
    );
  }
}

/** True when nothing listens on `port` of 127.0.0.1 (a bind succeeds). */
function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

const cli = (port: number, ...args: string[]) =>
  run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 10_000 });

async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  ms = 20_000,
  fatal: () => Error | undefined = () => undefined,
): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const error = fatal();
    if (error) throw error;
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`redis cluster: ${what} within ${ms} ms`);
}

/** Starts a 3-master, 3-replica cluster and waits until every node reports `cluster_state:ok`. */
export async function startLocalCluster({
  nodeTimeoutMs = 2000,
}: {
  nodeTimeoutMs?: number;
} = {}): Promise<LocalCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'jaf-sec-redis-cluster-'));
  const ports: number[] = [];
  while (ports.length < 6) {
    const port = await freePort();
    // The cluster bus listens on port + 10000: both must be free and no node's bus port may be
    // another node's client port.
    const clash = ports.some((p) => p === port || p + 10_000 === port || p === port + 10_000);
    if (port < 55_000 && !clash && (await canBind(port + 10_000))) ports.push(port);
  }
  const spawnNode = (port: number): ChildProcess =>
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
        String(nodeTimeoutMs),
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'no',
      ],
      { stdio: 'ignore' },
    ).once('error', (error) => {
      spawnError ??= error;
    });
  let spawnError: Error | undefined;
  const children: ChildProcess[] = ports.map(spawnNode);
  const exited = (c: ChildProcess) =>
    new Promise<void>((resolve) => {
      // A process that never started (ENOENT) emits no 'exit'.
      if (c.exitCode !== null || c.signalCode !== null || c.pid === undefined) return resolve();
      c.once('exit', () => resolve());
    });
  const kill = async (port: number) => {
    const c = children[ports.indexOf(port)]!;
    const gone = exited(c);
    c.kill('SIGKILL');
    await gone;
  };
  const restart = async (port: number) => {
    const i = ports.indexOf(port);
    children[i] = spawnNode(port);
    await waitFor(`node ${port} answers`, async () =>
      (await cli(port, 'ping')).stdout.includes('PONG'),
    );
  };
  const stop = async () => {
    await Promise.all(
      children.map((c) => {
        const gone = exited(c);
        c.kill('SIGTERM');
        return gone;
      }),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const cannotStart = () =>
      spawnError &&
      new Error(
        `redis cluster: cannot start redis-server (${spawnError.message}); npm test installs it (scripts/test-env.sh)`,
      );
    for (const port of ports) {
      await waitFor(
        `node ${port} answers`,
        async () => (await cli(port, 'ping')).stdout.includes('PONG'),
        20_000,
        cannotStart,
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
    await waitClusterOk(ports);
    // cluster_state:ok does not mean the replicas have synced: a failover before that fails.
    for (const port of ports) {
      await waitFor(`node ${port} is a master or a synced replica`, async () => {
        const { stdout } = await cli(port, 'info', 'replication');
        return stdout.includes('role:master') || stdout.includes('master_link_status:up');
      });
    }
    return { ports, kill, restart, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
