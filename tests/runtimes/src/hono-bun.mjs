// Serves the Hono app with Bun.serve on an ephemeral port, sends the two requests over HTTP,
// prints { runtime, version, port, anonymous, authorized } as one JSON line and stops.
import { createApp, exercise } from './hono-app.mjs';

const app = createApp();
const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: app.fetch });
try {
  const result = await exercise(fetch, `http://127.0.0.1:${server.port}`, Date.now());
  console.log(
    JSON.stringify({ runtime: 'bun', version: Bun.version, port: server.port, ...result }),
  );
} finally {
  server.stop(true);
}
