import { isIP, connect as netConnect, type Socket } from 'node:net';
import { hostname as osHostname } from 'node:os';
import { type ConnectionOptions, connect as tlsConnect } from 'node:tls';
import type { AuditLevel, AuditSinkObject, SecurityEvent, SiemFormat } from '@jaf-sec/core/audit';
import { resolveSiemFormat } from '@jaf-sec/core/audit';
import {
  createDeliveryQueue,
  DeliveryError,
  type DeliveryOptions,
  type DeliveryStats,
} from './delivery-queue.js';

/** Options of {@link createSyslogSink}. */
export interface SyslogSinkOptions extends DeliveryOptions {
  readonly host: string;
  readonly port: number;
  /** TLS (RFC 5425): `true`, or `tls.connect` options (ca, cert, key, servername...). Default plain TCP. */
  readonly tls?: boolean | ConnectionOptions | undefined;
  /** `jaf` (default), `ocsf`, `ecs` or a function: the JSON in the MSG part. */
  readonly format?: SiemFormat | undefined;
  /** Syslog facility code 0-23. Default 10 (authpriv: security/authorization, restricted access). */
  readonly facility?: number | undefined;
  /** HOSTNAME field. Default `os.hostname()`. */
  readonly hostname?: string | undefined;
  /** APP-NAME field. Default `jaf-sec`. */
  readonly appName?: string | undefined;
  /** SD-ID of the structured data element. Default `jafsec@32473` (32473 is the documentation PEN: use your own). */
  readonly sdId?: string | undefined;
  /** Framing: `octet-counting` (RFC 6587 §3.4.1, required by RFC 5425; default) or `lf` (non-transparent, one message a line). */
  readonly framing?: 'octet-counting' | 'lf' | undefined;
  /** Connect timeout. Default 5,000 ms. */
  readonly connectTimeoutMs?: number | undefined;
}

/** A syslog sink: an audit sink plus counters, `drain()` and `close()`. */
export interface SyslogSink extends AuditSinkObject {
  /** Never throws, never waits: formats the event and queues it (or drops and counts it). */
  write(event: SecurityEvent): void;
  flush(): Promise<void>;
  /** Sends what is queued; true once all is written to the socket, false on a failure or timeout. */
  drain(timeoutMs?: number): Promise<boolean>;
  /** Flushes (up to `timeoutMs`, default 5 s), closes the connection; what is left is dropped (`closed`). */
  close(timeoutMs?: number): Promise<void>;
  readonly stats: DeliveryStats;
}

// RFC 5424 severities: 2 critical, 4 warning, 6 informational.
const SEVERITY: Readonly<Record<AuditLevel, number>> = { info: 6, warn: 4, critical: 2 };

/** PRINTUSASCII (33-126), at most `max` characters; `-` (NILVALUE) when empty. */
export function syslogToken(value: string | undefined | null, max: number): string {
  if (!value) return '-';
  let out = '';
  for (let i = 0; i < value.length && out.length < max; i++) {
    const c = value.charCodeAt(i);
    out += c >= 33 && c <= 126 ? value[i] : '_';
  }
  return out;
}

/** SD-NAME: PRINTUSASCII except '=', ' ', ']', '"'; at most 32 characters. */
function sdName(value: string): string {
  let out = '';
  for (let i = 0; i < value.length && out.length < 32; i++) {
    const c = value.charCodeAt(i);
    out += c >= 33 && c <= 126 && c !== 61 && c !== 93 && c !== 34 ? value[i] : '_';
  }
  return out || '_';
}

/** PARAM-VALUE escaping (RFC 5424 §6.3.3): `"`, `\` and `]` get a backslash. */
function sdValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length && i < 256; i++) {
    const ch = value[i] as string;
    const c = value.charCodeAt(i);
    if (c < 32 || c === 127) out += ' ';
    else out += ch === '"' || ch === '\\' || ch === ']' ? `\\${ch}` : ch;
  }
  return out;
}

/** RFC 5424 TIMESTAMP from the event's ISO time (at most 6 fractional digits), or `-`. */
function timestampOf(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : '-';
}

/**
 * One RFC 5424 message (without framing): `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID
 * [SD] BOM MSG`, MSGID the event type, structured data the outcome, level, code and rule,
 * MSG the formatted event as UTF-8 JSON.
 */
export function formatSyslogMessage(
  event: SecurityEvent,
  json: string,
  options: { facility: number; hostname: string; appName: string; procId: string; sdId: string },
): string {
  const pri = options.facility * 8 + (SEVERITY[event.level] ?? 5);
  const params = [`outcome="${sdValue(event.outcome)}"`, `level="${sdValue(event.level)}"`];
  if (event.code !== undefined) params.push(`code="${sdValue(event.code)}"`);
  if (event.rule !== undefined) params.push(`rule="${sdValue(event.rule)}"`);
  if (event.status !== undefined) params.push(`status="${event.status}"`);
  if (event.requestId !== null) params.push(`requestId="${sdValue(event.requestId)}"`);
  const sd = `[${options.sdId} ${params.join(' ')}]`;
  return `<${pri}>1 ${timestampOf(event.timestamp)} ${options.hostname} ${options.appName} ${options.procId} ${syslogToken(event.type, 32)} ${sd} \uFEFF${json}`;
}

/**
 * Sends security events to a syslog receiver (rsyslog, syslog-ng, a SIEM's syslog intake) as
 * RFC 5424 messages over TCP (RFC 6587) or TLS (RFC 5425). One connection, opened on first
 * use and reopened after a failure with exponential backoff; bounded queue; counted drops.
 * TCP has no application acknowledgement: see docs/monitoring.md for what that means.
 *
 * @example
 * ```ts
 * const sink = createSyslogSink({ host: 'siem.internal', port: 6514, tls: { ca }, format: 'ecs' });
 * const audit = createAuditLog({ sink });
 * ```
 * @throws TypeError/RangeError at construction on bad options.
 */
export function createSyslogSink(options: SyslogSinkOptions): SyslogSink {
  if (!options || typeof options.host !== 'string' || options.host.length === 0) {
    throw new TypeError("createSyslogSink: pass { host: 'syslog.internal', port: 6514 }.");
  }
  const port = options.port;
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new RangeError('createSyslogSink: port must be an integer from 1 to 65535.');
  }
  const facility = options.facility ?? 10;
  if (!Number.isInteger(facility) || facility < 0 || facility > 23) {
    throw new RangeError('createSyslogSink: facility must be an integer from 0 to 23.');
  }
  const framing = options.framing ?? 'octet-counting';
  if (framing !== 'octet-counting' && framing !== 'lf') {
    throw new TypeError("createSyslogSink: framing must be 'octet-counting' or 'lf'.");
  }
  const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
  if (!Number.isFinite(connectTimeoutMs) || connectTimeoutMs <= 0) {
    throw new RangeError('createSyslogSink: connectTimeoutMs must be a positive number of ms.');
  }
  const format = resolveSiemFormat(options.format, 'createSyslogSink');
  const header = {
    facility,
    hostname: syslogToken(options.hostname ?? osHostname(), 255),
    appName: syslogToken(options.appName ?? 'jaf-sec', 48),
    procId: syslogToken(String(process.pid), 128),
    sdId: sdName(options.sdId ?? 'jafsec@32473'),
  };
  const tlsOptions = options.tls === true ? {} : options.tls || undefined;
  const encoder = new TextEncoder();

  let socket: Socket | undefined;
  let connecting: Promise<Socket> | undefined;

  function open(): Promise<Socket> {
    if (socket && !socket.destroyed && socket.writable) return Promise.resolve(socket);
    if (connecting) return connecting;
    connecting = new Promise<Socket>((resolve, reject) => {
      const s: Socket = tlsOptions
        ? tlsConnect({
            // SNI carries a name, never an address (RFC 6066).
            ...(isIP(options.host) === 0 ? { servername: options.host } : {}),
            ...tlsOptions,
            host: options.host,
            port,
          })
        : netConnect({ host: options.host, port });
      const ready = tlsOptions ? 'secureConnect' : 'connect';
      const timer = setTimeout(() => s.destroy(new Error('connect timeout')), connectTimeoutMs);
      const fail = () => {
        clearTimeout(timer);
        s.destroy();
        reject(new DeliveryError('SYSLOG_CONNECT', 'The syslog receiver could not be reached.'));
      };
      s.once('error', fail);
      s.once(ready, () => {
        clearTimeout(timer);
        s.off('error', fail);
        s.setKeepAlive(true);
        s.setNoDelay(true);
        // Any later error or close: drop the socket, the next delivery reconnects.
        s.on('error', () => s.destroy());
        s.once('close', () => {
          if (socket === s) socket = undefined;
        });
        // A receiver does not talk back on syslog: anything it sends is discarded.
        s.on('data', () => {});
        socket = s;
        resolve(s);
      });
    }).finally(() => {
      connecting = undefined;
    });
    return connecting;
  }

  const queue = createDeliveryQueue(
    'createSyslogSink',
    async (batch) => {
      const s = await open();
      const payload = batch.join('');
      await new Promise<void>((resolve, reject) => {
        const onClose = () =>
          reject(new DeliveryError('SYSLOG_WRITE', 'The syslog connection closed during a write.'));
        s.once('close', onClose);
        s.write(payload, (error) => {
          s.off('close', onClose);
          if (error) {
            s.destroy();
            reject(new DeliveryError('SYSLOG_WRITE', 'The syslog write failed.'));
          } else resolve();
        });
      });
    },
    options,
  );

  return {
    write(event) {
      let frame: string | undefined;
      try {
        const json = JSON.stringify(format(event));
        if (typeof json === 'string') {
          const message = formatSyslogMessage(event, json, header);
          frame =
            framing === 'lf'
              ? `${message.replaceAll('\n', ' ')}\n`
              : `${encoder.encode(message).length} ${message}`;
        }
      } catch {
        frame = undefined;
      }
      if (frame === undefined) queue.reject('format_error');
      else queue.push(frame);
    },
    async flush() {
      await queue.flush();
    },
    drain: (timeoutMs) => queue.flush(timeoutMs),
    async close(timeoutMs) {
      await queue.close(timeoutMs);
      socket?.end();
      socket = undefined;
    },
    get stats() {
      return queue.stats;
    },
  };
}
