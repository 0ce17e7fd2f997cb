// Runs every benchmark in bench/ one after another (each writes bench/results/<area>.md),
// then assembles bench/RESULTS.md. Usage: pnpm bench [area ...]
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { machine } from './lib/harness.js';

const here = new URL('.', import.meta.url);
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();
for (const f of files) {
  console.log(`\n=== ${f}`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', f], {
    cwd: here,
    stdio: 'inherit',
  });
  if (r.status !== 0) {
    console.error(`${f} failed with exit code ${r.status}`);
    process.exitCode = 1;
  }
}
const results = new URL('./results/', import.meta.url);
const sections = readdirSync(results)
  .filter((f) => f.endsWith('.md'))
  .sort()
  .map((f) => readFileSync(new URL(f, results), 'utf8').trim());
writeFileSync(
  new URL('./RESULTS.md', import.meta.url),
  `# Benchmark results\n\nThe latest run of every benchmark in bench/ (\`pnpm bench\`; one area: \`pnpm bench tokens\`).\nEach table runs its candidates interleaved in one process and reports medians over rounds;\nratios are to the named baseline (lower is faster). Assembled on ${machine()}.\n\n${sections.join('\n\n')}\n`,
);
console.log('\nwrote bench/RESULTS.md');
