// A TypeScript program over unpacked tarballs (`<root>/node_modules/<name>/`) and files next
// to them: imports resolve within the unpacked tree first, so @jaf-sec/* types are the packed
// ones, and third-party types (valibot, hono, express...) from a fallback folder, normally the
// package's source folder whose node_modules has them installed.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** How a consumer on Node with ES modules compiles: NodeNext, strict, @types/node. */
export const CONSUMER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
  // Node's ambient modules (`http`, `node:crypto`) and globals (`process`), from this
  // package's own @types/node.
  types: ['node'],
  typeRoots: [fileURLToPath(new URL('../node_modules/@types', import.meta.url))],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
};

/**
 * Parsed files shared by every program in a process (the lib and @types/node files are most
 * of the parsing); files are never rewritten under the same name during a run.
 */
const PARSED = new Map<string, ts.SourceFile>();

export interface UnpackedProgram {
  readonly program: ts.Program;
  /** `'<module>' in <file>` for each import from the root that resolved nowhere. */
  readonly unresolved: readonly string[];
}

/**
 * Builds the program. `fallbackFor(file)` names the folder from which the imports of `file`
 * that the unpacked tree cannot satisfy are resolved (undefined: none).
 */
export function createUnpackedProgram(
  root: string,
  rootNames: readonly string[],
  fallbackFor: (containingFile: string) => string | undefined,
  options: ts.CompilerOptions = CONSUMER_OPTIONS,
): UnpackedProgram {
  const host = ts.createCompilerHost(options, true);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    let sf = PARSED.get(fileName);
    if (!sf) {
      sf = read(fileName, languageVersion, onError, shouldCreate);
      if (sf) PARSED.set(fileName, sf);
    }
    return sf;
  };
  const unresolved = new Map<string, string>(); // where -> module name
  host.resolveModuleNameLiterals = (literals, containingFile, _redirect, opts, containing) =>
    literals.map((literal) => {
      // The importing file's mode (import or require) picks the export conditions.
      const mode = ts.getModeForUsageLocation(containing, literal, opts);
      const first = ts.resolveModuleName(
        literal.text,
        containingFile,
        opts,
        host,
        undefined,
        undefined,
        mode,
      );
      if (first.resolvedModule || !containingFile.startsWith(root)) return first;
      const dir = fallbackFor(containingFile);
      const second =
        dir === undefined
          ? first
          : ts.resolveModuleName(
              literal.text,
              join(dir, 'package.json'),
              opts,
              host,
              undefined,
              undefined,
              mode,
            );
      if (!second.resolvedModule) {
        unresolved.set(
          `'${literal.text}' in ${containingFile.slice(root.length + 1)}`,
          literal.text,
        );
      }
      return second;
    });
  const program = ts.createProgram({ rootNames, options, host });
  // Declared ambient modules (`declare module 'http'`) resolve without a file.
  const ambient = new Set(
    program
      .getTypeChecker()
      .getAmbientModules()
      .map((m) => m.name.slice(1, -1)),
  );
  return {
    program,
    unresolved: [...unresolved].filter(([, name]) => !ambient.has(name)).map(([where]) => where),
  };
}

/** The package (`@scope/name` or `name`) a file under `<root>/node_modules/` belongs to. */
export function ownerPackage(root: string, file: string): string | undefined {
  const modulesDir = join(root, 'node_modules');
  if (!file.startsWith(`${modulesDir}/`)) return undefined;
  const parts = file.slice(modulesDir.length + 1).split('/');
  return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}
