import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { createAuditLog, type SecurityEvent, toEcs } from '@jaf-sec/core/audit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSyslogSink, formatSyslogMessage } from './syslog-sink.js';

/** A small RFC 6587 octet-counting receiver: collects every complete message. */
interface Listener {
  port: number;
  messages: string[];
  server: Server;
  sockets: Set<Socket>;
  stop(): Promise<void>;
  start(): Promise<void>;
}

function octetCountingParser(onMessage: (m: string) => void) {
  let buffer = Buffer.alloc(0);
  return (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const space = buffer.indexOf(0x20);
      if (space === -1) return;
      const length = Number(buffer.subarray(0, space).toString('ascii'));
      if (!Number.isInteger(length) || length <= 0) throw new Error('bad frame');
      if (buffer.length < space + 1 + length) return;
      onMessage(buffer.subarray(space + 1, space + 1 + length).toString('utf8'));
      buffer = buffer.subarray(space + 1 + length);
    }
  };
}

async function listen(makeServer: (onSocket: (s: Socket) => void) => Server): Promise<Listener> {
  const l = { messages: [] as string[], sockets: new Set<Socket>() } as Listener;
  l.server = makeServer((socket) => {
    l.sockets.add(socket);
    socket.on('close', () => l.sockets.delete(socket));
    socket.on('error', () => {});
    socket.on(
      'data',
      octetCountingParser((m) => l.messages.push(m)),
    );
  });
  await new Promise<void>((resolve) => l.server.listen(0, '127.0.0.1', resolve));
  l.port = (l.server.address() as { port: number }).port;
  l.stop = () =>
    new Promise<void>((resolve) => {
      for (const s of l.sockets) s.destroy();
      l.server.close(() => resolve());
    });
  l.start = () => new Promise<void>((resolve) => l.server.listen(l.port, '127.0.0.1', resolve));
  return l;
}

const tcp = () => listen((onSocket) => createNetServer(onSocket));

const listeners: Listener[] = [];
afterEach(async () => {
  for (const l of listeners.splice(0)) if (l.server.listening) await l.stop();
});

const event = (i: number, extra: Partial<SecurityEvent> = {}): SecurityEvent => ({
  timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  type: 'authn_token_invalid',
  level: 'warn',
  principal: null,
  client: '203.0.113.7',
  requestId: `req-${i}`,
  method: 'GET',
  path: '/v1/chat',
  outcome: 'deny',
  rule: 'authenticate',
  code: 'TOKEN_EXPIRED',
  status: 401,
  details: {},
  ...extra,
});

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

// RFC 5424 HEADER SP STRUCTURED-DATA SP BOM MSG, as a receiver would split it.
const RFC5424 = /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (\[[^\]]*\]) \uFEFF(\{.*\})$/s;

const fast = { flushIntervalMs: 5, retryInitialDelayMs: 5, retryMaxDelayMs: 40 };

describe('createSyslogSink over TCP', () => {
  it('sends RFC 5424 messages with octet counting, nothing lost while the receiver is up', async () => {
    const l = await tcp();
    listeners.push(l);
    const sink = createSyslogSink({
      host: '127.0.0.1',
      port: l.port,
      hostname: 'api-1',
      maxBatch: 7,
      ...fast,
    });
    for (let i = 0; i < 40; i++) sink.write(event(i));
    expect(await sink.drain()).toBe(true);
    await until(() => l.messages.length === 40);
    const first = RFC5424.exec(l.messages[0] as string);
    expect(first).not.toBeNull();
    const [, pri, ts, host, app, procId, msgId, sd, msg] = first as RegExpExecArray;
    expect(Number(pri)).toBe(10 * 8 + 4); // authpriv.warning
    expect(ts).toBe('2026-01-01T00:00:00.000Z');
    expect([host, app, procId, msgId]).toEqual([
      'api-1',
      'jaf-sec',
      String(process.pid),
      'authn_token_invalid',
    ]);
    expect(sd).toBe(
      '[jafsec@32473 outcome="deny" level="warn" code="TOKEN_EXPIRED" rule="authenticate" status="401" requestId="req-0"]',
    );
    expect(JSON.parse(msg as string)).toMatchObject({
      type: 'authn_token_invalid',
      requestId: 'req-0',
    });
    expect(l.messages.map((m) => JSON.parse(RFC5424.exec(m)?.[8] as string).requestId)).toEqual(
      Array.from({ length: 40 }, (_, i) => `req-${i}`),
    );
    expect(sink.stats).toMatchObject({ sent: 40, dropped: 0 });
    await sink.close();
  });

  it('receiver down past the queue bound: drops are counted, the rest arrives when it is back', async () => {
    const l = await tcp();
    listeners.push(l);
    await l.stop();
    const drops: number[] = [];
    const sink = createSyslogSink({
      host: '127.0.0.1',
      port: l.port,
      format: 'ecs',
      maxQueue: 20,
      maxBatch: 5,
      onDrop: (n) => drops.push(n),
      ...fast,
    });
    const started = performance.now();
    for (let i = 0; i < 60; i++) sink.write(event(i));
    expect(performance.now() - started).toBeLessThan(100);
    await until(() => sink.stats.failedAttempts >= 2);
    expect(sink.stats).toMatchObject({ queued: 20, dropped: 40 });
    expect(drops.reduce((a, b) => a + b, 0)).toBe(40);
    await l.start();
    await until(() => l.messages.length === 20);
    const bodies = l.messages.map((m) => JSON.parse(RFC5424.exec(m)?.[8] as string));
    expect(bodies[0]).toEqual(JSON.parse(JSON.stringify(toEcs(event(0)))));
    expect(bodies.map((b) => b.http.request.id)).toEqual(
      Array.from({ length: 20 }, (_, i) => `req-${i}`),
    );
    expect(sink.stats).toMatchObject({ sent: 20, dropped: 40, queued: 0 });
    await sink.close();
  });

  it('reconnects after the receiver drops the connection', async () => {
    const l = await tcp();
    listeners.push(l);
    const sink = createSyslogSink({ host: '127.0.0.1', port: l.port, ...fast });
    sink.write(event(1));
    await until(() => l.messages.length === 1);
    for (const s of l.sockets) s.destroy();
    await until(() => l.sockets.size === 0);
    await new Promise((r) => setTimeout(r, 20));
    for (let i = 2; i <= 5; i++) sink.write(event(i));
    await until(() => l.messages.length === 5);
    expect(sink.stats.sent).toBe(5);
    await sink.close();
  });

  it('as an audit sink it never throws into the request path, even with no receiver at all', async () => {
    const sink = createSyslogSink({
      host: '127.0.0.1',
      port: 1,
      maxQueue: 3,
      maxBatch: 1,
      ...fast,
    });
    const audit = createAuditLog({ sink });
    for (let i = 0; i < 10; i++) audit.record('authz_fail', { principal: `u${i}` });
    expect(audit.stats.sinkErrors).toBe(0);
    expect(sink.stats.dropped).toBe(7);
    await sink.close(50);
    expect(sink.stats.dropped).toBe(10);
  });

  it('escapes structured-data values and replaces non-printable MSGID characters', () => {
    const m = formatSyslogMessage(
      event(0, { type: 'custom type\u0007', code: 'A"B]C\\D', rule: 'r\nx' }),
      '{}',
      { facility: 13, hostname: 'h', appName: 'a', procId: '1', sdId: 'x@1' },
    );
    expect(m).toContain(' custom_type_ ');
    expect(m).toContain('code="A\\"B\\]C\\\\D"');
    expect(m).toContain('rule="r x"');
    expect(m.startsWith('<108>1 ')).toBe(true); // 13 * 8 + 4
  });

  it('throws fix-it errors at construction on bad options', () => {
    expect(() => createSyslogSink({} as never)).toThrow(/host/);
    expect(() => createSyslogSink({ host: 'h', port: 0 })).toThrow(/port/);
    expect(() => createSyslogSink({ host: 'h', port: 514, facility: 24 })).toThrow(/facility/);
    expect(() => createSyslogSink({ host: 'h', port: 514, framing: 'x' as never })).toThrow(
      /framing/,
    );
  });
});

describe('createSyslogSink over TLS (RFC 5425)', () => {
  let dir: string;
  let key: string;
  let cert: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'jaf-mon-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    key = readFileSync(join(dir, 'key.pem'), 'utf8');
    cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('delivers over TLS to a receiver whose certificate it verifies', async () => {
    const l = await listen((onSocket) => createTlsServer({ key, cert }, onSocket));
    listeners.push(l);
    const sink = createSyslogSink({
      host: '127.0.0.1',
      port: l.port,
      tls: { ca: cert, servername: 'localhost' },
      format: 'ocsf',
      ...fast,
    });
    for (let i = 0; i < 5; i++) sink.write(event(i));
    await until(() => l.messages.length === 5);
    expect(JSON.parse(RFC5424.exec(l.messages[0] as string)?.[8] as string)).toMatchObject({
      class_uid: 3002,
      status_code: 'TOKEN_EXPIRED',
    });
    await sink.close();
  });

  it('refuses a receiver with an untrusted certificate (counted as failed attempts, not sent)', async () => {
    const l = await listen((onSocket) => createTlsServer({ key, cert }, onSocket));
    listeners.push(l);
    const errors: string[] = [];
    const sink = createSyslogSink({
      host: '127.0.0.1',
      port: l.port,
      tls: true,
      onError: (e) => errors.push(e.code),
      ...fast,
    });
    sink.write(event(0));
    await until(() => sink.stats.failedAttempts >= 1);
    expect(errors[0]).toBe('SYSLOG_CONNECT');
    expect(l.messages).toEqual([]);
    await sink.close(20);
  });
});
