import * as v from 'valibot';
import type { Rule } from '../protect/types.js';
import { type JsonBodyLimits, parseJsonWithLimits, resolveJsonLimits } from './json-limits.js';
import { compileMediaTypes } from './media-type.js';

const JSON_MEDIA_TYPES = ['application/json', 'application/*+json'];

/** Options of {@link validateBody}. */
export interface ValidateBodyOptions<S extends v.GenericSchema> extends JsonBodyLimits {
  /** The schema the parsed JSON body must satisfy. */
  readonly schema: S;
  /**
   * Media types the body may be sent as. Default `['application/json', 'application/*+json']`
   * (a `charset`, if given, must be utf-8). A body sent as `text/plain` or a form type, or
   * without Content-Type, is denied with 415 `UNSUPPORTED_MEDIA_TYPE`: those are the
   * shapes a foreign page can post without a CORS preflight. `false` accepts any Content-Type
   * (only behind CSRF protection, for clients that cannot set the header).
   */
  readonly contentTypes?: readonly string[] | false | undefined;
  /** Decide and report, but never block. */
  readonly dryRun?: boolean | undefined;
}

/**
 * A protect rule: parses the JSON body within byte and depth limits and validates it against a
 * valibot schema. The parsed value is published as `state.body`. Denials: 415
 * `UNSUPPORTED_MEDIA_TYPE` (not a JSON Content-Type, see `contentTypes`), 413
 * `BODY_TOO_LARGE`, 400 `BODY_TOO_DEEP` / `BODY_NOT_UTF8` / `BODY_INVALID_JSON` /
 * `BODY_SCHEMA_INVALID` / `BODY_MISSING`.
 *
 * @throws TypeError at construction without a schema or with a malformed `contentTypes`.
 *
 * @example
 * ```ts
 * createSecurity({ rules: [validateBody({ schema: agentMessageSchema, maxBytes: 65536 })] });
 * ```
 */
export function validateBody<S extends v.GenericSchema>(options: ValidateBodyOptions<S>): Rule {
  if (!options || typeof options.schema !== 'object') {
    throw new TypeError(
      'validateBody: pass { schema }, a valibot schema such as agentMessageSchema',
    );
  }
  const limits = resolveJsonLimits(options);
  const schema = options.schema;
  const mediaTypes =
    options.contentTypes === false
      ? undefined
      : compileMediaTypes(options.contentTypes ?? JSON_MEDIA_TYPES, 'validateBody: contentTypes');
  return {
    name: 'validateBody',
    dryRun: options.dryRun,
    async evaluate(ctx) {
      if (ctx.request.body === undefined) {
        return {
          conclusion: 'deny',
          status: 400,
          code: 'BODY_MISSING',
          message: 'A request body is required.',
        };
      }
      if (mediaTypes && !mediaTypes.accepts(ctx.request.headers.get('content-type'))) {
        return {
          conclusion: 'deny',
          status: 415,
          code: 'UNSUPPORTED_MEDIA_TYPE',
          message: 'The request body has an unsupported Content-Type.',
        };
      }
      const bytes = await ctx.request.body();
      const parsed = parseJsonWithLimits(bytes, limits);
      if (!parsed.ok) {
        const status = parsed.error.code === 'BODY_TOO_LARGE' ? 413 : 400;
        return {
          conclusion: 'deny',
          status,
          code: parsed.error.code,
          message: parsed.error.message,
        };
      }
      const result = v.safeParse(schema, parsed.value);
      if (!result.success) {
        // Paths only, never the offending values (they may hold secrets).
        const paths = result.issues.slice(0, 10).map((i) => v.getDotPath(i) ?? '');
        return {
          conclusion: 'deny',
          status: 400,
          code: 'BODY_SCHEMA_INVALID',
          message: 'The request body does not match the expected shape.',
          details: { paths },
        };
      }
      ctx.state.body = result.output;
      return { conclusion: 'allow', code: 'BODY_VALID' };
    },
  };
}
