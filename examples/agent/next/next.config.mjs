import { fileURLToPath } from 'node:url';

/** @type {import('next').NextConfig} */
export default {
  // Next adds X-Powered-By itself; jaf-sec cannot remove it from a route handler.
  poweredByHeader: false,
  // The repository type-checks this app with tsc; skipping it here keeps `next build` fast.
  typescript: { ignoreBuildErrors: true },
  // The app imports the shared example code in ../src, inside the monorepo root.
  turbopack: { root: fileURLToPath(new URL('../../..', import.meta.url)) },
};
