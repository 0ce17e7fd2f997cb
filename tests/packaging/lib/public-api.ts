// The public API of a packed package, as text: for every subpath of its exports map, each
// exported name with what it declares (a function's signatures, an interface's members, a
// type alias's expansion, a class's members), read from the packed `.d.ts` with the
// TypeScript compiler API. Stable across rebuilds: no file names (tsup's chunk names carry
// hashes), no comments, names sorted.
import { join } from 'node:path';
import ts from 'typescript';
import { createUnpackedProgram, ownerPackage } from './program.js';

/** Where the extractor finds the packages: unpacked tarballs, then a fallback for third parties. */
export interface ApiSource {
  /** A folder with `node_modules/<name>/` holding each unpacked tarball. */
  readonly root: string;
  /** The package to describe, e.g. `@jaf-sec/redis`. */
  readonly name: string;
  /**
   * For each unpacked package, the folder from which its imports that the unpacked tree
   * cannot satisfy (third-party types such as `valibot`, `hono`, `node:http`) are resolved:
   * its source folder, whose node_modules has them installed.
   */
  readonly fallbackDirs: ReadonlyMap<string, string>;
}

/** A packed package whose API cannot be described (no exports map, an entry missing, an import unresolved). */
export class PublicApiError extends Error {
  override readonly name = 'PublicApiError';
}

const FORMAT =
  ts.TypeFormatFlags.NoTruncation |
  ts.TypeFormatFlags.UseSingleQuotesForStringLiteralType |
  ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope |
  ts.TypeFormatFlags.WriteClassExpressionAsTypeLiteral;

/** The `types` file of each subpath in an exports map (`./package.json` and non-type entries skipped). */
export function typesEntries(manifest: { exports?: unknown }): Map<string, string> {
  const entries = new Map<string, string>();
  const exportsMap = manifest.exports;
  if (typeof exportsMap !== 'object' || exportsMap === null) {
    throw new PublicApiError('the packed package.json has no exports map to describe');
  }
  for (const [subpath, target] of Object.entries(exportsMap)) {
    if (typeof target !== 'object' || target === null) continue;
    const types = (target as Record<string, unknown>).types;
    if (typeof types === 'string') entries.set(subpath, types);
  }
  return entries;
}

/** Builds the API text of `source.name`. Throws PublicApiError when an entry cannot be read. */
export function extractPublicApi(source: ApiSource): string {
  const pkgDir = join(source.root, 'node_modules', ...source.name.split('/'));
  const manifest = JSON.parse(ts.sys.readFile(join(pkgDir, 'package.json')) ?? 'null');
  if (manifest === null) throw new PublicApiError(`${source.name}: no packed package.json`);
  const entries = typesEntries(manifest);
  const files = [...entries.values()].map((file) => join(pkgDir, file));

  const modulesDir = join(source.root, 'node_modules');
  const { program, unresolved: missing } = createUnpackedProgram(source.root, files, (file) => {
    const owner = ownerPackage(source.root, file);
    return owner === undefined ? undefined : source.fallbackDirs.get(owner);
  });
  const checker = program.getTypeChecker();
  if (missing.length > 0) {
    // A type that does not resolve prints as `any`: the snapshot would hide the break.
    throw new PublicApiError(
      `${source.name}: the .d.ts imports modules that do not resolve: ${missing.join(', ')}`,
    );
  }

  const out: string[] = [`# ${source.name}`];
  for (const [subpath, file] of [...entries].sort(([a], [b]) => byCodeUnit(a, b))) {
    const sf = program.getSourceFile(join(pkgDir, file));
    if (!sf) throw new PublicApiError(`${source.name} ${subpath}: ${file} is not in the package`);
    const moduleSymbol = checker.getSymbolAtLocation(sf);
    out.push('', `## ${subpath}`, '');
    if (!moduleSymbol) {
      out.push('(no exports)');
      continue;
    }
    const exported = checker
      .getExportsOfModule(moduleSymbol)
      .slice()
      .sort((a, b) => byCodeUnit(a.name, b.name));
    for (const symbol of exported) out.push(...describe(checker, modulesDir, symbol, sf));
    out.push(...globalAugmentations(sf));
  }
  return `${out.join('\n')}\n`;
}

function describe(
  checker: ts.TypeChecker,
  modulesDir: string,
  exported: ts.Symbol,
  at: ts.Node,
): string[] {
  const symbol =
    exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  const name = exported.name;
  const lines: string[] = [];
  const flags = symbol.flags;
  const typeText = (type: ts.Type, extra = 0) => checker.typeToString(type, at, FORMAT | extra);

  if (flags & ts.SymbolFlags.Class) {
    const instance = checker.getDeclaredTypeOfSymbol(symbol);
    const statics = checker.getTypeOfSymbol(symbol);
    const heritage = instance.isClassOrInterface()
      ? checker.getBaseTypes(instance).map((t) => typeText(t))
      : [];
    lines.push(
      `class ${name}${typeParams(checker, instance, at)}${heritage.length ? ` extends ${heritage.join(', ')}` : ''}`,
    );
    for (const sig of statics.getConstructSignatures()) {
      lines.push(`  constructor${signatureText(checker, sig, at)}`);
    }
    for (const prop of sortedProps(modulesDir, checker.getPropertiesOfType(statics))) {
      if (prop.name === 'prototype') continue;
      lines.push(`  static ${memberText(checker, prop, at)}`);
    }
    for (const prop of sortedProps(modulesDir, checker.getPropertiesOfType(instance))) {
      lines.push(`  ${memberText(checker, prop, at)}`);
    }
  } else if (flags & ts.SymbolFlags.Interface) {
    const type = checker.getDeclaredTypeOfSymbol(symbol);
    const heritage = type.isClassOrInterface()
      ? checker.getBaseTypes(type).map((t) => typeText(t))
      : [];
    lines.push(
      `interface ${name}${typeParams(checker, type, at)}${heritage.length ? ` extends ${heritage.join(', ')}` : ''}`,
    );
    for (const sig of type.getCallSignatures()) lines.push(`  ${signatureText(checker, sig, at)}`);
    for (const sig of type.getConstructSignatures()) {
      lines.push(`  new ${signatureText(checker, sig, at)}`);
    }
    for (const info of checker.getIndexInfosOfType(type)) {
      const ro = info.isReadonly ? 'readonly ' : '';
      lines.push(`  ${ro}[key: ${typeText(info.keyType)}]: ${typeText(info.type)}`);
    }
    for (const prop of sortedProps(modulesDir, checker.getPropertiesOfType(type))) {
      lines.push(`  ${memberText(checker, prop, at)}`);
    }
  } else if (flags & ts.SymbolFlags.TypeAlias) {
    const decl = symbol.declarations?.find(ts.isTypeAliasDeclaration);
    const params = decl?.typeParameters?.map((p) => p.getText()).join(', ');
    const type = checker.getDeclaredTypeOfSymbol(symbol);
    lines.push(
      `type ${name}${params ? `<${params}>` : ''} = ${typeText(type, ts.TypeFormatFlags.InTypeAlias)}`,
    );
  } else if (flags & ts.SymbolFlags.Enum) {
    lines.push(`enum ${name}`);
    for (const member of checker.getExportsOfModule(symbol)) {
      const decl = member.valueDeclaration;
      const value = decl && ts.isEnumMember(decl) ? checker.getConstantValue(decl) : undefined;
      lines.push(`  ${member.name} = ${JSON.stringify(value)}`);
    }
  }

  if (flags & ts.SymbolFlags.Function) {
    const type = checker.getTypeOfSymbol(symbol);
    for (const sig of type.getCallSignatures()) {
      lines.push(`function ${name}${signatureText(checker, sig, at)}`);
    }
  } else if (flags & ts.SymbolFlags.Variable) {
    const decl = symbol.valueDeclaration;
    const keyword =
      decl && ts.isVariableDeclaration(decl) && decl.parent.flags & ts.NodeFlags.Const
        ? 'const'
        : 'let';
    lines.push(`${keyword} ${name}: ${typeText(checker.getTypeOfSymbol(symbol))}`);
  }

  if (lines.length === 0) {
    throw new PublicApiError(`export ${name}: unsupported declaration (symbol flags ${flags})`);
  }
  return lines;
}

/** Locale-independent order, so the snapshot is the same on every machine. */
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Members sorted by name, without those declared only outside the unpacked packages: a class
 * extending `Error` would otherwise list `message`, `stack` and Node's `captureStackTrace`,
 * which vary with TypeScript's lib and @types/node, not with the package. The heritage
 * clause still names the base type.
 */
function sortedProps(modulesDir: string, props: ts.Symbol[]): ts.Symbol[] {
  return props
    .filter((p) =>
      (p.declarations ?? []).some((d) => d.getSourceFile().fileName.startsWith(modulesDir)),
    )
    .sort((a, b) => byCodeUnit(a.name, b.name));
}

function memberText(checker: ts.TypeChecker, prop: ts.Symbol, at: ts.Node): string {
  const decl = prop.valueDeclaration ?? prop.declarations?.[0];
  const modifiers = decl ? ts.getCombinedModifierFlags(decl as ts.Declaration) : 0;
  const ro = modifiers & ts.ModifierFlags.Readonly ? 'readonly ' : '';
  const optional = prop.flags & ts.SymbolFlags.Optional ? '?' : '';
  const type = checker.getTypeOfSymbol(prop);
  // An optional method's type includes `undefined`: its signatures are on the non-null part.
  const signatures = checker.getNonNullableType(type).getCallSignatures();
  if (prop.flags & ts.SymbolFlags.Method && signatures.length > 0) {
    return signatures
      .map((sig) => `${prop.name}${optional}${signatureText(checker, sig, at)}`)
      .join('\n  ');
  }
  if (prop.flags & ts.SymbolFlags.GetAccessor && !(prop.flags & ts.SymbolFlags.SetAccessor)) {
    return `get ${prop.name}(): ${checker.typeToString(type, at, FORMAT)}`;
  }
  return `${ro}${prop.name}${optional}: ${checker.typeToString(type, at, FORMAT)}`;
}

function signatureText(checker: ts.TypeChecker, sig: ts.Signature, at: ts.Node): string {
  return checker.signatureToString(sig, at, FORMAT);
}

function typeParams(checker: ts.TypeChecker, type: ts.Type, at: ts.Node): string {
  const params = type.isClassOrInterface() ? type.typeParameters : undefined;
  if (!params || params.length === 0) return '';
  return `<${params
    .map((p) => {
      const constraint = p.getConstraint();
      const fallback = p.getDefault();
      return `${checker.typeToString(p, at, FORMAT)}${constraint ? ` extends ${checker.typeToString(constraint, at, FORMAT)}` : ''}${fallback ? ` = ${checker.typeToString(fallback, at, FORMAT)}` : ''}`;
    })
    .join(', ')}>`;
}

/** `declare global { ... }` blocks in an entry file, printed without comments. */
function globalAugmentations(sf: ts.SourceFile): string[] {
  const printer = ts.createPrinter({ removeComments: true });
  return sf.statements
    .filter(
      (s): s is ts.ModuleDeclaration =>
        ts.isModuleDeclaration(s) && (s.flags & ts.NodeFlags.GlobalAugmentation) !== 0,
    )
    .flatMap((s) => printer.printNode(ts.EmitHint.Unspecified, s, sf).split('\n'))
    .map((line) => line.replace(/ {4}/g, '  '));
}
