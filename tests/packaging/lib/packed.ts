// Reading packed tarballs: their files (through @arethetypeswrong/core's tarball reader, so no
// `tar` binary is needed), their manifest, and an unpacked copy in a node_modules layout.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createPackageFromTarballData, type Package } from '@arethetypeswrong/core';

/** One packed package, as `packAll` (scripts/pack-all.mjs) reports it. */
export interface PackedPackage {
  readonly name: string;
  readonly version: string;
  /** The package's source folder in the repository. */
  readonly dir: string;
  /** Absolute path of the `.tgz`. */
  readonly tarball: string;
}

/** The manifest fields the packaging checks read. */
export interface PackedManifest {
  readonly name: string;
  readonly version: string;
  readonly exports?: unknown;
  readonly [field: string]: unknown;
}

export function readTarball(packed: PackedPackage): Uint8Array {
  return new Uint8Array(readFileSync(packed.tarball));
}

/** The tarball as an attw Package: files under `/node_modules/<name>/`. */
export function tarballPackage(packed: PackedPackage): Package {
  return createPackageFromTarballData(readTarball(packed));
}

/** Paths of the packed files, relative to the package root, sorted. */
export function packedFiles(pkg: Package): string[] {
  const prefix = `/node_modules/${pkg.packageName}/`;
  return pkg
    .listFiles()
    .map((f) => f.slice(prefix.length))
    .sort();
}

export function packedManifest(pkg: Package): PackedManifest {
  return JSON.parse(pkg.readFile(`/node_modules/${pkg.packageName}/package.json`));
}

/** Writes every file of the tarball to `<root>/node_modules/<name>/`. */
export function unpackInto(root: string, pkg: Package): void {
  for (const file of pkg.listFiles()) {
    const target = join(root, file);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, pkg.readFile(file));
  }
}
