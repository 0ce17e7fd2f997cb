import { hashHex } from '#hash';
import { timingSafeEqualString } from '../internal/constant-time.js';
import { prepareDigestHmac } from '../internal/hmac-digest.js';
import type { SecurityEvent } from './types.js';

/**
 * `chain` field of an event in a keyed chain: its `hash` is HMAC-SHA-256 under a key the
 * log writer holds, not a plain SHA-256. Events without the field are the unkeyed format.
 */
export const AUDIT_CHAIN_KEYED = 'hmac-sha256' as const;

/** Shortest key accepted for a keyed chain. */
export const AUDIT_CHAIN_KEY_MIN_BYTES = 32;

/** A keyed chain's MAC, prepared: hex HMAC-SHA-256 of a SHA-256 digest (given in hex). */
export type AuditChainMac = (digestHex: string) => string;

/** Prepares the HMAC key of a keyed chain; throws a fix-it message on a bad key. */
export function importAuditChainKey(key: unknown, where: string): AuditChainMac {
  if (!(key instanceof Uint8Array) || key.length < AUDIT_CHAIN_KEY_MIN_BYTES) {
    throw new TypeError(
      `${where}: the chain key must be a Uint8Array of at least ${AUDIT_CHAIN_KEY_MIN_BYTES} random bytes (crypto.getRandomValues(new Uint8Array(32))), kept where the log cannot be written from.`,
    );
  }
  return prepareDigestHmac(key);
}

/** `prev` of the first event of a chain: 64 zeros. */
export const AUDIT_CHAIN_GENESIS = '0'.repeat(64);

function isSorted(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return false;
  return true;
}

/**
 * The value with object keys in sorted order at every level (undefined members dropped),
 * so the same event hashes the same after a round trip through any JSON writer and parser.
 * Returns the value itself when it already is (the audit log builds chained events that
 * way), so the common case costs a scan and no copy.
 */
export function toCanonical(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = toCanonical(value[i]);
      if (v !== value[i] && !copy) copy = value.slice(0, i);
      if (copy) copy.push(v);
    }
    return copy ?? value;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  let changed = !isSorted(keys);
  let values: unknown[] | undefined;
  for (let i = 0; i < keys.length; i++) {
    const v = obj[keys[i]!];
    const c = v === undefined ? undefined : toCanonical(v);
    if (c !== v || v === undefined) changed = true;
    if (changed && !values) {
      values = new Array(keys.length);
      for (let j = 0; j < i; j++) values[j] = obj[keys[j]!];
    }
    if (values) values[i] = c;
  }
  if (!changed || !values) return value;
  const byKey = new Map<string, unknown>();
  for (let i = 0; i < keys.length; i++) byKey.set(keys[i]!, values[i]);
  const out: Record<string, unknown> = {};
  for (const k of keys.sort()) {
    const v = byKey.get(k);
    if (v === undefined) continue;
    // A "__proto__" key must stay data, not set the copy's prototype.
    if (k === '__proto__') {
      Object.defineProperty(out, k, {
        value: v,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else out[k] = v;
  }
  return out;
}

/** JSON with object keys sorted at every level: the text an event's hash is taken over. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(toCanonical(value)) ?? 'null';
}

/**
 * Hex SHA-256 of an event: the canonical JSON of every field except `hash` (so `prev`
 * and `seq` are covered, which is what links the chain). With a key (keyed chain, at
 * least 32 bytes), the hex HMAC-SHA-256 under the key of that text's SHA-256 digest.
 *
 * @example
 * ```ts
 * const h = hashAuditEvent(event); // 'e3b0c4…'
 * ```
 */
export function hashAuditEvent(event: SecurityEvent, key?: Uint8Array): string {
  return hashEvent(
    event,
    key === undefined ? undefined : importAuditChainKey(key, 'hashAuditEvent'),
  );
}

function hashEvent(event: SecurityEvent, key: AuditChainMac | undefined): string {
  const { hash: _ignored, ...rest } = event;
  const text = canonicalJson(rest);
  return key ? key(hashHex('sha256', text)) : hashHex('sha256', text);
}

/**
 * Why a chain does not verify:
 * - `AUDIT_EVENT_UNCHAINED`: an event has no `seq`, `prev` or `hash` (logged without `chain`).
 * - `AUDIT_EVENT_ALTERED`: an event's content no longer matches its own hash (edited).
 * - `AUDIT_CHAIN_BROKEN`: an event's `prev` is not the previous event's hash, or `seq`
 *   skips: an event was removed, inserted or reordered (or edited and re-hashed).
 * - `AUDIT_CHAIN_TRUNCATED`: the last hash is not the anchor the caller kept.
 * - `AUDIT_EVENT_UNKEYED`: a key was given but an event is not in the keyed format (an
 *   intruder rewrote the log as an unkeyed chain, which needs no key).
 * - `AUDIT_KEY_MISSING`: an event is keyed and no key was given to check it.
 * - `AUDIT_CHAIN_UNSUPPORTED`: an event names a chain format this version does not know.
 */
export type AuditChainErrorCode =
  | 'AUDIT_EVENT_UNKEYED'
  | 'AUDIT_KEY_MISSING'
  | 'AUDIT_CHAIN_UNSUPPORTED'
  | 'AUDIT_EVENT_UNCHAINED'
  | 'AUDIT_EVENT_ALTERED'
  | 'AUDIT_CHAIN_BROKEN'
  | 'AUDIT_CHAIN_TRUNCATED';

/** Result of {@link verifyAuditChain}. */
export type AuditChainResult =
  | { readonly ok: true; readonly value: { readonly count: number; readonly lastHash: string } }
  | {
      readonly ok: false;
      readonly error: {
        readonly code: AuditChainErrorCode;
        readonly message: string;
        /** Index (in the array given) of the first event found wrong. */
        readonly index: number;
      };
    };

/** Options of {@link verifyAuditChain}. */
export interface VerifyAuditChainOptions {
  /**
   * `prev` expected on the first event. Default {@link AUDIT_CHAIN_GENESIS} (a log from
   * its start); pass the last verified hash to check a later segment.
   */
  readonly startAfter?: string | undefined;
  /** `seq` expected on the first event. Default 0, or unchecked when `startAfter` is given. */
  readonly startSeq?: number | undefined;
  /**
   * Hash of the last event, kept elsewhere (`auditLog.lastHash`, written to another
   * system). Without it, removing events from the end cannot be seen.
   */
  readonly lastHash?: string | undefined;
  /**
   * The keyed chain's key (the one given to `createAuditLog({ chain: { key } })`). When
   * given, every event must be keyed; without it, a keyed event fails with
   * `AUDIT_KEY_MISSING`.
   */
  readonly key?: Uint8Array | undefined;
}

const failChain = (
  code: AuditChainErrorCode,
  index: number,
  message: string,
): AuditChainResult => ({
  ok: false,
  error: { code, message, index },
});

/**
 * Checks a tamper-evident log: each event's hash matches its content, and each event's
 * `prev` is the hash of the event before it. Finds an edited, removed, inserted or
 * reordered event and says where. Never throws.
 *
 * @param events - Events in the order they were written (e.g. parsed JSON lines).
 * @returns `ok({ count, lastHash })`, or the first problem with its index; codes in
 *   {@link AuditChainErrorCode}.
 * @example
 * ```ts
 * const events = text.trim().split('\n').map((line) => JSON.parse(line));
 * const result = verifyAuditChain(events, { lastHash: anchoredHash });
 * if (!result.ok) console.error(result.error.code, 'at event', result.error.index);
 * ```
 */
export function verifyAuditChain(
  events: readonly SecurityEvent[],
  options: VerifyAuditChainOptions = {},
): AuditChainResult {
  // Entry guard: the events are untrusted (parsed from a file or a database), so anything
  // that is not an array is a refusal, not a TypeError.
  if (!Array.isArray(events)) {
    return failChain('AUDIT_EVENT_UNCHAINED', 0, 'The events are not an array of chained events.');
  }
  if (options === null || typeof options !== 'object') options = {};
  let prev = options.startAfter ?? AUDIT_CHAIN_GENESIS;
  let expectedSeq: number | undefined =
    options.startSeq ?? (options.startAfter === undefined ? 0 : undefined);
  let key: AuditChainMac | undefined;
  if (options.key !== undefined) {
    try {
      key = importAuditChainKey(options.key, 'verifyAuditChain');
    } catch {
      return failChain(
        'AUDIT_KEY_MISSING',
        0,
        `The chain key must be a Uint8Array of at least ${AUDIT_CHAIN_KEY_MIN_BYTES} bytes.`,
      );
    }
  }
  for (let i = 0; i < events.length; i++) {
    const event = events[i];
    if (
      !event ||
      typeof event.hash !== 'string' ||
      typeof event.prev !== 'string' ||
      typeof event.seq !== 'number'
    ) {
      return failChain('AUDIT_EVENT_UNCHAINED', i, `Event ${i} carries no seq/prev/hash.`);
    }
    const format = (event as { chain?: unknown }).chain;
    if (format !== undefined && format !== AUDIT_CHAIN_KEYED) {
      return failChain(
        'AUDIT_CHAIN_UNSUPPORTED',
        i,
        `Event ${i} uses a chain format this version does not know.`,
      );
    }
    if (key && format === undefined) {
      return failChain(
        'AUDIT_EVENT_UNKEYED',
        i,
        `Event ${i} is not keyed: the log was rewritten as an unkeyed chain, or the wrong log was given.`,
      );
    }
    if (!key && format !== undefined) {
      return failChain(
        'AUDIT_KEY_MISSING',
        i,
        `Event ${i} is keyed: pass the chain key to check it.`,
      );
    }
    const expected = hashEvent(event, key);
    if (key ? !timingSafeEqualString(expected, event.hash) : expected !== event.hash) {
      return failChain(
        'AUDIT_EVENT_ALTERED',
        i,
        `Event ${i} does not match its hash: it was edited.`,
      );
    }
    if (event.prev !== prev || (expectedSeq !== undefined && event.seq !== expectedSeq)) {
      return failChain(
        'AUDIT_CHAIN_BROKEN',
        i,
        `Event ${i} does not follow the one before it: events were removed, inserted or reordered before it.`,
      );
    }
    prev = event.hash;
    expectedSeq = event.seq + 1;
  }
  if (options.lastHash !== undefined && options.lastHash !== prev) {
    return failChain(
      'AUDIT_CHAIN_TRUNCATED',
      events.length,
      'The last event is not the anchored one: events were removed from the end.',
    );
  }
  return { ok: true, value: { count: events.length, lastHash: prev } };
}
