import { decodeUtf8 } from '../internal/bytes.js';
import { fail, ok, type Result } from '../internal/result.js';

/** Why a body was refused. */
export type BodyLimitErrorCode =
  | 'BODY_TOO_LARGE'
  | 'BODY_TOO_DEEP'
  | 'BODY_NOT_UTF8'
  | 'BODY_INVALID_JSON';

/** Limits on a JSON request body. */
export interface JsonBodyLimits {
  /** Largest body in bytes. Default 1 MiB. */
  readonly maxBytes?: number | undefined;
  /** Deepest nesting of arrays/objects. Default 32. */
  readonly maxDepth?: number | undefined;
}

const DEFAULT_MAX_BYTES = 1_048_576;
const DEFAULT_MAX_DEPTH = 32;

/** Validates limits once; throws on nonsense so the mistake shows at startup. */
export function resolveJsonLimits(limits: JsonBodyLimits = {}): {
  maxBytes: number;
  maxDepth: number;
} {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (!Number.isInteger(maxBytes) || maxBytes < 1) {
    throw new TypeError('json limits: maxBytes must be a positive integer (bytes)');
  }
  if (!Number.isInteger(maxDepth) || maxDepth < 1 || maxDepth > 1000) {
    throw new TypeError('json limits: maxDepth must be an integer between 1 and 1000');
  }
  return { maxBytes, maxDepth };
}

/**
 * A depth counter over raw JSON bytes that can be fed chunk by chunk, so a too-deep body is
 * refused before it is buffered or parsed (JSON.parse recursion is where deep bodies hurt).
 * Strings are tracked so brackets inside them do not count.
 */
export interface JsonDepthScanner {
  /** Feeds bytes; returns false as soon as the depth limit is passed. */
  push(bytes: Uint8Array): boolean;
}

/**
 * Creates a {@link JsonDepthScanner}.
 *
 * @example
 * ```ts
 * const scan = createJsonDepthScanner(2);
 * scan.push(new TextEncoder().encode('[[[1]]]')); // false
 * ```
 */
export function createJsonDepthScanner(maxDepth: number): JsonDepthScanner {
  let depth = 0;
  let inString = false;
  let escaped = false;
  return {
    push(bytes) {
      for (let i = 0; i < bytes.length; i++) {
        const b = bytes[i]!;
        if (inString) {
          if (escaped) escaped = false;
          else if (b === 92) escaped = true;
          else if (b === 34) inString = false;
          continue;
        }
        if (b === 34) inString = true;
        else if (b === 91 || b === 123) {
          if (++depth > maxDepth) return false;
        } else if (b === 93 || b === 125) depth--;
      }
      return true;
    },
  };
}

/**
 * Reads a body stream up to `maxBytes`, checking JSON depth as bytes arrive; stops reading
 * (and cancels the stream) the moment a limit is passed.
 *
 * @returns `ok(bytes)` or `fail('BODY_TOO_LARGE' | 'BODY_TOO_DEEP')`.
 * @example
 * ```ts
 * const r = await readJsonBodyWithLimits(request.body!, { maxBytes: 65536, maxDepth: 16 });
 * ```
 */
export async function readJsonBodyWithLimits(
  body: ReadableStream<Uint8Array>,
  limits: JsonBodyLimits = {},
): Promise<Result<Uint8Array, BodyLimitErrorCode>> {
  const { maxBytes, maxDepth } = resolveJsonLimits(limits);
  const scanner = createJsonDepthScanner(maxDepth);
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel();
      return fail('BODY_TOO_LARGE', 'The request body is too large.');
    }
    if (!scanner.push(value)) {
      await reader.cancel();
      return fail('BODY_TOO_DEEP', 'The request body is nested too deeply.');
    }
    parts.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return ok(out);
}

/**
 * Parses JSON bytes after checking size and depth (so JSON.parse never sees a hostile body).
 *
 * @returns `ok(value)` or `fail(code)`; codes: {@link BodyLimitErrorCode}.
 * @example
 * ```ts
 * parseJsonWithLimits(new TextEncoder().encode('{"a":1}')); // { ok: true, value: { a: 1 } }
 * ```
 */
export function parseJsonWithLimits(
  bytes: Uint8Array,
  limits: JsonBodyLimits = {},
): Result<unknown, BodyLimitErrorCode> {
  const { maxBytes, maxDepth } = resolveJsonLimits(limits);
  if (!(bytes instanceof Uint8Array)) {
    return fail('BODY_INVALID_JSON', 'The request body is not bytes.');
  }
  if (bytes.length > maxBytes) return fail('BODY_TOO_LARGE', 'The request body is too large.');
  if (!createJsonDepthScanner(maxDepth).push(bytes)) {
    return fail('BODY_TOO_DEEP', 'The request body is nested too deeply.');
  }
  const text = decodeUtf8(bytes);
  if (text === undefined) return fail('BODY_NOT_UTF8', 'The request body is not valid UTF-8.');
  try {
    return ok(JSON.parse(text) as unknown);
  } catch {
    return fail('BODY_INVALID_JSON', 'The request body is not valid JSON.');
  }
}
