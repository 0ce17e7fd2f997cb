// Runs the conformance checks in whichever runtime executes this file and prints one JSON
// line: { runtime, version, hashBackend, results }. Used under Bun and Deno (and Node).
import { runConformance } from './conformance.mjs';

function runtime() {
  if (typeof globalThis.Bun !== 'undefined')
    return { runtime: 'bun', version: globalThis.Bun.version };
  if (typeof globalThis.Deno !== 'undefined') {
    return { runtime: 'deno', version: globalThis.Deno.version.deno };
  }
  return { runtime: 'node', version: globalThis.process?.versions?.node ?? 'unknown' };
}

const report = { ...runtime(), ...(await runConformance()) };
console.log(JSON.stringify(report));
