// Connects the example to Redis when `REDIS_URL` is set (see readAgentEnv): an ioredis client
// whose errors are reported once per outage, without the URL (it may carry a password).
import { Redis } from 'ioredis';

/**
 * An ioredis client for `createAgentContext({ redis: { client } })`, connected before it is returned.
 * Commands fail fast while Redis is down (no offline queue), so the stores answer with their
 * fail modes instead of making requests wait.
 *
 * @example
 * ```ts
 * const client = await connectAgentRedis(process.env.REDIS_URL!);
 * const ctx = await createAgentContext({ redis: { client, prefix: 'my-app:' } });
 * ```
 */
export async function connectAgentRedis(
  url: string,
  onError: (message: string) => void = (m) => console.error(m),
): Promise<Redis> {
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    // Decisions of one event-loop turn leave in one socket write.
    enableAutoPipelining: true,
  });
  let down = false;
  client.on('error', (error: Error & { code?: string }) => {
    if (down) return;
    down = true;
    onError(`redis: connection failed (${error.code ?? error.name}); stores use their fail modes`);
  });
  client.on('ready', () => {
    down = false;
  });
  await client.connect();
  return client;
}
