import { OUTAGE_CODES } from '../protect/outage-codes.js';
import type { Rule, RuleOutcome } from '../protect/types.js';
import {
  createLegacySignatureVerifier,
  type LegacySignatureOptions,
} from './verify-legacy-signature.js';
import { createRequestVerifier, type RequestVerifierOptions } from './verify-request.js';
import { createWebhookVerifier, type WebhookVerifierOptions } from './webhooks.js';

const EMPTY = new Uint8Array(0);

// A store or key lookup that could not answer is the server's fault: 503, not 401.
const deny = (error: { code: string; message: string }): RuleOutcome => ({
  conclusion: 'deny',
  status: OUTAGE_CODES.has(error.code) ? 503 : 401,
  code: error.code,
  message: error.message,
});

/** Options of {@link verifySignatureRule}. */
export interface VerifySignatureRuleOptions extends RequestVerifierOptions {
  readonly dryRun?: boolean | undefined;
}

/**
 * A protect rule that requires a valid HTTP Message Signature (RFC 9421) on the request,
 * reading the raw body through `ctx.request.body()` for Content-Digest. Denies with 401
 * and the {@link SignatureErrorCode} (503 when the nonce store or key lookup is down); on success publishes `decision.state.signature`
 * (`{ signatures, keyid }`).
 *
 * @param options - as for `createRequestVerifier`.
 * @returns a Rule named `signature`.
 * @throws TypeError on a bad key or option.
 * @example
 * ```ts
 * createSecurity({ rules: [verifySignatureRule({ keys: [{ keyid: 'partner-1', algorithm: 'hmac-sha256', secret }] })] });
 * ```
 */
export function verifySignatureRule(options: VerifySignatureRuleOptions): Rule {
  const verifier = createRequestVerifier(options);
  return {
    name: 'signature',
    dryRun: options.dryRun,
    async evaluate(ctx): Promise<RuleOutcome> {
      const r = await verifier.verify(
        {
          method: ctx.request.method,
          url: ctx.url,
          headers: ctx.request.headers,
          body: ctx.request.body ?? EMPTY,
        },
        { now: ctx.now },
      );
      if (!r.ok) return deny(r.error);
      ctx.state.signature = r.value;
      return { conclusion: 'allow', details: { keyid: r.value.keyid } };
    },
  };
}

/** Options of {@link verifyWebhookRule}. */
export interface VerifyWebhookRuleOptions extends WebhookVerifierOptions {
  /**
   * A redelivered message id: `'acknowledge'` (default) answers 200 without running the
   * handler, so the sender stops retrying; `'reject'` denies with 409.
   */
  readonly onDuplicate?: 'acknowledge' | 'reject' | undefined;
  readonly dryRun?: boolean | undefined;
}

/**
 * A protect rule for incoming Standard Webhooks: verifies the raw body (before any JSON
 * parsing by the application), the timestamp and the message id. Denies with 401 and the
 * {@link WebhookErrorCode}; on success publishes `decision.state.webhook`
 * (`{ id, timestamp, body, payload? }`).
 *
 * @param options - as for `createWebhookVerifier`, plus `onDuplicate`.
 * @returns a Rule named `webhook`.
 * @throws TypeError on a bad secret or option.
 * @example
 * ```ts
 * createSecurity({ rules: [verifyWebhookRule({ secret: env.WEBHOOK_SECRET!, parse: 'json' })] });
 * ```
 */
export function verifyWebhookRule(options: VerifyWebhookRuleOptions): Rule {
  const verifier = createWebhookVerifier(options);
  const acknowledge = options.onDuplicate !== 'reject';
  if (
    options.onDuplicate !== undefined &&
    options.onDuplicate !== 'acknowledge' &&
    options.onDuplicate !== 'reject'
  ) {
    throw new TypeError("verifyWebhookRule: onDuplicate must be 'acknowledge' or 'reject'.");
  }
  return {
    name: 'webhook',
    dryRun: options.dryRun,
    async evaluate(ctx): Promise<RuleOutcome> {
      const body = ctx.request.body ? await ctx.request.body() : EMPTY;
      const r = await verifier.verify({ headers: ctx.request.headers, body }, { now: ctx.now });
      if (r.ok) {
        ctx.state.webhook = r.value;
        return { conclusion: 'allow', details: { id: r.value.id } };
      }
      if (r.error.code === 'NONCE_REPLAYED') {
        return acknowledge
          ? { conclusion: 'respond', status: 200, code: 'NONCE_REPLAYED' }
          : { conclusion: 'deny', status: 409, code: 'NONCE_REPLAYED', message: r.error.message };
      }
      return deny(r.error);
    },
  };
}

/** Options of {@link verifyLegacySignatureRule}. */
export interface VerifyLegacySignatureRuleOptions extends LegacySignatureOptions {
  /** The URI the clients sign. Default: the request URL as the adapter built it. */
  readonly uri?: ((url: URL) => string) | undefined;
  readonly dryRun?: boolean | undefined;
}

/**
 * A protect rule for requests signed the Python guide's way, during a migration to RFC 9421.
 *
 * @param options - as for `createLegacySignatureVerifier`, plus `uri`.
 * @returns a Rule named `legacy-signature` (401 with a {@link LegacySignatureErrorCode}).
 * @example
 * ```ts
 * verifyLegacySignatureRule({ secret: env.API_SECRET_KEY! });
 * ```
 */
export function verifyLegacySignatureRule(options: VerifyLegacySignatureRuleOptions): Rule {
  const verifier = createLegacySignatureVerifier(options);
  const uri = options.uri ?? ((url: URL) => url.href);
  return {
    name: 'legacy-signature',
    dryRun: options.dryRun,
    async evaluate(ctx): Promise<RuleOutcome> {
      const body = ctx.request.body ? await ctx.request.body() : EMPTY;
      const r = await verifier.verify(
        { method: ctx.request.method, url: uri(ctx.url), headers: ctx.request.headers, body },
        { now: ctx.now },
      );
      if (!r.ok) return deny(r.error);
      return { conclusion: 'allow' };
    },
  };
}
