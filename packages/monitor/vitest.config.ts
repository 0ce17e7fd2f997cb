import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const core = (p: string) => fileURLToPath(new URL(`../core/src/${p}`, import.meta.url));

// The sinks are tested against real receivers on loopback (an HTTP server that fails and
// recovers, a TCP/TLS syslog listener). @jaf-sec/core is read from source.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@jaf-sec\/core\/(\w+)$/, replacement: core('$1/index.ts') },
      { find: '#hash', replacement: core('internal/hash.node.ts') },
      { find: '#kdf', replacement: core('internal/kdf.node.ts') },
      { find: '#cipher', replacement: core('internal/cipher.node.ts') },
    ],
  },
  test: { include: ['src/**/*.test.ts'], testTimeout: 30_000 },
});
