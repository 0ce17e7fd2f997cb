import * as v from 'valibot';
import { numberOption } from '../internal/options.js';
import { fail, ok, type Result } from '../internal/result.js';

/** Bounds on free-form metadata (and tool-call arguments). */
export interface MetadataLimits {
  /** Deepest nesting. Default 4. */
  readonly maxDepth?: number | undefined;
  /** Most keys in any one object (and items in any one array). Default 32. */
  readonly maxKeys?: number | undefined;
  /** Longest string value or key. Default 1,000. */
  readonly maxStringLength?: number | undefined;
  /** Largest total size, counted as JSON characters. Default 8,192. */
  readonly maxTotalSize?: number | undefined;
}

/** Why a metadata value or tool arguments were refused. */
export type MetadataErrorCode =
  | 'METADATA_TOO_DEEP'
  | 'METADATA_TOO_MANY_KEYS'
  | 'METADATA_STRING_TOO_LONG'
  | 'METADATA_TOO_LARGE'
  | 'METADATA_INVALID_VALUE';

// A NaN limit would make every bound check false (unbounded depth, size): refused.
const limit = (name: string, value: unknown, fallback: number) =>
  numberOption('metadata limits', name, value, fallback, { min: 0, integer: true });
type ResolvedLimits = ReturnType<typeof resolve>;
const resolve = (l: MetadataLimits = {}) => ({
  maxDepth: limit('maxDepth', l.maxDepth, 4),
  maxKeys: limit('maxKeys', l.maxKeys, 32),
  maxStringLength: limit('maxStringLength', l.maxStringLength, 1000),
  maxTotalSize: limit('maxTotalSize', l.maxTotalSize, 8192),
});

/**
 * Checks a JSON-like value against {@link MetadataLimits} without recursion limits of its own
 * being reachable (depth is checked before descending). Only plain JSON values are allowed.
 *
 * @returns `ok(value)` or `fail(code)`; codes: {@link MetadataErrorCode}.
 * @example
 * ```ts
 * checkMetadataBounds({ a: { b: 1 } }, { maxDepth: 1 }).ok; // false (METADATA_TOO_DEEP)
 * ```
 */
export function checkMetadataBounds(
  value: unknown,
  limits?: MetadataLimits,
): Result<unknown, MetadataErrorCode> {
  return checkBounds(value, resolve(limits));
}

function checkBounds(value: unknown, l: ResolvedLimits): Result<unknown, MetadataErrorCode> {
  let size = 0;
  const walk = (x: unknown, depth: number): MetadataErrorCode | undefined => {
    if (x === null || typeof x === 'boolean') {
      size += 5;
      return undefined;
    }
    if (typeof x === 'number') {
      size += 8;
      return Number.isFinite(x) ? undefined : 'METADATA_INVALID_VALUE';
    }
    if (typeof x === 'string') {
      size += x.length + 2;
      return x.length > l.maxStringLength ? 'METADATA_STRING_TOO_LONG' : undefined;
    }
    if (typeof x !== 'object') return 'METADATA_INVALID_VALUE';
    if (depth >= l.maxDepth) return 'METADATA_TOO_DEEP';
    if (Array.isArray(x)) {
      if (x.length > l.maxKeys) return 'METADATA_TOO_MANY_KEYS';
      size += 2;
      for (const item of x) {
        const e = walk(item, depth + 1);
        if (e) return e;
        if (size > l.maxTotalSize) return 'METADATA_TOO_LARGE';
      }
      return undefined;
    }
    const proto = Object.getPrototypeOf(x);
    if (proto !== Object.prototype && proto !== null) return 'METADATA_INVALID_VALUE';
    const keys = Object.keys(x);
    if (keys.length > l.maxKeys) return 'METADATA_TOO_MANY_KEYS';
    size += 2;
    for (const k of keys) {
      if (k.length > l.maxStringLength) return 'METADATA_STRING_TOO_LONG';
      size += k.length + 3;
      const e = walk((x as Record<string, unknown>)[k], depth + 1);
      if (e) return e;
      if (size > l.maxTotalSize) return 'METADATA_TOO_LARGE';
    }
    return undefined;
  };
  const code = walk(value, 0);
  if (code === undefined && size > l.maxTotalSize)
    return fail('METADATA_TOO_LARGE', MESSAGES.METADATA_TOO_LARGE);
  return code === undefined ? ok(value) : fail(code, MESSAGES[code]);
}

const MESSAGES: Record<MetadataErrorCode, string> = {
  METADATA_TOO_DEEP: 'The value is nested too deeply.',
  METADATA_TOO_MANY_KEYS: 'An object or array in the value has too many entries.',
  METADATA_STRING_TOO_LONG: 'A string in the value is too long.',
  METADATA_TOO_LARGE: 'The value is too large.',
  METADATA_INVALID_VALUE: 'The value is not plain JSON data.',
};

/** A valibot schema for bounded metadata (a plain object within {@link MetadataLimits}). */
export function metadataSchema(limits?: MetadataLimits) {
  // Resolved once, where the schema is built: bad limits throw here, not per request.
  const resolved = resolve(limits);
  return v.pipe(
    v.record(v.string(), v.unknown()),
    v.check((x) => checkBounds(x, resolved).ok, 'Metadata exceeds its bounds.'),
  );
}

/** Options of {@link createMessageSchema}. */
export interface MessageSchemaOptions {
  /** Shortest content in characters. Default 1. */
  readonly minLength?: number | undefined;
  /** Longest content in characters. Default 10,000. */
  readonly maxLength?: number | undefined;
  /** Allowed message types. Default `['text', 'image', 'document']`. */
  readonly types?: readonly string[] | undefined;
  readonly metadata?: MetadataLimits | undefined;
}

/**
 * A valibot schema for an agent message `{ content, type, metadata? }`: structure and bounds,
 * never keywords (a message saying "select * from users; drop table" is valid text).
 *
 * @example
 * ```ts
 * const schema = createMessageSchema({ maxLength: 4000 });
 * v.safeParse(schema, { content: 'hi', type: 'text' }).success; // true
 * ```
 */
export function createMessageSchema(options: MessageSchemaOptions = {}) {
  const min = options.minLength ?? 1;
  const max = options.maxLength ?? 10_000;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max < min) {
    throw new TypeError(
      'createMessageSchema: minLength/maxLength must be integers, 0 <= min <= max',
    );
  }
  const types = options.types ?? ['text', 'image', 'document'];
  if (types.length === 0) throw new TypeError('createMessageSchema: types must not be empty');
  return v.strictObject({
    content: v.pipe(v.string(), v.minLength(min), v.maxLength(max)),
    type: v.picklist(types as [string, ...string[]]),
    metadata: v.optional(metadataSchema(options.metadata)),
  });
}

/** The default message schema (1..10,000 characters; text | image | document). */
export const agentMessageSchema = createMessageSchema();

/** Output of {@link agentMessageSchema}. */
export type AgentMessage = v.InferOutput<typeof agentMessageSchema>;

/** Why tool-call arguments were refused. */
export type ToolArgumentsErrorCode = MetadataErrorCode | 'TOOL_ARGUMENTS_INVALID';

/**
 * Guards the arguments a model proposes for a tool call: bounds first (so a hostile payload is
 * refused before the schema walks it), then the tool's own valibot schema.
 *
 * @returns `ok(parsed)` or `fail(code)`; codes: {@link ToolArgumentsErrorCode}.
 * @example
 * ```ts
 * const args = v.object({ city: v.pipe(v.string(), v.maxLength(100)) });
 * checkToolArguments({ city: 'Oslo' }, args).ok; // true
 * ```
 */
export function checkToolArguments<S extends v.GenericSchema>(
  args: unknown,
  schema: S,
  limits?: MetadataLimits,
): Result<v.InferOutput<S>, ToolArgumentsErrorCode> {
  const bounded = checkMetadataBounds(
    args,
    limits ?? { maxDepth: 8, maxKeys: 64, maxStringLength: 10_000, maxTotalSize: 65_536 },
  );
  if (!bounded.ok) return bounded;
  const parsed = v.safeParse(schema, args);
  if (!parsed.success) {
    return fail('TOOL_ARGUMENTS_INVALID', 'The tool arguments do not match the tool schema.');
  }
  return ok(parsed.output);
}
