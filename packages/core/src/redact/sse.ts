import { createIncrementalRedactor, type RedactionStreamOptions } from './stream.js';

/**
 * How the text of a server-sent event is read and written. The default treats each event's
 * `data` as plain text; {@link OPENAI_CHAT_SSE} reads OpenAI-style chat completion chunks.
 */
export interface SseTextCodec {
  /** The text carried by an event's data, or undefined when it carries none (kept as is). */
  read(data: string): string | undefined;
  /** The event's data with its text replaced. */
  write(data: string, text: string): string;
  /** True for a data value that ends the stream (e.g. `[DONE]`): held text is flushed before it. */
  isEnd?(data: string): boolean;
}

/** Plain-text event data. */
export const PLAIN_TEXT_SSE: SseTextCodec = {
  read: (data) => data,
  write: (_data, text) => text,
};

/** OpenAI chat-completions streaming chunks: text in `choices[0].delta.content`. */
export const OPENAI_CHAT_SSE: SseTextCodec = {
  read(data) {
    if (data === '[DONE]') return undefined;
    try {
      const json = JSON.parse(data) as { choices?: { delta?: { content?: unknown } }[] };
      const content = json.choices?.[0]?.delta?.content;
      return typeof content === 'string' ? content : undefined;
    } catch {
      return undefined;
    }
  },
  write(data, text) {
    const json = JSON.parse(data) as { choices: { delta: { content: string } }[] };
    json.choices[0]!.delta.content = text;
    return JSON.stringify(json);
  },
  isEnd: (data) => data === '[DONE]',
};

/** Options of {@link redactSseStream}. */
export interface RedactSseOptions extends RedactionStreamOptions {
  /** How event data carries text. Default {@link PLAIN_TEXT_SSE}. */
  readonly codec?: SseTextCodec | undefined;
  /**
   * Longest event (characters up to its blank line) held while waiting for its end. An
   * upstream that exceeds it stops the stream with an error rather than growing the buffer
   * without bound or letting unredacted text through. Default 1,048,576.
   */
  readonly maxEventLength?: number | undefined;
}

/** Default {@link RedactSseOptions.maxEventLength}: 1 Mi characters. */
export const DEFAULT_MAX_SSE_EVENT_LENGTH = 1_048_576;

const encoder = new TextEncoder();

/** Serializes one event's fields back, one `data:` line per line of data. */
function formatEvent(fields: readonly string[], data: string | undefined): string {
  let out = '';
  for (const f of fields) out += `${f}\n`;
  if (data !== undefined) for (const line of data.split('\n')) out += `data: ${line}\n`;
  return `${out}\n`;
}

/**
 * Redacts a server-sent-events byte stream (`text/event-stream`) as it flows: the text inside
 * the events goes through the streaming redactor, so a value split across events is caught.
 * Text held back from one event is carried in the next; other fields (`event:`, `id:`) pass
 * through. Works with any runtime's `ReadableStream<Uint8Array>`.
 *
 * @example
 * ```ts
 * const safe = redactSseStream(upstream.body!, { codec: OPENAI_CHAT_SSE });
 * ```
 */
export function redactSseStream(
  body: ReadableStream<Uint8Array>,
  options: RedactSseOptions = {},
): ReadableStream<Uint8Array> {
  const codec = options.codec ?? PLAIN_TEXT_SSE;
  const inc = createIncrementalRedactor(options);
  const decoder = new TextDecoder();
  let pending = '';
  // A template for flushing held text at the end: the last event that carried text.
  let lastData: string | undefined;
  let flushed = false;

  const flushTail = (controller: TransformStreamDefaultController<Uint8Array>): void => {
    if (flushed) return;
    flushed = true;
    const rest = inc.end();
    if (rest.length > 0 && lastData !== undefined) {
      controller.enqueue(encoder.encode(formatEvent([], codec.write(lastData, rest))));
    }
  };

  const handleEvent = (
    block: string,
    controller: TransformStreamDefaultController<Uint8Array>,
  ): void => {
    const fields: string[] = [];
    const dataLines: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('data:')) dataLines.push(line.slice(line.charCodeAt(5) === 32 ? 6 : 5));
      else if (line.length > 0) fields.push(line);
    }
    if (dataLines.length === 0) {
      controller.enqueue(encoder.encode(`${block}\n\n`));
      return;
    }
    const data = dataLines.join('\n');
    if (codec.isEnd?.(data)) flushTail(controller);
    const text = flushed ? undefined : codec.read(data);
    if (text === undefined) {
      controller.enqueue(encoder.encode(formatEvent(fields, data)));
      return;
    }
    lastData = data;
    const out = inc.push(text);
    controller.enqueue(encoder.encode(formatEvent(fields, codec.write(data, out))));
  };

  const maxEventLength = options.maxEventLength ?? DEFAULT_MAX_SSE_EVENT_LENGTH;
  if (!Number.isSafeInteger(maxEventLength) || maxEventLength < 1) {
    throw new RangeError(
      'redactSseStream: maxEventLength must be a positive integer (characters).',
    );
  }
  // Where the next search for a blank line starts: text already searched is not searched
  // again, so a long event costs linear time, not quadratic.
  let scanFrom = 0;
  // A final CR waits for the next chunk: a CRLF split across chunks would otherwise become
  // two line ends, a blank line that cuts the event in two.
  let heldCr = false;
  const normalize = (text: string, final: boolean): string => {
    let t = heldCr ? `\r${text}` : text;
    heldCr = !final && t.endsWith('\r');
    if (heldCr) t = t.slice(0, -1);
    return t.includes('\r') ? t.replace(/\r\n?/g, '\n') : t;
  };

  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        pending += normalize(decoder.decode(chunk, { stream: true }), false);
        let sep = pending.indexOf('\n\n', scanFrom);
        while (sep >= 0) {
          handleEvent(pending.slice(0, sep), controller);
          pending = pending.slice(sep + 2);
          sep = pending.indexOf('\n\n');
        }
        scanFrom = Math.max(0, pending.length - 1);
        if (pending.length > maxEventLength) {
          pending = '';
          controller.error(
            new RangeError(
              `redactSseStream: an event grew past maxEventLength (${maxEventLength} characters) without ending; the stream was stopped so no unredacted text leaks.`,
            ),
          );
        }
      },
      flush(controller) {
        pending += normalize(decoder.decode(), true);
        let end = pending.length;
        while (end > 0 && pending.charCodeAt(end - 1) === 10) end--;
        if (pending.trim().length > 0) handleEvent(pending.slice(0, end), controller);
        flushTail(controller);
      },
    }),
  );
}

/**
 * Wraps a `Response` whose body is an event stream so its text is redacted on the way out;
 * status and headers are kept (minus Content-Length, which no longer holds).
 *
 * @example
 * ```ts
 * return redactSseResponse(await fetch(upstream), { codec: OPENAI_CHAT_SSE });
 * ```
 */
export function redactSseResponse(response: Response, options: RedactSseOptions = {}): Response {
  if (response.body === null) return response;
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  return new Response(redactSseStream(response.body, options), {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}
