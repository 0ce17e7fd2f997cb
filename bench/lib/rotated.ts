// Helpers for benchmarks judged on a shared, loaded machine: each comparison run three times
// in rotated order, and a CPU-time cross-check that other processes do not inflate.
import { type Candidate, compare, note, type Row } from './harness.js';

/** Notes `value` against a `<= limit` target, saying met or MISSED. */
export function target(label: string, value: number, limit: number): void {
  note(
    `- ${label}: **${value.toFixed(2)}x** (target <= ${limit}x) ${value <= limit ? 'met' : '**MISSED**'}`,
  );
}

/** The ratio of the row named `name`. */
export const ratio = (rows: Row[], name: string): number =>
  rows.find((r) => r.name === name)!.ratio;

/**
 * Cross-check in CPU time (process.cpuUsage), which other processes on a loaded machine do
 * not inflate: 15 alternating blocks of `n` ops of the baseline and of ours, median ratio.
 */
export async function cpuRatio(
  label: string,
  base: () => unknown,
  ours: () => unknown,
  n: number,
): Promise<number> {
  const cpu = async (fn: () => unknown): Promise<number> => {
    const start = process.cpuUsage();
    for (let i = 0; i < n; i++) await fn();
    const used = process.cpuUsage(start);
    return (used.user + used.system) / n;
  };
  const ratios: number[] = [];
  for (let i = 0; i < 15; i++) {
    const b = await cpu(base);
    ratios.push((await cpu(ours)) / b);
  }
  ratios.sort((a, b) => a - b);
  note(
    `CPU-time cross-check, ${label}: median of 15 alternating blocks **${ratios[7]!.toFixed(2)}x** (range ${ratios[0]!.toFixed(2)}-${ratios[14]!.toFixed(2)}x)\n`,
  );
  return ratios[7]!;
}

/**
 * Runs one comparison three times, rotating the candidates' order (the machine is shared,
 * and V8 tunes shared call sites for whichever candidate runs first), and returns each
 * candidate's median ratio to the baseline over the three runs.
 */
export async function rotated(
  title: string,
  candidates: Candidate[],
  options: { bytesPerOp?: number; rounds?: number; targetMs?: number } = {},
): Promise<Row[]> {
  const baseline = candidates[0]!.name;
  const ratios = new Map<string, number[]>();
  let last: Row[] = [];
  for (let turn = 0; turn < 3; turn++) {
    const order = [...candidates.slice(turn), ...candidates.slice(0, turn)];
    last = await compare(`${title} (run ${turn + 1} of 3)`, order, { ...options, baseline });
    for (const r of last) ratios.set(r.name, [...(ratios.get(r.name) ?? []), r.ratio]);
  }
  note(
    `Median ratio over the three runs (to ${baseline}): ${[...ratios].map(([n, rs]) => `${n} ${[...rs].sort((a, b) => a - b)[1]!.toFixed(2)}x`).join('; ')}\n`,
  );
  return last.map((r) => ({ ...r, ratio: [...ratios.get(r.name)!].sort((a, b) => a - b)[1]! }));
}
