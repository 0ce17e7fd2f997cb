import { hashHex } from '#hash';
import { formatIp, groupIp, parseIpLoose, unmapIpv4 } from '../internal/ip.js';
import type { Decision, RuleResult, SecurityRequest } from '../protect/types.js';
import { createRedactor, type Redactor } from '../redact/redact.js';
import { createObjectRedactor } from '../redact/redact-object.js';
import {
  type AuditCheckpoint,
  type AuditCheckpointOptions,
  createCheckpointer,
} from './audit-checkpoint.js';
import {
  type AuditEventMapOverrides,
  createAuditEventResolver,
  DEFAULT_AUDIT_EVENT_MAP,
  mergeAuditEventMap,
} from './audit-event-map.js';
import { truncateClientAddress } from './client-address.js';
import { type LogValueLimits, neutralizeLogText, toLogValue } from './neutralize-log-text.js';
import type {
  AuditLevel,
  AuditOutcome,
  AuditSink,
  AuditSinkObject,
  DecisionListener,
  SecurityEvent,
  SecurityEventType,
} from './types.js';
import {
  AUDIT_CHAIN_GENESIS,
  AUDIT_CHAIN_KEYED,
  importAuditChainKey,
  toCanonical,
} from './verify-audit-chain.js';

/** Redacts event details before they are logged; must return a new value, not mutate. */
export type AuditRedactor = (details: Readonly<Record<string, unknown>>) => unknown;

/**
 * Receives authentication failures and successes so repeated failures can lead to a ban
 * (the consecutive-failures pattern). The shield's `createBanManager()` is one. Keys are
 * `account:<id>` and `ip:<client key>` (the key the shield rule checks, so a client banned
 * here is refused by `shield({ bans })` on its next request). Errors and rejections are
 * swallowed: logging never changes a decision.
 */
export interface AuditFailureTracker {
  recordFailure(key: string, now: number): unknown;
  /** Resets the key's consecutive failures after a success. */
  recordSuccess?(key: string, now: number): unknown;
}

/** Options of {@link createAuditLog}. */
export interface AuditLogOptions {
  /** Where events go: a sink, a function, or several. */
  readonly sink: AuditSink | readonly AuditSink[];
  /** Application id written on every event (OWASP `appid`). */
  readonly app?: string | undefined;
  /** Clock in ms since the epoch. Default `Date.now`. */
  readonly clock?: (() => number) | undefined;
  /**
   * Redacts `details` (PII, secrets) before anything else sees them. Default: core's deep
   * redactor (`createObjectRedactor()`: values under sensitive keys such as `password` or
   * `token` replaced, PII in every string tagged). `false` turns redaction off. A redactor
   * that throws replaces the details with `{ redaction: 'failed' }` rather than log them
   * unredacted.
   */
  readonly redact?: AuditRedactor | false | undefined;
  /**
   * What to log of the client address: `full` (default), `truncate` (IPv4 /24, IPv6 /48),
   * `omit`, or a function such as {@link createClientAddressPseudonymizer}.
   */
  readonly clientAddress?: 'full' | 'truncate' | 'omit' | ((address: string) => string) | undefined;
  /**
   * Finds the client behind the request: `ip` is logged (as `clientAddress` says) and
   * `key` names the client for brute-force bans (`ip:<key>`). Pass the shield's
   * `createClientIpResolver({ trustedProxies })` behind a proxy, so the address is the
   * client's and the ban key is the one the shield rule checks. Default: the socket peer
   * (`request.ip`), IPv6 grouped by /64 like the shield's default.
   */
  readonly resolveClientIp?:
    | ((request: SecurityRequest) => { readonly ip: string; readonly key: string } | undefined)
    | undefined;
  /** Additions and overrides to the rule-code → event mapping. */
  readonly events?: AuditEventMapOverrides | undefined;
  /** Keep only this fraction (0..1) of events of a type, e.g. `{ authn_login_success: 0.01 }`. */
  readonly sample?: Readonly<Record<string, number>> | undefined;
  /** Random numbers in [0, 1) for sampling. Default `Math.random` (sampling is not a secret). */
  readonly random?: (() => number) | undefined;
  /** Events below this level are not written. Default `info` (everything). */
  readonly minLevel?: AuditLevel | undefined;
  /**
   * Tamper evidence: each event carries `seq`, `prev` (the previous event's hash) and its
   * own `hash`; check with `verifyAuditChain`. `true` is the unkeyed chain (SHA-256: finds
   * edits by anyone who cannot re-hash, i.e. accidents and careless intruders). An object
   * can add `key` (a keyed chain: HMAC-SHA-256, so only the key holder can re-hash),
   * `checkpoints` (Ed25519-signed heads, see {@link AuditCheckpointOptions}), and
   * `{ startAfter, startSeq }` to continue a chain kept from an earlier run.
   */
  readonly chain?: boolean | AuditChainOptions | undefined;
  /** Feeds authentication failures (per account and per client) to a ban manager. */
  readonly bruteForce?: AuditFailureTracker | undefined;
  /** Event types counted as authentication failures. Default: login fail, token invalid, token reuse. */
  readonly failureTypes?: readonly SecurityEventType[] | undefined;
  /** Bounds on copied details. Default depth 6, 50 keys, strings of 1,024 characters. */
  readonly limits?: Partial<LogValueLimits> | undefined;
}

/** The chain settings of {@link AuditLogOptions.chain}. */
export interface AuditChainOptions {
  /**
   * HMAC key (at least 32 random bytes) for a keyed chain. Keep it out of reach of whoever
   * can write the log (a secret store, not the log host's disk). Events carry
   * `chain: 'hmac-sha256'`.
   */
  readonly key?: Uint8Array | undefined;
  /** Signed checkpoints of the chain's head. */
  readonly checkpoints?: AuditCheckpointOptions | undefined;
  /** Hash of the last event of the chain being continued. */
  readonly startAfter?: string | undefined;
  /** `seq` of the next event of the chain being continued. */
  readonly startSeq?: number | undefined;
}

/** What the application passes to {@link AuditLog.record}. */
export interface AuditRecordInput {
  /** The request, for method, path, request id and client address. */
  readonly request?: SecurityRequest | undefined;
  /** Authenticated principal id. */
  readonly principal?: string | undefined;
  /** The account an authentication attempt named (fed to brute-force protection; not logged unless in details). */
  readonly account?: string | undefined;
  /** Client address, when there is no request (grouped like the default resolver for bans). */
  readonly client?: string | undefined;
  readonly level?: AuditLevel | undefined;
  readonly outcome?: AuditOutcome | undefined;
  readonly details?: Readonly<Record<string, unknown>> | undefined;
}

/** Counters of an audit log. */
export interface AuditLogStats {
  /** Events handed to the sinks. */
  readonly emitted: number;
  /** Events left out by sampling. */
  readonly sampledOut: number;
  /** Sink writes that threw or rejected. */
  readonly sinkErrors: number;
}

/** An audit log: plug `onDecision` into `createSecurity`, call `record` for the application's own events. */
export interface AuditLog {
  /** Emits one event per rule result the event map names. Never throws. */
  readonly onDecision: DecisionListener;
  /** Emits an application event (a password login, a permission change). Returns it, or undefined when filtered. */
  record(type: SecurityEventType, input?: AuditRecordInput): SecurityEvent | undefined;
  /** Waits for pending brute-force updates, then flushes every sink that buffers. */
  flush(): Promise<void>;
  /** Hash of the last chained event (keep it elsewhere to detect truncation). */
  readonly lastHash: string | undefined;
  /**
   * Signs a checkpoint of the chain's head now (on shutdown, or from the application's own
   * timer), writes it to the sinks and hands it to `onCheckpoint`. Resolves to undefined
   * when checkpoints are off, nothing new was chained, or signing failed (counted in
   * `stats.sinkErrors`). Never rejects.
   */
  checkpoint(): Promise<AuditCheckpoint | undefined>;
  readonly stats: AuditLogStats;
}

/**
 * Longest string handed whole to the redactor (work per string is bounded). A longer one
 * is redacted by core's detectors over its first `REDACT_WINDOW` characters, and the last
 * `REDACT_TAIL` characters of that result are dropped: a secret cut by the window's edge is
 * not recognised, and every detector's match is shorter than the tail (PEM blocks, the
 * longest, stop at 16,384), so the unrecognised rest of such a secret never reaches the log.
 */
const REDACT_WINDOW = 65_536;
const REDACT_TAIL = 32_768;

/** A string longer than the redaction window: redacted, then the window's edge dropped. */
function redactLongText(redactor: Redactor, text: string): string {
  const redacted = redactor.redact(text.slice(0, REDACT_WINDOW));
  return `${redacted.slice(0, Math.max(0, redacted.length - REDACT_TAIL))}…[truncated]`;
}

const LEVEL_RANK: Record<AuditLevel, number> = { info: 0, warn: 1, critical: 2 };

// Defaults for application-recorded events.
const DEFAULT_LEVELS: Readonly<Record<string, AuditLevel>> = {
  authn_login_success: 'info',
  authn_login_fail: 'warn',
  authn_login_fail_max: 'critical',
  authn_login_lock: 'critical',
  authn_token_invalid: 'warn',
  authn_token_reuse: 'critical',
  authz_fail: 'warn',
  input_validation_fail: 'warn',
  excess_rate_limit_exceeded: 'warn',
  sys_rule_failed: 'critical',
};
const DENY_TYPES = new Set([
  'authn_login_fail',
  'authn_login_fail_max',
  'authn_login_lock',
  'authn_token_invalid',
  'authn_token_reuse',
  'authz_fail',
  'input_validation_fail',
  'excess_rate_limit_exceeded',
]);
const DEFAULT_FAILURE_TYPES = ['authn_login_fail', 'authn_token_invalid', 'authn_token_reuse'];
const SUCCESS_TYPE = 'authn_login_success';

/** URL path without query and fragment, found by a scan (no URL parse per event). */
function pathOf(url: string): string {
  const scheme = url.indexOf('://');
  const start = scheme === -1 ? 0 : url.indexOf('/', scheme + 3);
  if (start === -1) return '/';
  let end = url.length;
  for (let i = start; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 63 || c === 35) {
      end = i;
      break;
    }
  }
  return url.slice(start, end);
}

interface ClientInfo {
  readonly ip: string;
  readonly key: string;
}

interface EmitContext {
  readonly now: number;
  readonly timestamp: string;
  readonly client: ClientInfo | undefined;
}

/** The socket peer, canonical, grouped by /64 for IPv6 (the shield's default grouping). */
function clientFromAddress(address: string | undefined): ClientInfo | undefined {
  if (address === undefined || address === '') return undefined;
  const parsed = parseIpLoose(address);
  if (!parsed) return { ip: address, key: address };
  const plain = unmapIpv4(parsed);
  return {
    ip: formatIp({ version: plain.version, bytes: plain.bytes }),
    key: groupIp(plain, { ipv4Prefix: 32, ipv6Prefix: 64 }),
  };
}

function asSinkObject(sink: AuditSink): AuditSinkObject {
  if (typeof sink === 'function') return { write: sink };
  if (sink && typeof sink.write === 'function') return sink;
  throw new TypeError(
    'createAuditLog: each sink must be a function or have write(event); use createJsonLinesSink(process.stdout), createPinoSink(logger) or createBatchingSink({ send }).',
  );
}

/**
 * Creates the security audit log: every `protect()` decision becomes OWASP-vocabulary
 * events without the application writing a line, with details redacted, control
 * characters neutralised, optional sampling, client-address truncation or pseudonyms, a
 * tamper-evident hash chain and brute-force feeding.
 *
 * @example
 * ```ts
 * const audit = createAuditLog({ sink: createJsonLinesSink(process.stdout), app: 'chat-api', chain: true });
 * const security = createSecurity({ rules, onDecision: audit.onDecision });
 * // the app's own password login:
 * audit.record('authn_login_fail', { request, account: 'alice', details: { method: 'password' } });
 * ```
 * @throws TypeError/RangeError at construction on bad options (fix-it message).
 */
export function createAuditLog(options: AuditLogOptions): AuditLog {
  if (!options || options.sink === undefined || options.sink === null) {
    throw new TypeError(
      'createAuditLog: pass { sink }, e.g. createJsonLinesSink(process.stdout) or a function (event) => void.',
    );
  }
  const sinks = (Array.isArray(options.sink) ? options.sink : [options.sink]).map(asSinkObject);
  const clock = options.clock ?? Date.now;
  const random = options.random ?? Math.random;
  if (
    options.redact !== undefined &&
    options.redact !== false &&
    typeof options.redact !== 'function'
  ) {
    throw new TypeError(
      'createAuditLog: redact must be a function (details) => redactedDetails, or false.',
    );
  }
  const redact: AuditRedactor | undefined =
    options.redact === false ? undefined : (options.redact ?? createObjectRedactor());
  const mode = options.clientAddress ?? 'full';
  if (typeof mode !== 'function' && mode !== 'full' && mode !== 'truncate' && mode !== 'omit') {
    throw new TypeError(
      "createAuditLog: clientAddress is 'full', 'truncate', 'omit' or a function.",
    );
  }
  const resolveClient = options.resolveClientIp;
  const clientOfRequest = (request: SecurityRequest | undefined): ClientInfo | undefined => {
    if (!request) return undefined;
    if (!resolveClient) return clientFromAddress(request.ip);
    try {
      return resolveClient(request);
    } catch {
      return undefined;
    }
  };
  const resolve = createAuditEventResolver(
    mergeAuditEventMap(DEFAULT_AUDIT_EVENT_MAP, options.events),
  );
  const sample = new Map<string, number>();
  for (const [type, rate] of Object.entries(options.sample ?? {})) {
    if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) {
      throw new RangeError(`createAuditLog: sample.${type} must be a number from 0 to 1.`);
    }
    sample.set(type, rate);
  }
  const minRank = LEVEL_RANK[options.minLevel ?? 'info'];
  if (minRank === undefined) {
    throw new TypeError("createAuditLog: minLevel is 'info', 'warn' or 'critical'.");
  }
  const limits: LogValueLimits = {
    maxDepth: options.limits?.maxDepth ?? 6,
    maxKeys: options.limits?.maxKeys ?? 50,
    maxStringLength: options.limits?.maxStringLength ?? 1024,
  };
  const app = options.app === undefined ? undefined : neutralizeLogText(options.app, 128);
  const chained = options.chain !== undefined && options.chain !== false;
  const chainOptions: AuditChainOptions =
    typeof options.chain === 'object' && options.chain !== null ? options.chain : {};
  let prev = chainOptions.startAfter ?? AUDIT_CHAIN_GENESIS;
  let seq = chainOptions.startSeq ?? 0;
  if (
    chained &&
    (typeof prev !== 'string' ||
      !Number.isInteger(seq) ||
      seq < 0 ||
      (chainOptions.startAfter === undefined) !== (chainOptions.startSeq === undefined))
  ) {
    throw new TypeError(
      'createAuditLog: chain is true, or { key?, checkpoints?, startAfter: <last hash>, startSeq: <next seq> } (startAfter and startSeq together) to continue a chain.',
    );
  }
  const chainKey =
    chainOptions.key === undefined
      ? undefined
      : importAuditChainKey(chainOptions.key, 'createAuditLog');
  const checkpointer =
    chainOptions.checkpoints === undefined
      ? undefined
      : createCheckpointer(chainOptions.checkpoints, 'createAuditLog');
  let lastHash: string | undefined;
  const tracker = options.bruteForce;
  if (tracker !== undefined && typeof tracker.recordFailure !== 'function') {
    throw new TypeError(
      'createAuditLog: bruteForce needs recordFailure(key, now), e.g. a shield ban manager.',
    );
  }
  const failureTypes = new Set<string>(options.failureTypes ?? DEFAULT_FAILURE_TYPES);

  // Formatting a date is a large share of an event's cost; requests in the same
  // millisecond share the text.
  let lastNow = Number.NaN;
  let lastIso = '';
  const isoTime = (now: number): string => {
    if (now !== lastNow) {
      lastNow = now;
      lastIso = new Date(now).toISOString();
    }
    return lastIso;
  };

  let emitted = 0;
  let sampledOut = 0;
  let sinkErrors = 0;
  const onSinkError = () => {
    sinkErrors++;
  };
  const pending = new Set<Promise<void>>();

  function clientOf(address: string | undefined): string | null {
    if (address === undefined || address === '' || mode === 'omit') return null;
    if (mode === 'full') return neutralizeLogText(address, 128);
    if (mode === 'truncate') return truncateClientAddress(address);
    try {
      return neutralizeLogText(String(mode(address)), 128);
    } catch {
      return 'invalid';
    }
  }

  // Core's detectors, for strings longer than the redaction window (see redactLongText).
  let longTextRedactor: Redactor | undefined;
  const wholeText = (text: string): string => {
    if (text.length <= REDACT_WINDOW) return text;
    longTextRedactor ??= createRedactor();
    return redactLongText(longTextRedactor, text);
  };

  function detailsOf(
    details: Readonly<Record<string, unknown>> | undefined,
  ): Record<string, unknown> {
    if (details === undefined) return {};
    let value: unknown;
    if (redact) {
      // Redact first, then bound: a secret cut by the length bound is no longer recognised,
      // and what is left of it would be written out. The first copy bounds depth and key
      // count, summarises bytes and keeps strings whole (up to the redaction window); the
      // copy after the redactor neutralises and cuts, so neither the default nor a custom
      // redactor can bring control characters back or exceed the bounds.
      try {
        value = redact(toLogValue(details, limits, 0, wholeText) as Record<string, unknown>);
      } catch {
        return { redaction: 'failed' };
      }
      value = toLogValue(value, limits);
    } else value = toLogValue(details, limits);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : { value };
  }

  function feed(
    type: string,
    outcome: AuditOutcome,
    account: unknown,
    client: ClientInfo | undefined,
    now: number,
  ) {
    if (!tracker || outcome === 'dry_run') return;
    const isFailure = failureTypes.has(type);
    if (!isFailure && type !== SUCCESS_TYPE) return;
    const keys: string[] = [];
    if (typeof account === 'string' && account !== '') keys.push(`account:${account}`);
    if (client) keys.push(`ip:${client.key}`);
    for (const key of keys) {
      // A failure that crossed the threshold is reported now, not on the client's next
      // request (when the shield refuses it).
      const onStatus = (status: unknown) => {
        if (isFailure && (status as { started?: unknown } | undefined)?.started === true) {
          banStarted(key, status as { until?: unknown; level?: unknown }, client, now);
        }
      };
      try {
        const r = isFailure ? tracker.recordFailure(key, now) : tracker.recordSuccess?.(key, now);
        if (r instanceof Promise) {
          // Not awaited on the request path; flush() waits for these.
          const settled: Promise<void> = r.then(
            (status): void => {
              pending.delete(settled);
              onStatus(status);
            },
            (): void => {
              pending.delete(settled);
              sinkErrors++;
            },
          );
          pending.add(settled);
        } else onStatus(r);
      } catch {
        sinkErrors++;
      }
    }
  }

  /** The `authn_login_lock` event of a ban that just started (account or client). */
  function banStarted(
    key: string,
    status: { until?: unknown; level?: unknown },
    client: ClientInfo | undefined,
    now: number,
  ) {
    try {
      const type = 'authn_login_lock';
      const level = DEFAULT_LEVELS[type]!;
      if (!keep(type, level)) return;
      const isAccount = key.startsWith('account:');
      const until = typeof status.until === 'number' ? status.until : Number.NaN;
      write(
        {
          timestamp: isoTime(now),
          type,
          level,
          ...(app === undefined ? {} : { app }),
          principal: null,
          client: isAccount ? null : clientOf(client?.ip),
          requestId: null,
          method: null,
          path: null,
          outcome: 'deny',
          details: detailsOf({
            scope: isAccount ? 'account' : 'client',
            ...(isAccount ? { account: key.slice('account:'.length) } : {}),
            until: Number.isFinite(until) ? new Date(until).toISOString() : null,
            banLevel: typeof status.level === 'number' ? status.level : null,
          }),
        },
        now,
      );
    } catch {
      // Logging must never change the outcome.
    }
  }

  // Checkpoints: events chained since the last one, and when it was taken.
  let sinceCheckpoint = 0;
  let lastCheckpointAt: number | undefined;
  let previousCheckpoint: Promise<void> = Promise.resolve();
  function writeToSinks(record: SecurityEvent) {
    for (const sink of sinks) {
      try {
        const r = sink.write(record);
        if (r instanceof Promise) r.catch(onSinkError);
      } catch {
        sinkErrors++;
      }
    }
  }
  function issueCheckpoint(now: number): Promise<AuditCheckpoint | undefined> {
    if (!checkpointer || lastHash === undefined) return Promise.resolve(undefined);
    sinceCheckpoint = 0;
    lastCheckpointAt = now;
    const onCheckpoint = checkpointer.onCheckpoint;
    const head = { seq: seq - 1, hash: lastHash, timestamp: isoTime(now) };
    // Signed one after another, so checkpoints reach the sinks in chain order.
    const signed = previousCheckpoint.then(() => checkpointer.sign(head));
    const settled = signed.then(
      (checkpoint) => {
        pending.delete(done);
        if (!checkpoint) return undefined;
        // A checkpoint is a record of the log beside the events (type audit_checkpoint).
        writeToSinks(checkpoint as unknown as SecurityEvent);
        try {
          const r = onCheckpoint?.(checkpoint);
          if (r instanceof Promise) r.catch(onSinkError);
        } catch {
          sinkErrors++;
        }
        return checkpoint;
      },
      () => {
        pending.delete(done);
        sinkErrors++;
        return undefined;
      },
    );
    const done: Promise<void> = settled.then(() => undefined);
    pending.add(done);
    previousCheckpoint = done;
    return settled;
  }

  function write(event: SecurityEvent, now: number): SecurityEvent {
    let out = event;
    if (chained) {
      // One literal with the keys in sorted order: the JSON text is already canonical
      // (undefined members are left out by JSON.stringify, as by the verifier), and a
      // fixed-shape object is cheap to build and to copy.
      const linked = {
        app: event.app,
        chain: chainKey ? AUDIT_CHAIN_KEYED : undefined,
        client: event.client,
        code: event.code,
        details: toCanonical(event.details) as SecurityEvent['details'],
        level: event.level,
        method: event.method,
        outcome: event.outcome,
        path: event.path,
        prev,
        principal: event.principal,
        requestId: event.requestId,
        rule: event.rule,
        seq,
        status: event.status,
        timestamp: event.timestamp,
        type: event.type,
      };
      const text = JSON.stringify(linked);
      // Keyed: HMAC-SHA-256 of the text's SHA-256 (two compressions from the prepared pad
      // states on top of the unkeyed cost; forging needs the key or a SHA-256 collision).
      const h = chainKey ? chainKey(hashHex('sha256', text)) : hashHex('sha256', text);
      out = { ...linked, hash: h };
      prev = h;
      lastHash = h;
      seq++;
    }
    emitted++;
    writeToSinks(out);
    if (checkpointer) {
      sinceCheckpoint++;
      lastCheckpointAt ??= now;
      if (
        sinceCheckpoint >= checkpointer.everyEvents ||
        now - lastCheckpointAt >= checkpointer.everyMs
      ) {
        void issueCheckpoint(now);
      }
    }
    return out;
  }

  function keep(type: string, level: AuditLevel): boolean {
    if (LEVEL_RANK[level] < minRank) return false;
    const rate = sample.get(type);
    if (rate !== undefined && !(random() < rate)) {
      sampledOut++;
      return false;
    }
    return true;
  }

  function emitResult(
    result: RuleResult,
    decision: Decision,
    request: SecurityRequest,
    context: () => EmitContext,
  ): void {
    const mapping = resolve(result);
    if (!mapping) return;
    const { now, timestamp, client } = context();
    const outcome: AuditOutcome =
      result.conclusion === 'error'
        ? 'error'
        : result.conclusion === 'deny'
          ? result.dryRun
            ? 'dry_run'
            : 'deny'
          : 'allow';
    const principalId = decision.principal?.id;
    const account =
      mapping.type === SUCCESS_TYPE
        ? principalId
        : (result.details?.account ?? result.details?.subject);
    feed(mapping.type, outcome, account, client, now);
    if (!keep(mapping.type, mapping.level)) return;
    write(
      {
        timestamp,
        type: mapping.type,
        level: mapping.level,
        ...(app === undefined ? {} : { app }),
        principal: principalId === undefined ? null : neutralizeLogText(principalId, 256),
        client: clientOf(client?.ip),
        requestId:
          request.requestId === undefined ? null : neutralizeLogText(request.requestId, 128),
        method: neutralizeLogText(String(request.method), 16),
        path: neutralizeLogText(pathOf(String(request.url)), 512),
        outcome,
        rule: neutralizeLogText(result.rule, 64),
        code: neutralizeLogText(result.code, 64),
        ...(result.status === undefined ? {} : { status: result.status }),
        details: detailsOf(result.details),
      },
      now,
    );
  }

  const onDecision: DecisionListener = (decision, request) => {
    try {
      // Clock, timestamp and client address only once a result maps to an event: most
      // allowed requests produce none and pay only the map lookups.
      let ctx: EmitContext | undefined;
      const context = (): EmitContext => {
        if (!ctx) {
          const now = clock();
          ctx = { now, timestamp: isoTime(now), client: clientOfRequest(request) };
        }
        return ctx;
      };
      const results = decision.results;
      for (const result of results) emitResult(result, decision, request, context);
      // A refusal by protect() itself (an unparsable URL) has no rule result of its own.
      const last = results[results.length - 1];
      if (
        !decision.allowed &&
        (!last || last.code !== decision.code || last.dryRun || last.conclusion === 'allow')
      ) {
        emitResult(
          {
            rule: 'protect',
            conclusion: 'deny',
            code: decision.code,
            dryRun: false,
            status: decision.status,
          },
          decision,
          request,
          context,
        );
      }
    } catch {
      // Logging must never change the outcome.
    }
  };

  function record(
    type: SecurityEventType,
    input: AuditRecordInput = {},
  ): SecurityEvent | undefined {
    try {
      const now = clock();
      const level = input.level ?? DEFAULT_LEVELS[type] ?? 'info';
      const outcome = input.outcome ?? (DENY_TYPES.has(type) ? 'deny' : 'allow');
      const request = input.request;
      const client =
        input.client !== undefined ? clientFromAddress(input.client) : clientOfRequest(request);
      feed(type, outcome, input.account ?? input.principal, client, now);
      if (!keep(type, level)) return undefined;
      return write(
        {
          timestamp: isoTime(now),
          type: neutralizeLogText(type, 64),
          level,
          ...(app === undefined ? {} : { app }),
          principal: input.principal === undefined ? null : neutralizeLogText(input.principal, 256),
          client: clientOf(client?.ip),
          requestId:
            request?.requestId === undefined ? null : neutralizeLogText(request.requestId, 128),
          method: request ? neutralizeLogText(String(request.method), 16) : null,
          path: request ? neutralizeLogText(pathOf(String(request.url)), 512) : null,
          outcome,
          details: detailsOf(input.details),
        },
        now,
      );
    } catch {
      return undefined;
    }
  }

  return {
    onDecision,
    record,
    async flush() {
      await Promise.all([...pending]);
      for (const sink of sinks) {
        try {
          await sink.flush?.();
        } catch {
          sinkErrors++;
        }
      }
    },
    get lastHash() {
      return lastHash;
    },
    checkpoint() {
      if (!checkpointer || sinceCheckpoint === 0) return Promise.resolve(undefined);
      try {
        return issueCheckpoint(clock());
      } catch {
        return Promise.resolve(undefined);
      }
    },
    get stats() {
      return { emitted, sampledOut, sinkErrors };
    },
  };
}
