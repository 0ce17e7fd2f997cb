import { decodeUtf8 } from '../internal/bytes.js';
import type { Rule } from '../protect/types.js';
import { detect } from '../redact/detect.js';
import { createRedactor, type RedactOptions } from '../redact/redact.js';
import type { ContentFilter } from './content-filter.js';

/** Options of {@link blockPii}. */
export interface PiiInputRuleOptions extends RedactOptions {
  /** `block` denies with 422 `PII_IN_INPUT`; `redact` allows and publishes `state.redactedBody`. */
  readonly mode: 'block' | 'redact';
  readonly dryRun?: boolean | undefined;
}

/**
 * A protect rule over the request body: block it when it carries personal data or secrets,
 * or let it through with a redacted copy in `decision.state.redactedBody` for the handler to
 * forward to the model instead. The denial names the types found, never the values.
 *
 * @example
 * ```ts
 * createSecurity({ rules: [blockPii({ mode: 'redact', types: ['CREDIT_CARD', 'US_SSN'] })] });
 * ```
 */
export function blockPii(options: PiiInputRuleOptions): Rule {
  if (!options || (options.mode !== 'block' && options.mode !== 'redact')) {
    throw new TypeError("blockPii: set mode to 'block' or 'redact'");
  }
  const redactor = createRedactor(options);
  const types = options.types;
  return {
    name: 'blockPii',
    dryRun: options.dryRun,
    async evaluate(ctx) {
      if (ctx.request.body === undefined) return { conclusion: 'skip', code: 'NO_BODY' };
      const text = decodeUtf8(await ctx.request.body());
      if (text === undefined) {
        return {
          conclusion: 'deny',
          status: 400,
          code: 'BODY_NOT_UTF8',
          message: 'The request body is not valid UTF-8.',
        };
      }
      const found = detect(text, { types });
      if (found.length === 0) return { conclusion: 'allow', code: 'NO_PII' };
      const kinds = [...new Set(found.map((e) => e.type))];
      if (options.mode === 'redact') {
        ctx.state.redactedBody = redactor.redact(text);
        return { conclusion: 'allow', code: 'PII_REDACTED', details: { types: kinds } };
      }
      return {
        conclusion: 'deny',
        status: 422,
        code: 'PII_IN_INPUT',
        message: `The request contains personal data or secrets (${kinds.join(', ')}); remove them and retry.`,
        details: { types: kinds },
      };
    },
  };
}

/** Options of {@link filterContent}. */
export interface ContentFilterRuleOptions {
  readonly filter: ContentFilter;
  /** The text to check. Default: the whole body as UTF-8. */
  readonly text?: ((body: string) => string) | undefined;
  readonly dryRun?: boolean | undefined;
}

/**
 * A protect rule running a content filter over the request body: 422 `CONTENT_BLOCKED` when
 * the filter blocks (including a failed provider with `onProviderError: 'block'`); the decision
 * code is kept in `details.filterCode` so fail-open and fail-closed are both visible in logs.
 *
 * @example
 * ```ts
 * filterContent({ filter, text: (body) => JSON.parse(body).content });
 * ```
 */
export function filterContent(options: ContentFilterRuleOptions): Rule {
  if (!options || typeof options.filter?.check !== 'function') {
    throw new TypeError('filterContent: pass { filter } from createContentFilter()');
  }
  const pick = options.text ?? ((b: string) => b);
  return {
    name: 'filterContent',
    dryRun: options.dryRun,
    async evaluate(ctx) {
      if (ctx.request.body === undefined) return { conclusion: 'skip', code: 'NO_BODY' };
      const body = decodeUtf8(await ctx.request.body());
      if (body === undefined) {
        return {
          conclusion: 'deny',
          status: 400,
          code: 'BODY_NOT_UTF8',
          message: 'The request body is not valid UTF-8.',
        };
      }
      const d = await options.filter.check(pick(body));
      const details = { filterCode: d.code, provider: d.provider.status, categories: d.categories };
      if (d.allowed) return { conclusion: 'allow', code: d.code, details };
      return {
        conclusion: 'deny',
        status: 422,
        code: 'CONTENT_BLOCKED',
        message: 'The content was blocked by the content filter.',
        details,
      };
    },
  };
}
