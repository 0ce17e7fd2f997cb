import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(`./src/${p}`, import.meta.url));
// Conformance vectors (RFCs, Standard Webhooks, Fernet) vendored in test-vectors/ (SOURCE.md).
const vectors = fileURLToPath(new URL('./test-vectors', import.meta.url));

// Every test runs twice: on Node with the node:crypto primitive, and in the edge runtime
// (no Node globals) with the @noble/hashes primitive, so nothing Node-only slips into core.
export default defineConfig({
  test: {
    projects: [
      {
        resolve: {
          alias: {
            '#hash': src('internal/hash.node.ts'),
            '#kdf': src('internal/kdf.node.ts'),
            '#cipher': src('internal/cipher.node.ts'),
            '@vectors': vectors,
          },
        },
        test: { name: 'node', environment: 'node', include: ['src/**/*.test.ts'] },
      },
      {
        resolve: {
          alias: {
            '#hash': src('internal/hash.ts'),
            '#kdf': src('internal/kdf.ts'),
            '#cipher': src('internal/cipher.ts'),
            '@vectors': vectors,
          },
        },
        test: {
          name: 'edge',
          environment: 'edge-runtime',
          include: ['src/**/*.test.ts'],
          exclude: ['src/**/*.node.test.ts'],
        },
      },
    ],
  },
});
