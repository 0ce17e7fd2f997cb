// Packs every publishable package once for the whole run (pnpm pack, as a release does),
// into a temporary folder removed afterwards. Tests read the tarballs through `inject('packed')`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
// @ts-expect-error: plain .mjs script shared with the docs checks, no declarations.
import { packAll } from '../../../scripts/pack-all.mjs';
import type { PackedPackage } from '../lib/packed.js';

declare module 'vitest' {
  export interface ProvidedContext {
    packed: PackedPackage[];
  }
}

export default function setup(project: TestProject): () => void {
  const dest = mkdtempSync(join(tmpdir(), 'jaf-sec-packed-'));
  const packed = (packAll as (dest: string) => PackedPackage[])(dest);
  project.provide('packed', packed);
  return () => rmSync(dest, { recursive: true, force: true });
}
