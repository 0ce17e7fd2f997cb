// The edge-runtime entry (bundled as a script by esbuild, evaluated in @edge-runtime/vm, which
// has Web APIs and no Node globals): publishes the conformance run as a global.
import { runConformance } from './conformance.mjs';

globalThis.__jafSecConformance = async () => ({
  runtime: 'edge-runtime',
  ...(await runConformance()),
});
