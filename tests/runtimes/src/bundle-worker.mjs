// Bundles src/worker.mjs for workerd the way Wrangler would for a Worker without
// nodejs_compat: the `workerd`/`worker`/`browser` conditions, no Node built-ins available.
// Returns the code and the list of bundled input files (to check which core tree went in).
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export async function bundleWorker() {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./worker.mjs', import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.text ?? '';
  return { code, inputs: Object.keys(result.metafile.inputs) };
}
