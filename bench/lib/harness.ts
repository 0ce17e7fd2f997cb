// Side-by-side micro-benchmark harness shared by every file in bench/.
//
// Candidates of one comparison run interleaved, round after round, in the same process,
// so drift in CPU frequency or load hits them alike. Each round times a batch sized to
// take about `targetMs`; the reported figure is the median ns/op over rounds, and each
// candidate's ratio is its median over the baseline's median (lower is faster).
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';

export interface Candidate {
  name: string;
  /** One operation. May return a promise; async candidates are awaited per op. */
  fn: () => unknown;
  /**
   * This candidate's batch length, ms, instead of the comparison's `targetMs`. For
   * candidates whose every op is a round trip to the libuv thread pool (Web Crypto on
   * Node: jose's HMAC), so that a batch amortises the pool's wake-up and hand-back instead
   * of timing a few dozen cold round trips.
   */
  targetMs?: number;
}

export interface CompareOptions {
  /** Name of the candidate the others are divided by. Default: the first. */
  baseline?: string;
  rounds?: number;
  targetMs?: number;
  /** Bytes processed per op, to report throughput. */
  bytesPerOp?: number;
  /**
   * Runs untimed before every timed batch (e.g. a full GC), so a candidate does not pay
   * for garbage or unfinished GC marking left behind by the candidate before it.
   */
  beforeBatch?: () => void;
}

export interface Row {
  name: string;
  medianNs: number;
  opsPerSec: number;
  ratio: number;
  mbPerSec?: number;
}

async function timeBatch(fn: () => unknown, n: number, isAsync: boolean): Promise<number> {
  const t0 = performance.now();
  if (isAsync) for (let i = 0; i < n; i++) await fn();
  else for (let i = 0; i < n; i++) fn();
  return performance.now() - t0;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Runs candidates interleaved and returns one row each, baseline first. */
export async function compare(
  title: string,
  candidates: Candidate[],
  options: CompareOptions = {},
): Promise<Row[]> {
  const rounds = options.rounds ?? 15;
  const targetMs = options.targetMs ?? 40;
  const plans: { c: Candidate; n: number; isAsync: boolean; samples: number[] }[] = [];
  for (const c of candidates) {
    const first = c.fn();
    const isAsync = first instanceof Promise;
    if (isAsync) await first;
    // Calibrate the batch size, warming up the JIT on the way.
    const ownMs = c.targetMs ?? targetMs;
    let n = 1;
    for (;;) {
      const ms = await timeBatch(c.fn, n, isAsync);
      if (ms >= ownMs / 4 || n >= 1 << 24) {
        n = Math.max(1, Math.round((n * ownMs) / Math.max(ms, 0.001)));
        break;
      }
      n *= 4;
    }
    plans.push({ c, n, isAsync, samples: [] });
  }
  for (let r = 0; r < rounds; r++) {
    for (const p of plans) {
      options.beforeBatch?.();
      p.samples.push(((await timeBatch(p.c.fn, p.n, p.isAsync)) * 1e6) / p.n);
    }
  }
  const baseName = options.baseline ?? candidates[0]!.name;
  const base = plans.find((p) => p.c.name === baseName);
  if (!base) throw new Error(`baseline ${baseName} is not a candidate`);
  const baseMedian = median(base.samples);
  const rows: Row[] = plans.map((p) => {
    const m = median(p.samples);
    const row: Row = { name: p.c.name, medianNs: m, opsPerSec: 1e9 / m, ratio: m / baseMedian };
    if (options.bytesPerOp) row.mbPerSec = (options.bytesPerOp / m) * 1e3;
    return row;
  });
  printTable(title, rows, baseName);
  return rows;
}

/** A markdown table of rows, as written into bench/results/*.md. */
export function formatTable(title: string, rows: Row[], baseline: string): string {
  const hasMb = rows.some((r) => r.mbPerSec !== undefined);
  const lines = [
    `### ${title}`,
    '',
    `| candidate | median | ops/s | ${hasMb ? 'MB/s | ' : ''}ratio to ${baseline} |`,
    `|---|---:|---:|${hasMb ? '---:|' : ''}---:|`,
  ];
  for (const r of rows) {
    const med =
      r.medianNs >= 1e6
        ? `${(r.medianNs / 1e6).toFixed(2)} ms`
        : r.medianNs >= 1e3
          ? `${(r.medianNs / 1e3).toFixed(2)} µs`
          : `${r.medianNs.toFixed(0)} ns`;
    lines.push(
      `| ${r.name} | ${med} | ${Math.round(r.opsPerSec).toLocaleString('en-US')} | ${hasMb ? `${(r.mbPerSec ?? 0).toFixed(1)} | ` : ''}${r.ratio.toFixed(2)}x |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const collected: string[] = [];

function printTable(title: string, rows: Row[], baseline: string): void {
  const table = formatTable(title, rows, baseline);
  collected.push(table);
  console.log(`\n${table}`);
}

/** Adds free text (e.g. a target check or bytes per key) to the section being collected. */
export function note(text: string): void {
  collected.push(`${text}\n`);
  console.log(text);
}

/** One line describing the machine and runtime, for the results header. */
export function machine(): string {
  const cpu = cpus();
  return `${cpu.length} x ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}-${process.arch}`;
}

/** Everything printed by compare()/note() so far, as markdown. */
export function collectedMarkdown(): string {
  return collected.join('\n');
}

/** Writes bench/results/<area>.md: a heading, the machine, the library versions and every table. */
export async function writeSection(
  area: string,
  heading: string,
  versions: Record<string, string>,
): Promise<void> {
  const { writeFile, mkdir } = await import('node:fs/promises');
  const dir = new URL('../results/', import.meta.url);
  await mkdir(dir, { recursive: true });
  const v = Object.entries(versions)
    .map(([k, val]) => `${k} ${val}`)
    .join(', ');
  const body = `## ${heading}\n\nRun ${new Date().toISOString()} on ${machine()}.\nVersions: ${v}.\n\n${collectedMarkdown()}`;
  await writeFile(new URL(`${area}.md`, dir), body);
  console.log(`\nwrote bench/results/${area}.md`);
}

/** The installed version of a package, read from its package.json. */
export async function versionOf(pkg: string): Promise<string> {
  const { createRequire } = await import('node:module');
  const { readFileSync } = await import('node:fs');
  const require = createRequire(import.meta.url);
  try {
    return (
      JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as {
        version: string;
      }
    ).version;
  } catch {
    // Packages whose exports map hides package.json: walk up from the entry point.
    const { dirname, join } = await import('node:path');
    let dir = dirname(require.resolve(pkg));
    for (let i = 0; i < 6; i++) {
      try {
        const json = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
          name?: string;
          version: string;
        };
        if (json.name === pkg) return json.version;
      } catch {}
      dir = dirname(dir);
    }
    return 'unknown';
  }
}
