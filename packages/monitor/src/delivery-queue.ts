/** Why events were dropped. */
export type DropReason =
  /** The queue was full (the receiver is down or slower than the application). */
  | 'queue_full'
  /** One formatted event was larger than `maxEventBytes`. */
  | 'too_large'
  /** The format function threw. */
  | 'format_error'
  /** The receiver refused the batch for good (an HTTP 4xx other than 408/429). */
  | 'rejected'
  /** Still queued when `close()` gave up. */
  | 'closed';

/** Delivery options shared by the HTTP and syslog sinks. */
export interface DeliveryOptions {
  /** Events held at most (waiting plus in flight). Beyond it events are dropped and counted. Default 10,000. */
  readonly maxQueue?: number | undefined;
  /** Events per delivery (one HTTP request, one socket write). Default 100. */
  readonly maxBatch?: number | undefined;
  /** A queued event waits at most this long before it is sent. Default 1,000 ms. */
  readonly flushIntervalMs?: number | undefined;
  /** Bytes of one formatted event at most; larger ones are dropped (`too_large`). Default 65,536. */
  readonly maxEventBytes?: number | undefined;
  /** Which events a full queue drops: the new one (default) or the oldest waiting one. */
  readonly dropPolicy?: 'newest' | 'oldest' | undefined;
  /** First retry delay after a failed delivery. Default 200 ms; doubles each failure. */
  readonly retryInitialDelayMs?: number | undefined;
  /** Longest retry delay. Default 30,000 ms. */
  readonly retryMaxDelayMs?: number | undefined;
  /** Told about each drop (count and reason). Must not throw; errors are swallowed. */
  readonly onDrop?: ((count: number, reason: DropReason) => void) | undefined;
  /** Told about each failed delivery attempt (retried). Never given an event or a credential. */
  readonly onError?: ((error: DeliveryError) => void) | undefined;
}

/** Counters of a delivering sink. */
export interface DeliveryStats {
  /** Events waiting or in flight. */
  readonly queued: number;
  /** Events the receiver accepted. */
  readonly sent: number;
  /** Events lost, all reasons. */
  readonly dropped: number;
  /** Events lost, by reason. */
  readonly droppedBy: Readonly<Record<DropReason, number>>;
  /** Failed delivery attempts (each retried after a backoff). */
  readonly failedAttempts: number;
}

/** Error codes of {@link DeliveryError}. */
export type DeliveryErrorCode =
  | 'HTTP_STATUS'
  | 'HTTP_NETWORK'
  | 'HTTP_TIMEOUT'
  | 'SYSLOG_CONNECT'
  | 'SYSLOG_WRITE'
  | 'DELIVERY_FAILED';

/** A failed delivery attempt; the message never holds an event, a header or a URL query. */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(
    readonly code: DeliveryErrorCode,
    message: string,
    /** The receiver's HTTP status, for `HTTP_STATUS`. */
    readonly status?: number,
    /** The receiver's Retry-After, in ms, when it sent one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** A permanent refusal: the batch is dropped (`rejected`), not retried. */
export class PermanentDeliveryError extends DeliveryError {}

export interface DeliveryQueue {
  push(item: string): void;
  /** Counts an event that never reached the queue (it could not be formatted). */
  reject(reason: DropReason): void;
  flush(timeoutMs?: number): Promise<boolean>;
  close(timeoutMs?: number): Promise<void>;
  readonly stats: DeliveryStats;
}

function positiveInt(caller: string, name: string, value: number | undefined, fallback: number) {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) {
    throw new RangeError(`${caller}: ${name} must be a positive integer (got ${String(value)}).`);
  }
  return v;
}

function nonNegative(caller: string, name: string, value: number | undefined, fallback: number) {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new RangeError(`${caller}: ${name} must be a finite number of ms >= 0.`);
  }
  return v;
}

const encoder = new TextEncoder();

/**
 * A bounded FIFO of formatted events with one delivery in flight at a time: batches go out
 * when `maxBatch` wait or `flushIntervalMs` after the first waiting event; a failed batch
 * stays at the head and is retried with exponential backoff (full jitter), so nothing is
 * lost while the receiver comes back before the queue fills. `push` never throws, never
 * waits and never holds more than `maxQueue` events. Timers are unref'd.
 */
export function createDeliveryQueue(
  caller: string,
  deliver: (batch: readonly string[]) => Promise<void>,
  options: DeliveryOptions,
  random: () => number = Math.random,
): DeliveryQueue {
  const maxQueue = positiveInt(caller, 'maxQueue', options.maxQueue, 10_000);
  const maxBatch = positiveInt(caller, 'maxBatch', options.maxBatch, 100);
  if (maxBatch > maxQueue) {
    throw new RangeError(`${caller}: maxBatch must be <= maxQueue.`);
  }
  const maxEventBytes = positiveInt(caller, 'maxEventBytes', options.maxEventBytes, 65_536);
  const interval = nonNegative(caller, 'flushIntervalMs', options.flushIntervalMs, 1_000);
  const initialDelay = nonNegative(caller, 'retryInitialDelayMs', options.retryInitialDelayMs, 200);
  const maxDelay = nonNegative(caller, 'retryMaxDelayMs', options.retryMaxDelayMs, 30_000);
  const policy = options.dropPolicy ?? 'newest';
  if (policy !== 'newest' && policy !== 'oldest') {
    throw new TypeError(`${caller}: dropPolicy must be 'newest' or 'oldest'.`);
  }
  const onDrop = options.onDrop;
  const onError = options.onError;

  // queue[0 .. inFlight) is the batch being delivered.
  let queue: string[] = [];
  let inFlight = 0;
  let sent = 0;
  let failedAttempts = 0;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timerIsRetry = false;
  let closed = false;
  const droppedBy: Record<DropReason, number> = {
    queue_full: 0,
    too_large: 0,
    format_error: 0,
    rejected: 0,
    closed: 0,
  };
  const idleWaiters = new Set<() => void>();

  function drop(count: number, reason: DropReason): void {
    if (count <= 0) return;
    droppedBy[reason] += count;
    try {
      onDrop?.(count, reason);
    } catch {
      // A failing drop handler must not break delivery.
    }
  }

  function schedule(delay: number, retry: boolean): void {
    if (timer !== undefined || closed) return;
    timerIsRetry = retry;
    timer = setTimeout(() => {
      timer = undefined;
      timerIsRetry = false;
      void pump();
    }, delay);
    (timer as { unref?: () => void }).unref?.();
  }

  function backoff(error: unknown): number {
    const exp = Math.min(maxDelay, initialDelay * 2 ** Math.min(attempt, 30));
    let delay = exp / 2 + (exp / 2) * random();
    const retryAfter = error instanceof DeliveryError ? error.retryAfterMs : undefined;
    if (retryAfter !== undefined) delay = Math.max(delay, Math.min(retryAfter, maxDelay));
    return delay;
  }

  async function pump(): Promise<void> {
    if (inFlight > 0 || queue.length === 0) return;
    if (timerIsRetry && timer !== undefined) return;
    inFlight = Math.min(maxBatch, queue.length);
    const batch = queue.slice(0, inFlight);
    let retry = false;
    let error: unknown;
    try {
      await deliver(batch);
      sent += batch.length;
      attempt = 0;
    } catch (e) {
      error = e;
      if (e instanceof PermanentDeliveryError) {
        drop(batch.length, 'rejected');
        attempt = 0;
      } else {
        retry = true;
        failedAttempts++;
      }
      try {
        onError?.(
          e instanceof DeliveryError
            ? e
            : new DeliveryError('DELIVERY_FAILED', 'Delivery failed; will retry.'),
        );
      } catch {
        // A failing error handler must not break delivery.
      }
    }
    if (!retry) queue.splice(0, batch.length);
    inFlight = 0;
    if (retry) {
      const delay = backoff(error);
      attempt++;
      schedule(delay, true);
    } else if (queue.length >= maxBatch) {
      queueMicrotask(() => void pump());
    } else if (queue.length > 0) {
      schedule(interval, false);
    }
    // flush() waits for the end of each delivery, then decides whether to go on.
    notifyIdle();
  }

  function notifyIdle(): void {
    for (const resolve of idleWaiters) resolve();
    idleWaiters.clear();
  }

  function push(item: string): void {
    if (closed) {
      drop(1, 'closed');
      return;
    }
    if (item.length > maxEventBytes || encoder.encode(item).length > maxEventBytes) {
      drop(1, 'too_large');
      return;
    }
    if (queue.length >= maxQueue) {
      // In-flight events are never dropped: the oldest waiting one goes, or the new one.
      if (policy === 'oldest' && queue.length > inFlight) {
        queue.splice(inFlight, 1);
        drop(1, 'queue_full');
      } else {
        drop(1, 'queue_full');
        return;
      }
    }
    queue.push(item);
    const backingOff = timer !== undefined && timerIsRetry;
    if (queue.length >= maxBatch && inFlight === 0 && !backingOff) {
      if (timer !== undefined) {
        clearTimeout(timer);
        timer = undefined;
      }
      void pump();
    } else {
      schedule(interval, false);
    }
  }

  /** Sends now; resolves true when the queue is empty, false on a failed attempt or the deadline. */
  async function flush(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (queue.length > 0) {
      if (Date.now() >= deadline) return false;
      if (timer !== undefined && timerIsRetry) return false;
      if (timer !== undefined) {
        clearTimeout(timer);
        timer = undefined;
      }
      const failedBefore = failedAttempts;
      const idle = new Promise<void>((resolve) => idleWaiters.add(resolve));
      void pump();
      let deadlineTimer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        idle,
        new Promise<void>((resolve) => {
          deadlineTimer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        }),
      ]);
      clearTimeout(deadlineTimer);
      if (failedAttempts > failedBefore) return false;
    }
    return true;
  }

  return {
    push(item) {
      try {
        push(item);
      } catch {
        // Never into the request path.
        drop(1, 'format_error');
      }
    },
    reject: (reason) => drop(1, reason),
    flush,
    async close(timeoutMs = 5_000) {
      if (timer !== undefined && timerIsRetry) {
        clearTimeout(timer);
        timer = undefined;
        timerIsRetry = false;
      }
      await flush(timeoutMs);
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      const left = queue.length;
      queue = [];
      drop(left, 'closed');
    },
    get stats() {
      let dropped = 0;
      for (const n of Object.values(droppedBy)) dropped += n;
      return {
        queued: queue.length,
        sent,
        dropped,
        droppedBy: { ...droppedBy },
        failedAttempts,
      };
    },
  };
}
