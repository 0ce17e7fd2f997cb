import {
  type AdapterOptions,
  bridgeNodeRequest,
  type Decision,
  type NodeRequestLike,
  type Principal,
  protectBridged,
  resolveAdapterOptions,
  type Security,
  toDenialResponse,
} from '@jaf-sec/core/protect';

/** Options of {@link jafSec}: the body limit (default 1 MiB) and the public origin. */
export type JafSecExpressOptions = AdapterOptions;

/** The fields of an Express request the middleware reads (structural; no Express types). */
export interface ExpressRequestLike extends NodeRequestLike {
  /** The URL before routers stripped their mount path. */
  readonly originalUrl?: string | undefined;
}

/** The fields of an Express response the middleware writes. */
export interface ExpressResponseLike {
  statusCode: number;
  readonly locals: Record<string, unknown>;
  setHeader(name: string, value: string): unknown;
  removeHeader(name: string): unknown;
  end(body?: string): unknown;
}

declare global {
  // Lets `res.locals.principal` and `res.locals.securityDecision` type-check in Express apps.
  namespace Express {
    interface Locals {
      principal?: Principal | undefined;
      securityDecision?: Decision | undefined;
    }
  }
}

const RAW_BODY = Symbol.for('jaf-sec.rawBody');

/**
 * `verify` hook for Express body parsers placed BEFORE jafSec: it keeps the exact bytes the
 * parser read, so rules that need the raw body (signatures, digests) still get them.
 * Not needed when jafSec comes first: it reads the body itself and hands it back to the parser.
 *
 * @example
 * ```ts
 * app.use(express.json({ verify: captureRawBody }));
 * app.use(jafSec(security));
 * ```
 */
export function captureRawBody(req: object, _res: unknown, buf: Uint8Array): void {
  (req as { [RAW_BODY]?: Uint8Array })[RAW_BODY] = buf;
}

/**
 * Express middleware that runs `security.protect()` before the route.
 *
 * On every response it writes the decision's headers and removes X-Powered-By. A denial is
 * answered with its status and `{"error":{"code","message"}}`; an allowed request continues
 * with `res.locals.principal` and `res.locals.securityDecision` set. Rules may read the raw
 * body (bounded by `bodyLimit`, 413 `BODY_TOO_LARGE` beyond it) and the app's own body parser
 * still works, before or after this middleware (before: pass `verify: captureRawBody`).
 *
 * @param security - the pipeline from `createSecurity` (use `security.with(rule)` per route).
 * @param options - body limit and public origin; validated here, once.
 * @returns an Express middleware `(req, res, next)`.
 * @throws TypeError when `security` or the options are invalid.
 * @example
 * ```ts
 * const app = express();
 * app.post('/chat', jafSec(security.with(requirePermission('chat:basic'))), express.json(),
 *   (req, res) => res.json({ user: res.locals.principal?.id }));
 * ```
 */
export function jafSec(
  security: Security,
  options?: JafSecExpressOptions,
): (req: ExpressRequestLike, res: ExpressResponseLike, next: (err?: unknown) => void) => void {
  if (!security || typeof security.protect !== 'function') {
    throw new TypeError('jafSec: pass the object returned by createSecurity({ rules }).');
  }
  const { bodyLimit, origin } = resolveAdapterOptions(options);

  return function jafSecMiddleware(req, res, next) {
    res.removeHeader('X-Powered-By');
    const bridged = bridgeNodeRequest(req, {
      bodyLimit,
      origin,
      target: req.originalUrl ?? req.url,
      rawBody: () => (req as { [RAW_BODY]?: Uint8Array })[RAW_BODY],
    });
    protectBridged(security, bridged).then((decision) => {
      for (const name in decision.headers) res.setHeader(name, decision.headers[name]!);
      res.locals.securityDecision = decision;
      if (decision.allowed) {
        res.locals.principal = decision.principal;
        next();
        return;
      }
      const denial = toDenialResponse(decision);
      res.statusCode = denial.status;
      for (const name in denial.headers) res.setHeader(name, denial.headers[name]!);
      res.end(denial.body ?? undefined);
    }, next);
  };
}
