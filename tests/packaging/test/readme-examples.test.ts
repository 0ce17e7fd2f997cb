// Every ```ts example in a packed README compiles, as a consumer would compile it (ES module,
// NodeNext, strict), against the packed packages: an example that drifts from the API fails.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { tarballPackage, unpackInto } from '../lib/packed.js';
import { createUnpackedProgram, ownerPackage } from '../lib/program.js';
import { typescriptBlocks } from '../lib/readme.js';

const packed = inject('packed');
const short = (name: string) => name.split('/')[1] ?? name;
let root = '';
let check: (name: string) => string[] = () => [];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'jaf-sec-readme-'));
  const files: string[] = [];
  const examplesDir = join(root, 'examples');
  mkdirSync(examplesDir);
  writeFileSync(join(examplesDir, 'package.json'), '{ "type": "module" }\n');
  for (const p of packed) {
    const pkg = tarballPackage(p);
    unpackInto(root, pkg);
    const blocks = typescriptBlocks(pkg.readFile(`/node_modules/${p.name}/README.md`));
    blocks.forEach((code, i) => {
      const file = join(examplesDir, `${short(p.name)}-${i + 1}.ts`);
      writeFileSync(file, code);
      files.push(file);
    });
  }
  const dirs = new Map(packed.map((p) => [p.name, p.dir]));
  // One program for every example: an example's third-party imports (express, ioredis...)
  // resolve from its package's source folder, where they are dev dependencies.
  const { program, unresolved } = createUnpackedProgram(root, files, (file) => {
    const owner = ownerPackage(root, file);
    if (owner !== undefined) return dirs.get(owner);
    const example = file.slice(examplesDir.length + 1).replace(/-\d+\.ts$/, '');
    return packed.find((p) => short(p.name) === example)?.dir;
  });
  check = (name) => {
    const prefix = join(examplesDir, `${short(name)}-`);
    const found = unresolved.filter((u) => u.includes(`examples/${short(name)}-`));
    for (const sf of program.getSourceFiles()) {
      if (!sf.fileName.startsWith(prefix)) continue;
      const diagnostics = [
        ...program.getSyntacticDiagnostics(sf),
        ...program.getSemanticDiagnostics(sf),
      ];
      for (const d of diagnostics) {
        const line = d.start === undefined ? 0 : sf.getLineAndCharacterOfPosition(d.start).line + 1;
        const text = ts.flattenDiagnosticMessageText(d.messageText, ' ');
        found.push(`${sf.fileName.slice(examplesDir.length + 1)}:${line} TS${d.code} ${text}`);
      }
    }
    return found;
  };
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('README examples compile against the packed packages', () => {
  for (const p of packed) {
    it(p.name, () => {
      expect(check(p.name)).toEqual([]);
    });
  }
});

describe('typescriptBlocks', () => {
  it('takes ts and typescript fences, not sh or js', () => {
    const md =
      '```sh\nnpm i x\n```\n```ts\nconst a = 1;\n```\n```js\nb\n```\n```typescript\nc;\n```\n';
    expect(typescriptBlocks(md)).toEqual(['const a = 1;\n', 'c;\n']);
  });
});
