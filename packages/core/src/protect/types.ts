/** Reads request headers; the Web `Headers` class satisfies it, and so do adapters' views. */
export interface HeaderReader {
  /** The field value (repeated fields joined by ", "), or null when absent. Case-insensitive. */
  get(name: string): string | null;
}

/**
 * What every rule sees of a request. Adapters build it from their framework's request;
 * nothing framework-specific passes this line.
 */
export interface SecurityRequest {
  /** Upper-case method, e.g. `POST`. */
  readonly method: string;
  /** Absolute URL as the client asked for it, e.g. `https://api.example.com/chat?x=1`. */
  readonly url: string;
  readonly headers: HeaderReader;
  /** Address of the immediate peer (the socket), not a forwarded header. */
  readonly ip?: string | undefined;
  /** The raw body bytes, read on first call; adapters cache it so every rule sees the same bytes. */
  readonly body?: (() => Promise<Uint8Array>) | undefined;
  /** Correlation id, when the platform or a header supplied one. */
  readonly requestId?: string | undefined;
}

/** Who is making the request, once a rule has authenticated it. */
export interface Principal {
  /** Subject id: the token's `sub` (or `user_id`), or the API key's owner. */
  readonly id: string;
  /** How it authenticated. */
  readonly kind: 'jwt' | 'api_key' | (string & {});
  readonly permissions: readonly string[];
  readonly roles?: readonly string[] | undefined;
  /** Verified token claims or key metadata, for the application's own use. */
  readonly attributes?: Readonly<Record<string, unknown>> | undefined;
}

/** Per-request state handed to each rule in turn. */
export interface RuleContext {
  readonly request: SecurityRequest;
  /** The request URL, parsed once for all rules. */
  readonly url: URL;
  /** Milliseconds since the epoch, from the security instance's clock. */
  readonly now: number;
  /** Set by an authenticating rule; read by the ones after it. */
  readonly principal: Principal | undefined;
  /** Values rules publish for the application (e.g. `cspNonce`), exposed on the decision. */
  readonly state: Record<string, unknown>;
}

/** What a rule decided. */
export type RuleOutcome =
  | {
      readonly conclusion: 'allow';
      readonly code?: string;
      readonly principal?: Principal;
      readonly headers?: Readonly<Record<string, string>>;
      readonly details?: Readonly<Record<string, unknown>>;
    }
  | {
      readonly conclusion: 'deny';
      readonly status: number;
      readonly code: string;
      /** Safe for the client: never a credential, secret or internal detail. */
      readonly message: string;
      readonly headers?: Readonly<Record<string, string>>;
      readonly details?: Readonly<Record<string, unknown>>;
    }
  | {
      /** Answer the request now without it being a denial (e.g. a CORS preflight). */
      readonly conclusion: 'respond';
      readonly status: number;
      readonly code: string;
      readonly headers?: Readonly<Record<string, string>>;
      readonly details?: Readonly<Record<string, unknown>>;
    }
  | {
      readonly conclusion: 'skip';
      readonly code?: string;
      readonly headers?: Readonly<Record<string, string>>;
      readonly details?: Readonly<Record<string, unknown>>;
    };

/** One step of the protect pipeline. Factories validate options and precompute; `evaluate` is per request. */
export interface Rule {
  readonly name: string;
  /** Decide and report, but never block. */
  readonly dryRun?: boolean | undefined;
  /** What to do when `evaluate` throws (a store outage, a bug): deny with 503 (default) or allow. */
  readonly onError?: 'deny' | 'allow' | undefined;
  evaluate(ctx: RuleContext): RuleOutcome | Promise<RuleOutcome>;
}

/** The record of one rule's decision, kept on the Decision for logging and tests. */
export interface RuleResult {
  readonly rule: string;
  readonly conclusion: 'allow' | 'deny' | 'respond' | 'skip' | 'error';
  readonly code: string;
  readonly dryRun: boolean;
  readonly status?: number | undefined;
  readonly details?: Readonly<Record<string, unknown>> | undefined;
}

/** What `protect()` returns, for the adapter to write back in its framework's idiom. */
export interface Decision {
  /** True when the handler should run. */
  readonly allowed: boolean;
  /** 200 when allowed; otherwise the status to answer with. */
  readonly status: number;
  /** `ALLOWED`, or the code of the rule that stopped the request. */
  readonly code: string;
  /** Client-safe message (empty when allowed). */
  readonly message: string;
  /** Headers to set on the response, allowed or not. */
  readonly headers: Readonly<Record<string, string>>;
  readonly principal: Principal | undefined;
  /** Every rule's result, in order, including dry-run denials that did not block. */
  readonly results: readonly RuleResult[];
  /** Values published by rules (e.g. `cspNonce`). */
  readonly state: Readonly<Record<string, unknown>>;
}

/** Error codes `protect()` itself may return. */
export type ProtectErrorCode = 'RULE_FAILED' | 'BAD_REQUEST_URL';
