// In-memory rate limiting in CPU instructions per decision, counted by valgrind's callgrind:
// unlike time on this shared 2-core VM (where the same timing bench moves by 2x between
// processes), the count moves little between runs (jaf-sec and the floor by about 2%,
// express-rate-limit by up to 15%: its promises). Each candidate runs in its own process twice,
// 100,000 and 500,000 decisions after the same warm-up; the difference / 400,000 is its
// steady-state cost per decision. Instructions leave out cache misses, which time includes.
// Run: pnpm --filter @jaf-sec/core build && cd bench && node --import tsx ratelimit-instructions.bench.ts
import { spawnSync } from 'node:child_process';
import { note, versionOf, writeSection } from './lib/harness.js';

const valgrind = spawnSync('valgrind', ['--version'], { encoding: 'utf8' });
const SMALL = 100_000;
const LARGE = 500_000;

function instructions(candidate: string, decisions: number): number {
  const r = spawnSync(
    'valgrind',
    [
      '--tool=callgrind',
      '--callgrind-out-file=/dev/null',
      process.execPath,
      '--single-threaded',
      '--predictable',
      new URL('./lib/ratelimit-candidate.mjs', import.meta.url).pathname,
      candidate,
      String(decisions),
    ],
    { encoding: 'utf8', cwd: new URL('.', import.meta.url).pathname },
  );
  const m = /Collected : (\d+)/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`${candidate}: callgrind failed (${r.status})`);
  return Number(m[1]);
}

if (valgrind.status !== 0) {
  note('- valgrind is not installed here; instruction counts not measured.');
} else {
  const names: [string, string][] = [
    ['jaf', 'jaf-sec createMemoryRateLimiter (token bucket, sync)'],
    ['floor', 'floor: Map.get + Date.now + typed-array read/write'],
    ['erl', 'express-rate-limit MemoryStore.increment (awaited)'],
    ['rlf', 'rate-limiter-flexible RateLimiterMemory.consume (awaited)'],
  ];
  const per = new Map<string, number>();
  for (const [id] of names) {
    per.set(id, (instructions(id, LARGE) - instructions(id, SMALL)) / (LARGE - SMALL));
  }
  const jaf = per.get('jaf')!;
  note('### Instructions per decision, keys cycling over 100,000 clients (callgrind)');
  note('');
  note('| candidate | instructions / decision | ratio to jaf-sec |');
  note('|---|---:|---:|');
  for (const [id, name] of names) {
    note(`| ${name} | ${per.get(id)!.toFixed(0)} | ${(per.get(id)! / jaf).toFixed(2)}x |`);
  }
  note('');
  const diff = jaf - per.get('floor')!;
  note(
    `- jaf-sec executes ${Math.abs(diff).toFixed(0)} instructions per decision ${diff >= 0 ? 'more' : 'fewer'} than the floor (a Map lookup, a clock read and a typed-array write, which any limiter that reads the clock pays); express-rate-limit executes ${(per.get('erl')! / jaf).toFixed(2)}x and rate-limiter-flexible ${(per.get('rlf')! / jaf).toFixed(2)}x jaf-sec's instructions. The timed figures (ratelimit section) add cache misses and scheduling on top.`,
  );
  note(`- ${valgrind.stdout.trim()}, node ${process.version} --single-threaded --predictable.`);
}

await writeSection('ratelimit-instructions', 'Rate limiting (in memory), instruction counts', {
  '@jaf-sec/core': await versionOf('@jaf-sec/core'),
  'express-rate-limit': await versionOf('express-rate-limit'),
  'rate-limiter-flexible': await versionOf('rate-limiter-flexible'),
});
