import { describe, expect, it } from 'vitest';
import { createBatchingSink } from './create-batching-sink.js';
import { createJsonLinesSink } from './create-json-lines-sink.js';
import { createPinoSink } from './create-pino-sink.js';
import type { SecurityEvent } from './types.js';

const event = (n: number, level: SecurityEvent['level'] = 'warn'): SecurityEvent => ({
  timestamp: new Date(n).toISOString(),
  type: 'authz_fail',
  level,
  principal: `u${n}`,
  client: null,
  requestId: null,
  method: 'GET',
  path: '/',
  outcome: 'deny',
  details: {},
});

describe('createJsonLinesSink', () => {
  it('writes one JSON object per line', () => {
    const chunks: string[] = [];
    const sink = createJsonLinesSink({ write: (s) => chunks.push(s) });
    sink.write(event(1));
    sink.write(event(2));
    expect(chunks).toHaveLength(2);
    expect(chunks.every((c) => c.endsWith('\n') && c.indexOf('\n') === c.length - 1)).toBe(true);
    expect(JSON.parse(chunks[1]!)).toEqual(event(2));
    expect(() => createJsonLinesSink({} as never)).toThrow(/process\.stdout/);
  });
});

describe('createPinoSink', () => {
  it('calls the logger method of each level with the event and a message', () => {
    const calls: [string, unknown, unknown][] = [];
    const logger = {
      info: (o: object, m?: string) => calls.push(['info', o, m]),
      warn: (o: object, m?: string) => calls.push(['warn', o, m]),
      error: (o: object, m?: string) => calls.push(['error', o, m]),
    };
    const sink = createPinoSink(logger);
    sink.write(event(1, 'info'));
    sink.write(event(2, 'warn'));
    sink.write(event(3, 'critical'));
    expect(calls.map((c) => [c[0], (c[1] as SecurityEvent).principal, c[2]])).toEqual([
      ['info', 'u1', 'security event'],
      ['warn', 'u2', 'security event'],
      ['error', 'u3', 'security event'],
    ]);
    const custom = createPinoSink(logger, { message: 'sec', levels: { info: 'warn' } });
    custom.write(event(4, 'info'));
    expect(calls[3]!.slice(0, 1).concat(calls[3]![2])).toEqual(['warn', 'sec']);
    expect(() => createPinoSink({ info() {} } as never)).toThrow(/pino/);
  });
});

describe('createBatchingSink', () => {
  it('sends a batch as soon as it is full, in order', async () => {
    const batches: number[][] = [];
    const sink = createBatchingSink({
      send: async (events) => {
        batches.push(events.map((e) => Date.parse(e.timestamp)));
      },
      maxBatchSize: 3,
      clock: () => 0,
    });
    for (let i = 1; i <= 7; i++) sink.write(event(i));
    await sink.flush();
    expect(batches).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(sink.stats).toEqual({ buffered: 0, sent: 7, dropped: 0 });
  });

  it('sends on a write that finds the oldest event older than maxDelayMs, without timers', async () => {
    let now = 1000;
    const batches: number[] = [];
    const sink = createBatchingSink({
      send: async (events) => {
        batches.push(events.length);
      },
      maxBatchSize: 100,
      maxDelayMs: 500,
      clock: () => now,
    });
    sink.write(event(1));
    now = 1400;
    sink.write(event(2));
    await Promise.resolve();
    expect(batches).toEqual([]);
    expect(sink.stats.buffered).toBe(2);
    now = 1500;
    sink.write(event(3));
    await sink.flush();
    expect(batches).toEqual([3]);
  });

  it('bounds the buffer while the exporter is slow and counts dropped events', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const sent: number[] = [];
    const sink = createBatchingSink({
      send: async (events) => {
        await gate;
        sent.push(events.length);
      },
      maxBatchSize: 2,
      maxBufferSize: 4,
      clock: () => 0,
    });
    for (let i = 0; i < 10; i++) sink.write(event(i));
    expect(sink.stats.dropped).toBe(6);
    release();
    await sink.flush();
    expect(sent).toEqual([2, 2]);
    expect(sink.stats).toEqual({ buffered: 0, sent: 4, dropped: 6 });
  });

  it('counts the events of a failed send as dropped and reports the error', async () => {
    const errors: string[] = [];
    let fail = true;
    const sink = createBatchingSink({
      send: async () => {
        if (fail) throw new Error('503');
      },
      maxBatchSize: 2,
      onError: (e, events) => errors.push(`${(e as Error).message}:${events.length}`),
      clock: () => 0,
    });
    sink.write(event(1));
    sink.write(event(2));
    await sink.flush();
    fail = false;
    sink.write(event(3));
    await sink.flush();
    expect(errors).toEqual(['503:2']);
    expect(sink.stats).toEqual({ buffered: 0, sent: 1, dropped: 2 });
  });

  it('refuses bad options with a fix-it message', () => {
    expect(() => createBatchingSink({} as never)).toThrow(/send/);
    expect(() => createBatchingSink({ send: async () => {}, maxBatchSize: 0 })).toThrow(/positive/);
    expect(() =>
      createBatchingSink({ send: async () => {}, maxBatchSize: 10, maxBufferSize: 5 }),
    ).toThrow(/>= maxBatchSize/);
  });
});
