import { numberOption } from '../internal/options.js';
import type { AuditSinkObject, SecurityEvent } from './types.js';

/** Options of {@link createBatchingSink}. */
export interface BatchingSinkOptions {
  /** Sends one batch (an HTTP call to a SIEM, a queue write). Batches are sent one at a time, in order. */
  readonly send: (events: readonly SecurityEvent[]) => Promise<unknown>;
  /** A batch is sent as soon as this many events wait. Default 100. */
  readonly maxBatchSize?: number | undefined;
  /** Events held at most (waiting plus in flight); beyond it new events are dropped and counted. Default 10,000. */
  readonly maxBufferSize?: number | undefined;
  /** A write also sends when the oldest waiting event is older than this. Default 5,000 ms. */
  readonly maxDelayMs?: number | undefined;
  /** Clock in ms since the epoch. Default `Date.now`. */
  readonly clock?: (() => number) | undefined;
  /** Told about a failed send (the batch's events are counted as dropped). Must not throw. */
  readonly onError?: ((error: unknown, events: readonly SecurityEvent[]) => void) | undefined;
}

/** Counters of a batching sink. */
export interface BatchingSinkStats {
  /** Events waiting to be sent. */
  readonly buffered: number;
  /** Events delivered by `send`. */
  readonly sent: number;
  /** Events lost: refused because the buffer was full, or in a batch whose send failed. */
  readonly dropped: number;
}

/** A batching sink: a sink plus its counters. */
export interface BatchingSink extends AuditSinkObject {
  /** Sends everything waiting and resolves when it is delivered (or dropped). */
  flush(): Promise<void>;
  readonly stats: BatchingSinkStats;
}

/**
 * Buffers events for a slow exporter. Memory is bounded (`maxBufferSize`; overflow is
 * dropped and counted, never blocking a request) and there are no timers: a batch goes out
 * when it is full, when a write finds the oldest event older than `maxDelayMs`, or when the
 * application calls `flush()` (at shutdown, or at the end of a serverless invocation).
 *
 * @example
 * ```ts
 * const sink = createBatchingSink({ send: (events) => fetch(siemUrl, { method: 'POST', body: JSON.stringify(events) }) });
 * const audit = createAuditLog({ sink });
 * // at shutdown: await audit.flush(); console.log(sink.stats.dropped);
 * ```
 * @throws TypeError/RangeError at construction on bad options.
 */
export function createBatchingSink(options: BatchingSinkOptions): BatchingSink {
  if (!options || typeof options.send !== 'function') {
    throw new TypeError('createBatchingSink: pass { send: async (events) => { ... } }.');
  }
  const maxBatch = options.maxBatchSize ?? 100;
  const maxBuffer = options.maxBufferSize ?? 10_000;
  const maxDelay = numberOption('createBatchingSink', 'maxDelayMs', options.maxDelayMs, 5_000, {
    min: 0,
    unit: 'ms',
  });
  if (!Number.isInteger(maxBatch) || maxBatch < 1) {
    throw new RangeError('createBatchingSink: maxBatchSize must be a positive integer.');
  }
  if (!Number.isInteger(maxBuffer) || maxBuffer < maxBatch) {
    throw new RangeError('createBatchingSink: maxBufferSize must be an integer >= maxBatchSize.');
  }
  const clock = options.clock ?? Date.now;
  const send = options.send;
  const onError = options.onError;

  let waiting: SecurityEvent[] = [];
  let oldestAt = 0;
  let inFlight = 0;
  let sent = 0;
  let dropped = 0;
  // Sends are chained so batches reach the exporter in order, one at a time.
  let tail: Promise<void> = Promise.resolve();

  function ship(): Promise<void> {
    if (waiting.length === 0) return tail;
    const batch = waiting.length > maxBatch ? waiting.splice(0, maxBatch) : waiting;
    if (batch === waiting) waiting = [];
    else oldestAt = clock();
    inFlight += batch.length;
    tail = tail.then(async () => {
      try {
        await send(batch);
        sent += batch.length;
      } catch (error) {
        dropped += batch.length;
        try {
          onError?.(error, batch);
        } catch {
          // A failing error handler must not break the chain.
        }
      } finally {
        inFlight -= batch.length;
      }
    });
    return tail;
  }

  return {
    write(event) {
      if (waiting.length + inFlight >= maxBuffer) {
        dropped++;
        return;
      }
      const now = clock();
      if (waiting.length === 0) oldestAt = now;
      waiting.push(event);
      if (waiting.length >= maxBatch || now - oldestAt >= maxDelay) void ship();
    },
    async flush() {
      while (waiting.length > 0) await ship();
      await tail;
    },
    get stats() {
      return { buffered: waiting.length, sent, dropped };
    },
  };
}
