import type { AuditSinkObject, SecurityEvent, SiemFormat } from '@jaf-sec/core/audit';
import { resolveSiemFormat } from '@jaf-sec/core/audit';
import {
  createDeliveryQueue,
  DeliveryError,
  type DeliveryOptions,
  type DeliveryStats,
  PermanentDeliveryError,
} from './delivery-queue.js';

type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<{ ok: boolean; status: number; headers?: { get(name: string): string | null } }>;

/** Options of {@link createHttpSink}. */
export interface HttpSinkOptions extends DeliveryOptions {
  /** Collector endpoint, e.g. `https://siem.example.com/ingest`. */
  readonly url: string;
  /** `jaf` (default), `ocsf`, `ecs` or a function. */
  readonly format?: SiemFormat | undefined;
  /** Body encoding: `ndjson` (one JSON object a line, default) or `json` (an array). */
  readonly encoding?: 'ndjson' | 'json' | undefined;
  /** Extra request headers (e.g. `authorization`). Never logged or put in an error. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Per-request timeout. Default 10,000 ms. */
  readonly timeoutMs?: number | undefined;
  /** `fetch` to use. Default the global one. */
  readonly fetch?: FetchLike | undefined;
}

/** An HTTP sink: an audit sink plus its counters, `flush()` and `close()`. */
export interface HttpSink extends AuditSinkObject {
  /** Never throws, never waits: formats the event and queues it (or drops and counts it). */
  write(event: SecurityEvent): void;
  /** Sends what is queued (awaited by `AuditLog.flush()`); see `drain` for the result. */
  flush(): Promise<void>;
  /** Sends what is queued; resolves true once all is delivered, false if an attempt failed or `timeoutMs` (default 10 s) ran out. */
  drain(timeoutMs?: number): Promise<boolean>;
  /** Flushes (up to `timeoutMs`, default 5 s), then stops; what is left is dropped and counted (`closed`). */
  close(timeoutMs?: number): Promise<void>;
  readonly stats: DeliveryStats;
}

function retryAfterMs(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/**
 * Posts batches of security events to a collector (a SIEM's HTTP intake, Vector, Fluent Bit,
 * an OpenSearch/Elastic ingest proxy). Bounded queue, one request in flight, retry with
 * exponential backoff on network errors, timeouts, 408, 429 and 5xx (Retry-After honoured);
 * any other 4xx drops the batch (`rejected`). See docs/monitoring.md for the guarantees.
 *
 * @example
 * ```ts
 * const sink = createHttpSink({ url: 'https://siem.example.com/ingest', format: 'ocsf', headers: { authorization: `Bearer ${token}` } });
 * const audit = createAuditLog({ sink });
 * // at shutdown: await sink.close(); console.log(sink.stats.dropped);
 * ```
 * @throws TypeError/RangeError at construction on bad options.
 */
export function createHttpSink(options: HttpSinkOptions): HttpSink {
  if (!options || typeof options.url !== 'string') {
    throw new TypeError("createHttpSink: pass { url: 'https://collector.example.com/ingest' }.");
  }
  let target: URL;
  try {
    target = new URL(options.url);
  } catch {
    throw new TypeError('createHttpSink: url is not an absolute URL.');
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:') {
    throw new TypeError('createHttpSink: url must be http: or https:.');
  }
  const fetchFn = options.fetch ?? (globalThis.fetch as unknown as FetchLike | undefined);
  if (typeof fetchFn !== 'function') {
    throw new TypeError('createHttpSink: no global fetch; pass { fetch }.');
  }
  const format = resolveSiemFormat(options.format, 'createHttpSink');
  const encoding = options.encoding ?? 'ndjson';
  if (encoding !== 'ndjson' && encoding !== 'json') {
    throw new TypeError("createHttpSink: encoding must be 'ndjson' or 'json'.");
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new RangeError('createHttpSink: timeoutMs must be a positive number of ms.');
  }
  const headers = {
    'content-type': encoding === 'ndjson' ? 'application/x-ndjson' : 'application/json',
    ...options.headers,
  };
  const url = target.href;

  const queue = createDeliveryQueue(
    'createHttpSink',
    async (batch) => {
      const body = encoding === 'ndjson' ? `${batch.join('\n')}\n` : `[${batch.join(',')}]`;
      let response: Awaited<ReturnType<FetchLike>>;
      try {
        response = await fetchFn(url, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const timedOut = (error as { name?: string } | null)?.name === 'TimeoutError';
        throw timedOut
          ? new DeliveryError(
              'HTTP_TIMEOUT',
              `The collector did not answer within ${timeoutMs} ms.`,
            )
          : new DeliveryError('HTTP_NETWORK', 'The collector could not be reached.');
      }
      if (response.ok) return;
      const status = response.status;
      const message = `The collector answered HTTP ${status}.`;
      if (status === 408 || status === 429 || status >= 500) {
        throw new DeliveryError(
          'HTTP_STATUS',
          message,
          status,
          retryAfterMs(response.headers?.get('retry-after')),
        );
      }
      throw new PermanentDeliveryError('HTTP_STATUS', message, status);
    },
    options,
  );

  return {
    write(event) {
      let line: string | undefined;
      try {
        line = JSON.stringify(format(event));
      } catch {
        line = undefined;
      }
      if (typeof line === 'string') queue.push(line);
      else queue.reject('format_error');
    },
    async flush() {
      await queue.flush();
    },
    drain: (timeoutMs) => queue.flush(timeoutMs),
    close: (timeoutMs) => queue.close(timeoutMs),
    get stats() {
      return queue.stats;
    },
  };
}
