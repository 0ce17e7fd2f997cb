// Test helpers: clients of both kinds, a unique key prefix per run with cleanup, and a
// private redis-server on a free port for tests that stop it or count its commands
// (the shared one on 6379 is used by others and must never be stopped).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Cluster, Redis } from 'ioredis';
import { createClient, createCluster } from 'redis';
import type { RedisClientLike } from '../script-runner.js';

export const SHARED_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A prefix no other run uses; every key a test writes starts with it. */
export const uniquePrefix = (label: string): string =>
  `jaf-test:${label}:${randomBytes(6).toString('hex')}:`;

export type ClientKind = 'ioredis' | 'node-redis';

/** Where a suite runs: the single shared Redis, or the local cluster of the globalSetup. */
export type Target = 'single' | 'cluster';

/** Both clients every suite runs with. */
export const KINDS: readonly ClientKind[] = ['ioredis', 'node-redis'];

/** Every store suite runs on both targets through both clients. */
export const TARGETS: readonly (readonly [Target, ClientKind])[] = [
  ['single', 'ioredis'],
  ['single', 'node-redis'],
  ['cluster', 'ioredis'],
  ['cluster', 'node-redis'],
];

export interface TestClient {
  kind: ClientKind;
  /** Typed structurally: both real clients must satisfy the package's client interface. */
  client: RedisClientLike;
  /** Deletes every key under the prefix. */
  cleanup(prefix: string): Promise<void>;
  /** Runs a raw command (for assertions: TTL, INFO...). */
  command(args: string[]): Promise<unknown>;
  close(): Promise<void>;
}

export async function connect(kind: ClientKind, url = SHARED_URL): Promise<TestClient> {
  if (kind === 'ioredis') {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    client.on('error', () => {});
    await client.connect();
    return {
      kind,
      client,
      command: (args) => client.call(args[0]!, ...args.slice(1)),
      async cleanup(prefix) {
        let cursor = '0';
        do {
          const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length > 0) await client.del(...keys);
        } while (cursor !== '0');
      },
      close: async () => {
        client.disconnect();
      },
    };
  }
  const client = createClient({ url });
  client.on('error', () => {});
  await client.connect();
  return {
    kind,
    client,
    command: (args) => client.sendCommand(args),
    async cleanup(prefix) {
      for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
        const keys = (Array.isArray(batch) ? batch : [batch]) as string[];
        if (keys.length > 0) await client.del(keys);
      }
    },
    close: async () => {
      client.destroy();
    },
  };
}

/**
 * A cluster client of either kind (ioredis `Cluster`, node-redis `createCluster`) on the local
 * cluster whose node ports the globalSetup provides. Raw commands are routed by their first
 * key; cleanup scans every master.
 */
export async function connectCluster(
  kind: ClientKind,
  ports: readonly number[],
): Promise<TestClient> {
  const seeds = ports.slice(0, 3).map((port) => ({ host: '127.0.0.1', port }));
  if (kind === 'ioredis') {
    const client = new Cluster(seeds, {
      lazyConnect: true,
      redisOptions: { maxRetriesPerRequest: 1 },
    });
    client.on('error', () => {});
    await client.connect();
    return {
      kind,
      client,
      command: (args) => client.call(args[0]!, ...args.slice(1)),
      async cleanup(prefix) {
        for (const node of client.nodes('master')) {
          let cursor = '0';
          do {
            const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
            cursor = next;
            // One DEL per key: keys of one batch may live in different slots.
            for (const key of keys) await client.del(key);
          } while (cursor !== '0');
        }
      },
      close: async () => {
        client.disconnect();
      },
    };
  }
  const client = createCluster({
    rootNodes: seeds.map((s) => ({ url: `redis://${s.host}:${s.port}` })),
  });
  client.on('error', () => {});
  await client.connect();
  return {
    kind,
    client,
    command: (args) => client.sendCommand(args[1], false, args),
    async cleanup(prefix) {
      for (const master of client.masters) {
        const node = await client.nodeClient(master);
        for await (const batch of node.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
          const keys = (Array.isArray(batch) ? batch : [batch]) as string[];
          for (const key of keys) await client.del(key);
        }
      }
    },
    close: async () => {
      client.destroy();
    },
  };
}

/** {@link connect} or {@link connectCluster}, by target. */
export async function connectTo(
  kind: ClientKind,
  target: Target,
  clusterPorts: readonly number[],
): Promise<TestClient> {
  return target === 'cluster' ? connectCluster(kind, clusterPorts) : connect(kind);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A redis-server of our own, started and stopped by this process only. */
export interface PrivateRedis {
  port: number;
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createPrivateRedis(port: number): PrivateRedis {
  let child: ChildProcess | undefined;
  const url = `redis://127.0.0.1:${port}`;
  return {
    port,
    url,
    async start() {
      child = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: 'ignore' },
      );
      let spawnError: Error | undefined;
      child.once('error', (error) => {
        spawnError = error;
      });
      // Wait until it answers.
      for (let i = 0; i < 100; i++) {
        if (spawnError) {
          throw new Error(
            `cannot start redis-server (${spawnError.message}); npm test installs it (scripts/test-env.sh)`,
          );
        }
        const ok = await new Promise<boolean>((resolve) => {
          const probe = new Redis(url, {
            lazyConnect: true,
            maxRetriesPerRequest: 0,
            retryStrategy: () => null,
          });
          probe.on('error', () => {});
          probe
            .connect()
            .then(() => probe.ping())
            .then(
              () => resolve(true),
              () => resolve(false),
            )
            .finally(() => probe.disconnect());
        });
        if (ok) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`private redis-server on ${port} did not start`);
    },
    async stop() {
      const c = child;
      child = undefined;
      if (!c || c.exitCode !== null || c.pid === undefined) return;
      await new Promise<void>((resolve) => {
        c.once('exit', () => resolve());
        c.kill('SIGTERM');
      });
    },
  };
}
