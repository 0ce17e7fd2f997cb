import { createRedactor, type RedactOptions } from '../redact/redact.js';
import { redactSseResponse, type SseTextCodec } from '../redact/sse.js';

/** Options of {@link createOutputFilter}. */
export interface OutputFilterOptions extends RedactOptions {
  /** How event-stream responses carry text. Default plain `data:` text. */
  readonly sseCodec?: SseTextCodec | undefined;
}

/** Redacts what an app sends back: strings, or whole `Response`s (streamed or not). */
export interface OutputFilter {
  filterText(text: string): string;
  /**
   * A new Response with its body redacted: event streams as they flow, text and JSON bodies
   * whole; other bodies (images, octet streams) are returned untouched.
   */
  filterResponse(response: Response): Promise<Response>;
}

/**
 * Builds an output filter adapters and apps apply to model responses before they leave.
 *
 * @example
 * ```ts
 * const output = createOutputFilter({ strategy: 'mask' });
 * return output.filterResponse(await handler(request));
 * ```
 */
export function createOutputFilter(options: OutputFilterOptions = {}): OutputFilter {
  const redactor = createRedactor(options);
  return {
    filterText: (text) => redactor.redact(text),
    async filterResponse(response) {
      const type = (response.headers.get('content-type') ?? '').toLowerCase();
      if (response.body === null) return response;
      if (type.startsWith('text/event-stream')) {
        return redactSseResponse(response, { redactor, codec: options.sseCodec });
      }
      if (!type.startsWith('text/') && !type.includes('json')) return response;
      const text = await response.text();
      const headers = new Headers(response.headers);
      headers.delete('content-length');
      return new Response(redactor.redact(text), {
        status: response.status,
        statusText: response.statusText,
        headers,
      });
    },
  };
}
