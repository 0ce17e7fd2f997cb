import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuditLog, type SecurityEvent, toOcsf } from '@jaf-sec/core/audit';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpSink } from './http-sink.js';

type Mode = 'up' | 'fail' | 'reject';

interface Receiver {
  url: string;
  lines: Record<string, unknown>[];
  requests: number;
  authorization: string[];
  mode: Mode;
  server: Server;
  stop(): Promise<void>;
  start(): Promise<void>;
}

async function receiver(): Promise<Receiver> {
  const r = {
    lines: [] as Record<string, unknown>[],
    requests: 0,
    authorization: [] as string[],
    mode: 'up' as Mode,
  } as Receiver;
  r.server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      r.requests++;
      r.authorization.push(String(req.headers.authorization));
      if (r.mode === 'fail') {
        res.writeHead(503, { 'retry-after': '0' }).end();
        return;
      }
      if (r.mode === 'reject') {
        res.writeHead(400).end();
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      for (const line of text.split('\n')) if (line) r.lines.push(JSON.parse(line));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => r.server.listen(0, '127.0.0.1', resolve));
  const port = (r.server.address() as AddressInfo).port;
  r.url = `http://127.0.0.1:${port}/ingest`;
  r.stop = () =>
    new Promise<void>((resolve) => {
      r.server.closeAllConnections();
      r.server.close(() => resolve());
    });
  r.start = () => new Promise<void>((resolve) => r.server.listen(port, '127.0.0.1', resolve));
  return r;
}

const receivers: Receiver[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) if (r.server.listening) await r.stop();
});

const event = (i: number): SecurityEvent => ({
  timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  type: 'authz_fail',
  level: 'warn',
  principal: `user-${i}`,
  client: '203.0.113.7',
  requestId: `req-${i}`,
  method: 'POST',
  path: '/chat',
  outcome: 'deny',
  code: 'INSUFFICIENT_PERMISSIONS',
  details: {},
});

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const fast = { flushIntervalMs: 5, retryInitialDelayMs: 5, retryMaxDelayMs: 40 };

describe('createHttpSink against a loopback receiver', () => {
  it('loses nothing while the receiver is up, in order, in batches', async () => {
    const r = await receiver();
    receivers.push(r);
    const sink = createHttpSink({
      url: r.url,
      maxBatch: 10,
      headers: { authorization: 'Bearer collector-token' },
      ...fast,
    });
    for (let i = 0; i < 95; i++) sink.write(event(i));
    expect(await sink.drain()).toBe(true);
    expect(r.lines.map((l) => l.requestId)).toEqual(
      Array.from({ length: 95 }, (_, i) => `req-${i}`),
    );
    expect(r.requests).toBe(10);
    expect(r.authorization.every((a) => a === 'Bearer collector-token')).toBe(true);
    expect(sink.stats).toMatchObject({ sent: 95, dropped: 0, queued: 0, failedAttempts: 0 });
    await sink.close();
  });

  it('fails and recovers: retries with backoff, drops exactly the overflow past the queue bound, and counts it', async () => {
    const r = await receiver();
    receivers.push(r);
    r.mode = 'fail';
    const drops: number[] = [];
    const errors: string[] = [];
    const sink = createHttpSink({
      url: r.url,
      maxQueue: 50,
      maxBatch: 10,
      onDrop: (n, reason) => drops.push(reason === 'queue_full' ? n : -1000),
      onError: (e) => errors.push(e.code),
      ...fast,
    });
    for (let i = 0; i < 30; i++) sink.write(event(i));
    await until(() => sink.stats.failedAttempts >= 3);
    // The collector is down: writes never wait and never throw; past 50 they are dropped.
    const started = performance.now();
    for (let i = 30; i < 130; i++) sink.write(event(i));
    expect(performance.now() - started).toBeLessThan(100);
    expect(sink.stats.queued).toBe(50);
    expect(sink.stats.dropped).toBe(80);
    expect(sink.stats.droppedBy.queue_full).toBe(80);
    expect(drops.reduce((a, b) => a + b, 0)).toBe(80);
    expect(errors.every((c) => c === 'HTTP_STATUS')).toBe(true);

    r.mode = 'up';
    await until(() => sink.stats.queued === 0);
    // Everything queued arrives, oldest first; the newest overflow is what was dropped.
    expect(r.lines.map((l) => l.requestId)).toEqual(
      Array.from({ length: 50 }, (_, i) => `req-${i}`),
    );
    expect(sink.stats).toMatchObject({ sent: 50, dropped: 80 });
    await sink.close();
  });

  it('survives the receiver going away entirely (connection refused) and coming back', async () => {
    const r = await receiver();
    receivers.push(r);
    await r.stop();
    const errors: string[] = [];
    const sink = createHttpSink({
      url: r.url,
      maxBatch: 5,
      format: 'ocsf',
      onError: (e) => errors.push(e.code),
      ...fast,
    });
    for (let i = 0; i < 12; i++) sink.write(event(i));
    await until(() => sink.stats.failedAttempts >= 2);
    expect(errors[0]).toBe('HTTP_NETWORK');
    await r.start();
    await until(() => sink.stats.sent === 12);
    expect(r.lines).toHaveLength(12);
    expect(r.lines[0]).toEqual(JSON.parse(JSON.stringify(toOcsf(event(0)))));
    expect(sink.stats.dropped).toBe(0);
    await sink.close();
  });

  it("drop policy 'oldest' keeps the newest events", async () => {
    const r = await receiver();
    receivers.push(r);
    r.mode = 'fail';
    const sink = createHttpSink({
      url: r.url,
      maxQueue: 10,
      maxBatch: 5,
      dropPolicy: 'oldest',
      ...fast,
      // Long enough that the writes below land between two attempts (nothing in flight).
      retryInitialDelayMs: 300,
      retryMaxDelayMs: 300,
    });
    for (let i = 0; i < 5; i++) sink.write(event(i));
    await until(() => sink.stats.failedAttempts >= 1);
    for (let i = 5; i < 40; i++) sink.write(event(i));
    expect(sink.stats).toMatchObject({ queued: 10, dropped: 30 });
    r.mode = 'up';
    await until(() => sink.stats.queued === 0);
    // Between attempts nothing is in flight: the oldest go, the ten newest arrive.
    expect(r.lines.map((l) => l.requestId)).toEqual(
      Array.from({ length: 10 }, (_, i) => `req-${30 + i}`),
    );
    await sink.close();
  });

  it('a 4xx refusal drops the batch as rejected instead of retrying forever', async () => {
    const r = await receiver();
    receivers.push(r);
    r.mode = 'reject';
    const sink = createHttpSink({ url: r.url, maxBatch: 4, ...fast });
    for (let i = 0; i < 4; i++) sink.write(event(i));
    await until(() => sink.stats.dropped === 4);
    expect(sink.stats.droppedBy.rejected).toBe(4);
    expect(r.requests).toBe(1);
    await sink.close();
  });

  it('close() gives up on a dead collector within its timeout and counts what is left', async () => {
    const r = await receiver();
    receivers.push(r);
    r.mode = 'fail';
    const sink = createHttpSink({ url: r.url, ...fast });
    for (let i = 0; i < 7; i++) sink.write(event(i));
    await sink.close(200);
    expect(sink.stats).toMatchObject({ queued: 0, sent: 0, dropped: 7 });
    expect(sink.stats.droppedBy.closed).toBe(7);
    sink.write(event(8));
    expect(sink.stats.droppedBy.closed).toBe(8);
  });

  it('as an audit sink, never throws into the request path (format errors and oversized events are counted)', async () => {
    const r = await receiver();
    receivers.push(r);
    const sink = createHttpSink({
      url: r.url,
      maxEventBytes: 2_000,
      format: (e) => {
        if (e.principal === 'boom') throw new Error('bad formatter');
        return e;
      },
      ...fast,
    });
    const audit = createAuditLog({ sink });
    audit.record('authz_fail', { principal: 'boom' });
    audit.record('authz_fail', { principal: 'ok', details: { note: 'x'.repeat(900) } });
    audit.record('authz_fail', {
      principal: 'big',
      details: { a: 'x'.repeat(1000), b: 'y'.repeat(1000) },
    });
    expect(await sink.drain()).toBe(true);
    expect(sink.stats.droppedBy).toMatchObject({ format_error: 1, too_large: 1 });
    expect(r.lines.map((l) => l.principal)).toEqual(['ok']);
    expect(audit.stats.sinkErrors).toBe(0);
    await sink.close();
  });

  it('throws fix-it errors at construction on bad options', () => {
    expect(() => createHttpSink({} as never)).toThrow(/url/);
    expect(() => createHttpSink({ url: 'not a url' })).toThrow(/absolute URL/);
    expect(() => createHttpSink({ url: 'ftp://x.example' })).toThrow(/http/);
    expect(() => createHttpSink({ url: 'https://x.example', maxQueue: 0 })).toThrow(/maxQueue/);
    expect(() => createHttpSink({ url: 'https://x.example', maxBatch: 20, maxQueue: 10 })).toThrow(
      /maxBatch/,
    );
    expect(() => createHttpSink({ url: 'https://x.example', format: 'cef' as never })).toThrow(
      /format/,
    );
  });
});
