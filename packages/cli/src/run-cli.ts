import { readFile } from 'node:fs/promises';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import {
  type AuditCheckpoint,
  isAuditCheckpoint,
  parseAuditLog,
  verifyAuditChain,
  verifyAuditCheckpoints,
} from '@jaf-sec/core/audit';
import { decodeConfigSecret, loadSecurityConfig } from '@jaf-sec/core/config';
import { createApiKeyHasher, generateApiKey } from '@jaf-sec/core/keys';
import { createSignatureKey, type SignatureKey } from '@jaf-sec/core/signing';
import { GRADES, gradeSecurityHeaders, type HeaderGrade } from './grade-headers.js';
import { parseDotenv } from './parse-dotenv.js';

/** Exit codes of `jaf-sec`. */
export const EXIT = {
  /** The command succeeded; the check passed. */
  OK: 0,
  /** The check ran and failed (configuration invalid, grade below --min-grade). */
  CHECK_FAILED: 1,
  /** Bad usage or unreadable input (unknown command or option, bad URL, missing file). */
  USAGE: 2,
  /** The network failed (audit-headers could not fetch the URL). */
  NETWORK: 3,
} as const;

/** What the commands read and write; the real process by default, fakes in tests. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly fetch: typeof fetch;
  readonly readFile: (path: string) => Promise<string>;
}

const USAGE = `Usage: jaf-sec <command> [options]

Commands:
  keygen [all|jwt|encryption|pepper|api-key]   Print new random secrets (default: all)
      --format env|json        Output format (default env)
      --prefix <p>             API key prefix (default jaf)
      --environment <e>        API key environment (default live)
  check-config                 Validate the security configuration
      --file <path>            Check this .env file instead of the environment
      --require <A,B>          Secrets that must be set (default JWT_SECRET_KEY,ENCRYPTION_KEY)
      --strict                 Fail on warnings too
      --json                   Machine-readable output
  audit-headers <url>          Fetch a URL and grade its security headers
      --min-grade <grade>      Lowest passing grade: A+, A, B, C, D, F (default B)
      --timeout-ms <n>         Give up after n milliseconds (default 10000)
      --json                   Machine-readable output
  verify-audit <file>          Check a hash-chained audit log (JSON lines) for edits and gaps
      --last-hash <hex>        The last hash kept elsewhere, to detect removal at the end
      --key-env <NAME>         Variable holding the keyed chain's key (hex:, base64url: ...)
      --public-key <key>       Ed25519 public key (32 bytes, hex: or base64url:) of checkpoints
      --keyid <id>             Key id of --public-key (default: any id the checkpoints name)
      --anchor <file>          Checkpoints kept elsewhere (JSON lines), checked too
      --require-checkpoint     Fail when no signed checkpoint verifies

Exit codes: 0 ok, 1 check failed, 2 bad usage or input, 3 network error.
`;

class UsageError extends Error {}

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

const SECRET_NAMES = {
  jwt: 'JWT_SECRET_KEY',
  encryption: 'ENCRYPTION_KEY',
  pepper: 'API_KEY_PEPPER',
} as const;

function randomSecret(): string {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return `base64url:${Buffer.from(bytes).toString('base64url')}`;
}

async function keygen(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    format: { type: 'string', default: 'env' },
    prefix: { type: 'string' },
    environment: { type: 'string' },
  });
  const what = positionals[0] ?? 'all';
  if (positionals.length > 1 || !['all', 'jwt', 'encryption', 'pepper', 'api-key'].includes(what)) {
    throw new UsageError(
      `keygen: unknown kind "${positionals.join(' ')}"; use all, jwt, encryption, pepper or api-key.`,
    );
  }
  if (values.format !== 'env' && values.format !== 'json') {
    throw new UsageError('keygen: --format is env or json.');
  }
  const out: Record<string, string> = {};
  for (const [kind, name] of Object.entries(SECRET_NAMES)) {
    if (what === 'all' || what === kind) out[name] = randomSecret();
  }
  let apiKey:
    | { key: string; id: string; hash: string; hint: string; peppered: boolean }
    | undefined;
  if (what === 'all' || what === 'api-key') {
    // Hash with the pepper the server will use, so the printed hash can be stored as is.
    const pepperText = out.API_KEY_PEPPER ?? io.env.API_KEY_PEPPER;
    let pepper: Uint8Array | undefined;
    if (pepperText) {
      const decoded = decodeConfigSecret(pepperText);
      if (!decoded.ok || decoded.value.bytes.length < 32) {
        throw new UsageError(
          'keygen: API_KEY_PEPPER is set but is not a valid 32-byte secret; fix it first (jaf-sec check-config).',
        );
      }
      pepper = decoded.value.bytes;
    }
    let generated: ReturnType<typeof generateApiKey>;
    try {
      generated = generateApiKey({
        prefix: values.prefix as string | undefined,
        environment: values.environment as string | undefined,
        hasher: createApiKeyHasher(pepper ? { pepper } : {}),
      });
    } catch (error) {
      throw new UsageError(`keygen: ${(error as Error).message}`);
    }
    apiKey = { ...generated, peppered: pepper !== undefined };
  }
  if (values.format === 'json') {
    io.stdout(`${JSON.stringify({ ...out, ...(apiKey ? { apiKey } : {}) }, null, 2)}\n`);
    return EXIT.OK;
  }
  const lines: string[] = [];
  if (Object.keys(out).length > 0) {
    lines.push('# New secrets (32 random bytes each). Keep them out of source control.');
    for (const [k, v] of Object.entries(out)) lines.push(`${k}=${v}`);
  }
  if (apiKey) {
    if (lines.length > 0) lines.push('');
    lines.push('# API key: give the key to the client once; store only the id and the hash.');
    lines.push(
      `# hash: ${apiKey.peppered ? 'HMAC-SHA-256 under API_KEY_PEPPER' + (out.API_KEY_PEPPER ? ' (the one above)' : ' (from the environment)') : 'SHA-256 (no API_KEY_PEPPER set)'}`,
    );
    lines.push(`API_KEY=${apiKey.key}`);
    lines.push(`API_KEY_ID=${apiKey.id}`);
    lines.push(`API_KEY_HASH=${apiKey.hash}`);
    lines.push(`# hint shown to users: ${apiKey.hint}`);
  }
  io.stdout(`${lines.join('\n')}\n`);
  return EXIT.OK;
}

async function checkConfig(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    file: { type: 'string' },
    require: { type: 'string' },
    strict: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  });
  if (positionals.length > 0)
    throw new UsageError(`check-config: unexpected argument "${positionals[0]}".`);
  let env: Readonly<Record<string, string | undefined>> = io.env;
  let source = 'the environment';
  const lineErrors: string[] = [];
  const file = values.file as string | undefined;
  if (file !== undefined) {
    let text: string;
    try {
      text = await io.readFile(file);
    } catch (error) {
      throw new UsageError(
        `check-config: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
    const parsed = parseDotenv(text);
    env = parsed.values;
    source = file;
    for (const e of parsed.errors) lineErrors.push(`${file}:${e.line}: ${e.message}`);
  }
  const allowed = ['JWT_SECRET_KEY', 'ENCRYPTION_KEY', 'API_KEY_PEPPER'] as const;
  let required: (typeof allowed)[number][] | undefined;
  if (values.require !== undefined) {
    const names = String(values.require)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const n of names) {
      if (!(allowed as readonly string[]).includes(n)) {
        throw new UsageError(`check-config: --require takes ${allowed.join(', ')}; got "${n}".`);
      }
    }
    required = names as (typeof allowed)[number][];
  }
  const result = loadSecurityConfig(env, { strict: values.strict as boolean, required });
  const passed = result.ok && lineErrors.length === 0;
  if (values.json) {
    io.stdout(
      `${JSON.stringify(
        {
          ok: passed,
          source,
          lineErrors,
          issues: result.ok ? [] : result.error.issues,
          warnings: result.ok ? result.value.warnings : result.error.warnings,
          config: result.ok ? result.value.toJSON() : undefined,
        },
        null,
        2,
      )}\n`,
    );
    return passed ? EXIT.OK : EXIT.CHECK_FAILED;
  }
  const lines: string[] = [];
  const issues = result.ok ? [] : result.error.issues;
  const warnings = result.ok
    ? result.value.warnings
    : result.error.warnings.filter((w) => !issues.includes(w));
  if (passed) {
    lines.push(
      `OK: the security configuration in ${source} passes.`,
      '',
      result.ok ? result.value.describe() : '',
    );
  } else {
    const count = issues.length + lineErrors.length;
    lines.push(
      `FAIL: ${count} problem${count === 1 ? '' : 's'} in the security configuration (${source}):`,
      '',
    );
    for (const e of lineErrors) lines.push(`  x ${e}`);
    for (const i of issues) {
      lines.push(`  x ${i.variable} [${i.code}]: ${i.message}`, `      fix: ${i.fix}`);
    }
  }
  if (warnings.length > 0) {
    lines.push('', 'Warnings:');
    for (const w of warnings)
      lines.push(`  ! ${w.variable} [${w.code}]: ${w.message}`, `      fix: ${w.fix}`);
  }
  (passed ? io.stdout : io.stderr)(`${lines.join('\n')}\n`);
  return passed ? EXIT.OK : EXIT.CHECK_FAILED;
}

async function auditHeaders(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    'min-grade': { type: 'string', default: 'B' },
    'timeout-ms': { type: 'string', default: '10000' },
    json: { type: 'boolean', default: false },
  });
  if (positionals.length !== 1)
    throw new UsageError(
      'audit-headers: give exactly one URL, e.g. jaf-sec audit-headers https://example.com',
    );
  let url: URL;
  try {
    url = new URL(positionals[0]!);
  } catch {
    throw new UsageError(
      `audit-headers: "${positionals[0]}" is not an absolute URL (include https://).`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError('audit-headers: only http:// and https:// URLs can be audited.');
  }
  const minGrade = String(values['min-grade']).toUpperCase() as HeaderGrade;
  if (!GRADES.includes(minGrade))
    throw new UsageError(`audit-headers: --min-grade is one of ${GRADES.join(', ')}.`);
  const timeout = Number(values['timeout-ms']);
  if (!Number.isInteger(timeout) || timeout < 1)
    throw new UsageError('audit-headers: --timeout-ms is a positive whole number.');
  let response: Response;
  try {
    response = await io.fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(timeout) });
    await response.body?.cancel();
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    const why =
      e.name === 'TimeoutError' ? `no answer within ${timeout} ms` : (e.cause?.code ?? e.message);
    io.stderr(`audit-headers: could not fetch ${url.href}: ${why}\n`);
    return EXIT.NETWORK;
  }
  const report = gradeSecurityHeaders(
    response.headers,
    new URL(response.url || url.href),
    response.status,
  );
  const passed = GRADES.indexOf(report.grade) <= GRADES.indexOf(minGrade);
  if (values.json) {
    io.stdout(`${JSON.stringify({ ...report, minGrade, passed }, null, 2)}\n`);
    return passed ? EXIT.OK : EXIT.CHECK_FAILED;
  }
  const width = Math.max(...report.checks.map((c) => c.header.length));
  const lines = [
    `Security headers of ${report.url} (HTTP ${report.status})`,
    `Grade: ${report.grade} (${report.score}/100); passing grade: ${minGrade} or better`,
    '',
  ];
  for (const c of report.checks) {
    lines.push(`  ${c.status.toUpperCase().padEnd(4)}  ${c.header.padEnd(width)}  ${c.found}`);
    if (c.advice) lines.push(`        ${' '.repeat(width)}  -> ${c.advice}`);
  }
  lines.push('', passed ? 'PASS' : `FAIL: grade ${report.grade} is below ${minGrade}.`);
  io.stdout(`${lines.join('\n')}\n`);
  return passed ? EXIT.OK : EXIT.CHECK_FAILED;
}

async function readOrUsage(io: CliIo, file: string): Promise<string> {
  try {
    return await io.readFile(file);
  } catch (error) {
    throw new UsageError(
      `verify-audit: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

async function verifyAudit(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    'last-hash': { type: 'string' },
    'key-env': { type: 'string' },
    'public-key': { type: 'string' },
    keyid: { type: 'string' },
    anchor: { type: 'string' },
    'require-checkpoint': { type: 'boolean' },
  });
  if (positionals.length !== 1)
    throw new UsageError(
      'verify-audit: give exactly one file, e.g. jaf-sec verify-audit security.log',
    );
  const file = positionals[0]!;
  // The chain key comes from the environment, never the command line (shell history, ps).
  let key: Uint8Array | undefined;
  const keyEnv = values['key-env'] as string | undefined;
  if (keyEnv !== undefined) {
    const raw = io.env[keyEnv];
    if (raw === undefined || raw === '') {
      throw new UsageError(`verify-audit: --key-env ${keyEnv}: the variable is not set.`);
    }
    const decoded = decodeConfigSecret(raw);
    if (!decoded.ok || decoded.value.bytes.length < 32) {
      throw new UsageError(
        `verify-audit: --key-env ${keyEnv}: not a key of at least 32 bytes (hex:… or base64url:…).`,
      );
    }
    key = decoded.value.bytes;
  }
  let publicKey: Uint8Array | undefined;
  const publicKeyText = values['public-key'] as string | undefined;
  if (publicKeyText !== undefined) {
    const decoded = decodeConfigSecret(publicKeyText);
    if (!decoded.ok || decoded.value.bytes.length !== 32) {
      throw new UsageError(
        'verify-audit: --public-key is the 32-byte Ed25519 public key, hex:… or base64url:….',
      );
    }
    publicKey = decoded.value.bytes;
  }
  const requireCheckpoint = values['require-checkpoint'] === true;
  const anchorFile = values.anchor as string | undefined;
  if ((requireCheckpoint || anchorFile !== undefined) && publicKey === undefined) {
    throw new UsageError('verify-audit: --require-checkpoint and --anchor need --public-key.');
  }
  const text = await readOrUsage(io, file);
  const parsed = parseAuditLog(text);
  if (!parsed.ok) {
    const { code, line, message } = parsed.error;
    io.stderr(
      code === 'AUDIT_LINE_INVALID_JSON'
        ? `FAIL: ${file}:${line} is not JSON: the log was damaged or edited by hand.\n`
        : `FAIL: ${code} at ${file}:${line}: ${message}\n`,
    );
    return EXIT.CHECK_FAILED;
  }
  const { events, eventLines, checkpoints, checkpointLines } = parsed.value;
  const lastHash = values['last-hash'] as string | undefined;
  const result = verifyAuditChain(events, {
    ...(lastHash === undefined ? {} : { lastHash }),
    ...(key === undefined ? {} : { key }),
  });
  if (!result.ok) {
    const where = eventLines[result.error.index];
    io.stderr(
      `FAIL: ${result.error.code} at event ${result.error.index + 1} of ${events.length}${where === undefined ? '' : ` (${file}:${where})`}: ${result.error.message}\n`,
    );
    return EXIT.CHECK_FAILED;
  }
  let summary = `OK: ${result.value.count} events, chain intact${key ? ' (keyed)' : ''}; last hash ${result.value.lastHash}`;
  if (publicKey !== undefined) {
    const anchors: AuditCheckpoint[] = [];
    if (anchorFile !== undefined) {
      const anchorLog = parseAuditLog(await readOrUsage(io, anchorFile));
      if (!anchorLog.ok) {
        io.stderr(`FAIL: ${anchorLog.error.code} at ${anchorFile}:${anchorLog.error.line}\n`);
        return EXIT.CHECK_FAILED;
      }
      anchors.push(...anchorLog.value.checkpoints);
    }
    const ids = new Set<string>();
    const keyid = values.keyid as string | undefined;
    if (keyid !== undefined) ids.add(keyid);
    else {
      for (const c of [...checkpoints, ...anchors]) {
        if (isAuditCheckpoint(c) && typeof c.keyid === 'string') ids.add(c.keyid);
      }
    }
    const keys: SignatureKey[] = [];
    try {
      for (const id of ids) {
        keys.push(createSignatureKey({ keyid: id, algorithm: 'ed25519', publicKey }));
      }
    } catch (error) {
      io.stderr(`FAIL: a checkpoint names an unusable key id: ${(error as Error).message}\n`);
      return EXIT.CHECK_FAILED;
    }
    const checked = await verifyAuditCheckpoints(events, checkpoints, {
      keys,
      anchors,
      requireCheckpoint,
    });
    if (!checked.ok) {
      const { code, index, message } = checked.error;
      const where =
        index < checkpoints.length
          ? `${file}:${checkpointLines[index]}`
          : `${anchorFile} (anchor ${index - checkpoints.length + 1})`;
      io.stderr(`FAIL: ${code} at ${where}: ${message}\n`);
      return EXIT.CHECK_FAILED;
    }
    summary += `; ${checked.value.checkpoints} checkpoints verified${checked.value.lastSeq === undefined ? '' : ` (up to seq ${checked.value.lastSeq})`}`;
  } else if (checkpoints.length > 0) {
    io.stderr(
      `note: ${checkpoints.length} checkpoints not verified; pass --public-key to check them.\n`,
    );
  }
  io.stdout(`${summary}\n`);
  return EXIT.OK;
}

/**
 * Runs `jaf-sec` with the given arguments and returns the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv.slice(2));
 * ```
 */
export async function runCli(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
  const full: CliIo = {
    stdout: io.stdout ?? ((t) => process.stdout.write(t)),
    stderr: io.stderr ?? ((t) => process.stderr.write(t)),
    env: io.env ?? process.env,
    fetch: io.fetch ?? fetch,
    readFile: io.readFile ?? ((p) => readFile(p, 'utf8')),
  };
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'keygen':
        return await keygen(rest, full);
      case 'check-config':
        return await checkConfig(rest, full);
      case 'audit-headers':
        return await auditHeaders(rest, full);
      case 'verify-audit':
        return await verifyAudit(rest, full);
      case 'help':
      case '--help':
      case '-h':
        full.stdout(USAGE);
        return EXIT.OK;
      case undefined:
        full.stderr(USAGE);
        return EXIT.USAGE;
      default:
        throw new UsageError(`unknown command "${command}".`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      full.stderr(`jaf-sec: ${error.message}\nRun "jaf-sec help" for usage.\n`);
      return EXIT.USAGE;
    }
    throw error;
  }
}
