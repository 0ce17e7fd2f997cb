import type { ModerationProvider, ProviderVerdict } from './content-filter.js';

/** Options of {@link createOpenAiModerationProvider}. */
export interface OpenAiModerationOptions {
  /** API key (sent as a Bearer token; never logged or put in an error). */
  readonly apiKey: string;
  /** Default `omni-moderation-latest`. */
  readonly model?: string | undefined;
  /** Default `https://api.openai.com/v1`. */
  readonly baseUrl?: string | undefined;
  /** Injected fetch (tests, proxies). Default the global `fetch`. */
  readonly fetch?: typeof fetch | undefined;
}

/** Why the provider failed (as the `cause` code of the rejection). */
export type OpenAiModerationErrorCode =
  | 'MODERATION_HTTP_ERROR'
  | 'MODERATION_BAD_RESPONSE'
  | 'MODERATION_NETWORK_ERROR';

/** The rejection of a failed moderation call; `status` is the HTTP status when there was one. */
export class ModerationProviderError extends Error {
  readonly code: OpenAiModerationErrorCode;
  readonly status: number | undefined;
  constructor(code: OpenAiModerationErrorCode, message: string, status?: number) {
    super(message);
    this.name = 'ModerationProviderError';
    this.code = code;
    this.status = status;
  }
}

/**
 * The OpenAI moderation endpoint (`POST /moderations`) as a {@link ModerationProvider}, over
 * `fetch`, so it runs on any runtime. Non-2xx answers and malformed bodies reject with a
 * {@link ModerationProviderError}; the content filter turns that into its `onProviderError`.
 *
 * @throws TypeError at construction without an API key or with a non-https base URL (http is
 * accepted for localhost only, for tests).
 * @example
 * ```ts
 * const provider = createOpenAiModerationProvider({ apiKey: env.OPENAI_API_KEY });
 * ```
 */
export function createOpenAiModerationProvider(
  options: OpenAiModerationOptions,
): ModerationProvider {
  if (!options || typeof options.apiKey !== 'string' || options.apiKey.length === 0) {
    throw new TypeError('createOpenAiModerationProvider: pass { apiKey }');
  }
  let base = options.baseUrl ?? 'https://api.openai.com/v1';
  while (base.endsWith('/')) base = base.slice(0, -1);
  const url = new URL(`${base}/moderations`);
  const local =
    url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    throw new TypeError(
      'createOpenAiModerationProvider: baseUrl must be https (http only for localhost)',
    );
  }
  const model = options.model ?? 'omni-moderation-latest';
  const doFetch = options.fetch ?? fetch;
  const authorization = `Bearer ${options.apiKey}`;
  return {
    name: 'openai',
    async moderate(text, { signal }): Promise<ProviderVerdict> {
      let res: Response;
      try {
        res = await doFetch(url, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/json' },
          body: JSON.stringify({ model, input: text }),
          signal,
        });
      } catch (e) {
        if (signal.aborted) throw e;
        throw new ModerationProviderError(
          'MODERATION_NETWORK_ERROR',
          'The moderation request failed.',
        );
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw new ModerationProviderError(
          'MODERATION_HTTP_ERROR',
          `The moderation endpoint answered ${res.status}.`,
          res.status,
        );
      }
      let json: unknown;
      try {
        json = await res.json();
      } catch {
        throw new ModerationProviderError(
          'MODERATION_BAD_RESPONSE',
          'The moderation response is not JSON.',
        );
      }
      const result = (json as { results?: unknown[] } | null)?.results?.[0] as
        | { flagged?: unknown; categories?: unknown; category_scores?: unknown }
        | undefined;
      if (
        !result ||
        typeof result.flagged !== 'boolean' ||
        typeof result.categories !== 'object' ||
        result.categories === null
      ) {
        throw new ModerationProviderError(
          'MODERATION_BAD_RESPONSE',
          'The moderation response has no result.',
        );
      }
      const categories = Object.entries(result.categories as Record<string, unknown>)
        .filter(([, v]) => v === true)
        .map(([k]) => k);
      const scores: Record<string, number> = {};
      if (typeof result.category_scores === 'object' && result.category_scores !== null) {
        for (const [k, v] of Object.entries(result.category_scores))
          if (typeof v === 'number') scores[k] = v;
      }
      return { flagged: result.flagged, categories, scores };
    },
  };
}
