// vitest globalSetup: one real Redis Cluster for the whole run (see redis-cluster.ts); the
// test files read its ports with `inject('redisClusterPorts')`.
import type { TestProject } from 'vitest/node';
import { startLocalCluster } from './redis-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisClusterPorts: number[];
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startLocalCluster();
  project.provide('redisClusterPorts', [...cluster.ports]);
  return () => cluster.stop();
}
