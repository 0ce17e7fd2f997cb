// The packaging checks, as functions over a manifest or a tarball, so each can be tested on a
// broken fixture as well as run over the real packages.
import {
  type Analysis,
  type CheckResult,
  checkPackage,
  type Package,
  type Problem,
  type ResolutionKind,
} from '@arethetypeswrong/core';
import { problemAffectsResolutionKind } from '@arethetypeswrong/core/problems';
import { allResolutionKinds, getResolutionKinds } from '@arethetypeswrong/core/utils';
import { type Message, publint } from 'publint';
import { formatMessage } from 'publint/utils';

/** Manifest fields whose ranges a release must not leave as `workspace:`. */
export const DEPENDENCY_FIELDS = [
  'dependencies',
  'peerDependencies',
  'optionalDependencies',
  'devDependencies',
] as const;

/** Every `field › name: range` whose range still uses the `workspace:` protocol. */
export function workspaceRanges(manifest: Record<string, unknown>): string[] {
  const found: string[] = [];
  for (const field of DEPENDENCY_FIELDS) {
    const deps = manifest[field];
    if (typeof deps !== 'object' || deps === null) continue;
    for (const [name, range] of Object.entries(deps)) {
      if (typeof range === 'string' && range.trim().startsWith('workspace:')) {
        found.push(`${field} › ${name}: ${range}`);
      }
    }
  }
  return found;
}

/** A publint message worth failing on, readable in a test failure. */
export interface LintFinding {
  readonly type: Message['type'];
  readonly code: string;
  readonly text: string;
}

/**
 * publint in strict mode (warnings raised to errors) over a packed tarball, or over files
 * laid out as in one (`package/...`). Returns the errors and warnings; suggestions are left out.
 */
export async function publintFindings(
  input: { tarball: Uint8Array } | { files: { name: string; data: string }[] },
): Promise<LintFinding[]> {
  const pack =
    'tarball' in input
      ? { tarball: input.tarball.slice().buffer as ArrayBuffer }
      : { files: input.files };
  const result = await publint({
    pack,
    strict: true,
    level: 'warning',
    ...('files' in input ? { pkgDir: 'package' } : {}),
  });
  return result.messages
    .filter((m) => m.type !== 'suggestion')
    .map((m) => ({
      type: m.type,
      code: m.code,
      text: formatMessage(m, result.pkg, { color: false }) ?? m.code,
    }));
}

/**
 * The resolutions attw's `esm-only` profile ignores (as `attw --profile esm-only`): the
 * packages are ESM only, so `require()` from CommonJS (node16-cjs) and the pre-exports
 * `node10` resolution (which cannot see subpath exports) are not targets.
 */
export const ESM_ONLY_IGNORED: readonly ResolutionKind[] = ['node10', 'node16-cjs'];

/** One attw problem, as text for a test failure. */
export interface TypesFinding {
  readonly kind: Problem['kind'];
  readonly affects: readonly ResolutionKind[];
  readonly detail: string;
}

/**
 * arethetypeswrong over a package, keeping the problems that affect a resolution the
 * ESM-only profile checks (node16-esm, bundler); a problem tied to no resolution is kept.
 */
export async function esmOnlyTypeProblems(pkg: Package): Promise<TypesFinding[]> {
  const result: CheckResult = await checkPackage(pkg);
  if (!('problems' in result)) {
    return [{ kind: 'UntypedResolution', affects: [], detail: 'the package ships no types' }];
  }
  const analysis: Analysis = result;
  return analysis.problems.flatMap((problem) => {
    const affects = affectedResolutions(problem, analysis);
    const checked = affects.filter((kind) => !ESM_ONLY_IGNORED.includes(kind));
    if (affects.length > 0 && checked.length === 0) return [];
    return [{ kind: problem.kind, affects, detail: JSON.stringify(problem) }];
  });
}

/** The resolutions a problem is about: its own, or those whose analysis shows it. */
function affectedResolutions(problem: Problem, analysis: Analysis): ResolutionKind[] {
  if ('resolutionKind' in problem) return [problem.resolutionKind];
  if ('resolutionOption' in problem) return getResolutionKinds(problem.resolutionOption);
  return allResolutionKinds.filter((kind) => problemAffectsResolutionKind(problem, kind, analysis));
}
