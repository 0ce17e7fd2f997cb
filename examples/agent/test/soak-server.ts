// The soak test's server: the example's Hono app in WORKERS processes behind one port
// (node:cluster: the primary accepts connections and hands them to the workers in turn), all
// on one Redis (REDIS_URL, REDIS_PREFIX). Credentials come from the environment so tokens the
// test signs verify in every worker: JAF_EXAMPLE_JWT_SECRET, JAF_EXAMPLE_API_KEY.
//
// IPC with the test (this process is its child, with an IPC channel):
//   primary -> test  { type: 'ready', port, pids }         every worker listens
//   test -> primary  { type: 'sample', id }                 each worker reports its memory
//   primary -> test  { type: 'memory', id, workers: [...] } (after a full GC: run with --expose-gc)
//   primary -> test  { type: 'worker-exit', pid, code }     a worker died (the test fails)
// The primary stops its workers and exits when the test sends { type: 'stop' } or goes away.
import cluster, { type Worker } from 'node:cluster';
import { serve } from '@hono/node-server';
import { createAgentContext, readAgentEnv } from '../src/context';
import { createHonoApp } from '../src/hono';
import { connectAgentRedis } from '../src/redis';

export interface WorkerMemory {
  readonly pid: number;
  readonly rss: number;
  readonly heapUsed: number;
  readonly served: number;
  readonly events: number;
}

type FromWorker =
  | { type: 'listening'; port: number }
  | ({ type: 'memory'; id: number } & WorkerMemory);

if (cluster.isPrimary) {
  const count = Number(process.env.WORKERS ?? 3);
  if (!Number.isSafeInteger(count) || count < 1 || count > 16)
    throw new TypeError('WORKERS must be an integer from 1 to 16.');
  // Round-robin hand-off on every platform (the default on Linux already).
  cluster.schedulingPolicy = cluster.SCHED_RR;
  const workers: Worker[] = [];
  const listening = new Map<number, number>();
  const samples = new Map<number, WorkerMemory[]>();
  let stopping = false;
  const send = (message: unknown) => process.send?.(message);
  const stop = () => {
    stopping = true;
    for (const w of workers) w.kill('SIGTERM');
    const deadline = setTimeout(() => process.exit(0), 5000);
    deadline.unref();
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
  };
  for (let i = 0; i < count; i++) {
    const w = cluster.fork();
    workers.push(w);
    w.on('message', (m: FromWorker) => {
      if (m.type === 'listening') {
        listening.set(w.process.pid!, m.port);
        if (listening.size === count)
          send({ type: 'ready', port: m.port, pids: [...listening.keys()] });
      } else if (m.type === 'memory') {
        const got = samples.get(m.id) ?? [];
        got.push({
          pid: m.pid,
          rss: m.rss,
          heapUsed: m.heapUsed,
          served: m.served,
          events: m.events,
        });
        samples.set(m.id, got);
        if (got.length === count) {
          samples.delete(m.id);
          send({ type: 'memory', id: m.id, workers: got });
        }
      }
    });
  }
  cluster.on('exit', (w, code) => {
    if (!stopping) send({ type: 'worker-exit', pid: w.process.pid, code });
  });
  process.on('message', (m: { type: string; id?: number }) => {
    if (m.type === 'sample') for (const w of workers) w.send(m);
    else if (m.type === 'stop') stop();
  });
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
} else {
  const { redisUrl, redisPrefix, redisTimeoutMs, ...env } = readAgentEnv(process.env);
  if (redisUrl === undefined) throw new TypeError('soak-server: REDIS_URL must be set.');
  const client = await connectAgentRedis(redisUrl);
  let events = 0;
  const ctx = await createAgentContext({
    ...env,
    jwtSecret: process.env.JAF_EXAMPLE_JWT_SECRET,
    apiKey: process.env.JAF_EXAMPLE_API_KEY,
    redis: { client, prefix: redisPrefix, timeoutMs: redisTimeoutMs },
    // Events are counted, not printed: the log still feeds failed logins to the (Redis) bans.
    auditSink: () => {
      events++;
    },
  });
  const app = createHonoApp(ctx);
  let served = 0;
  const server = serve(
    {
      // The env carries the socket: the client address comes from it.
      fetch: (request: Request, env: unknown) => {
        served++;
        return app.fetch(request, env);
      },
      port: 0,
      hostname: '127.0.0.1',
    },
    // listen(0) in a cluster worker: every worker gets the same port from the primary.
    (info) => process.send?.({ type: 'listening', port: info.port }),
  );
  const gc = (globalThis as { gc?: () => void }).gc;
  process.on('message', (m: { type: string; id: number }) => {
    if (m.type !== 'sample') return;
    gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    process.send?.({ type: 'memory', id: m.id, pid: process.pid, rss, heapUsed, served, events });
  });
  process.on('SIGTERM', () => {
    server.close();
    client.disconnect();
    process.exit(0);
  });
}
