// Bundles an entry for a runtime without Node built-ins, the way Wrangler (workerd) or Next's
// edge build would: that runtime's export conditions, no `node` condition. Returns the code
// and the list of bundled input files (to check which core tree went in).
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const TARGETS = {
  // A Worker without nodejs_compat: an ES module with a default export.
  workerd: { entry: 'worker.mjs', format: 'esm', conditions: ['workerd', 'worker', 'browser'] },
  // The edge runtime evaluates a script: the entry publishes a global.
  edge: {
    entry: 'edge-entry.mjs',
    format: 'iife',
    conditions: ['edge-light', 'worker', 'browser'],
  },
};

/** @param {'workerd' | 'edge'} target */
export async function bundleFor(target = 'workerd') {
  const { entry, format, conditions } = TARGETS[target];
  const result = await build({
    entryPoints: [fileURLToPath(new URL(`./${entry}`, import.meta.url))],
    bundle: true,
    write: false,
    format,
    platform: 'neutral',
    target: 'es2022',
    conditions,
    mainFields: ['module', 'main'],
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.text ?? '';
  return { code, inputs: Object.keys(result.metafile.inputs) };
}
