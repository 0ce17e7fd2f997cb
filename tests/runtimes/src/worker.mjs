// The workerd entry (bundled by esbuild, run by miniflare with nodejs_compat off):
//   GET /conformance  -> the conformance report as JSON
//   /chat             -> the Hono app
import { runConformance } from './conformance.mjs';
import { createApp } from './hono-app.mjs';

const app = createApp();

export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === '/conformance') {
      const report = await runConformance();
      return Response.json({ runtime: 'workerd', userAgent: navigator.userAgent, ...report });
    }
    return app.fetch(request);
  },
};
