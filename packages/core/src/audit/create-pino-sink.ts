import type { AuditLevel, AuditSinkObject, SecurityEvent } from './types.js';

type LogMethod = (object: object, message?: string) => unknown;

/** The part of a pino (or pino-compatible: bunyan-style) logger the sink uses. */
export interface PinoLikeLogger {
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
}

/** Options of {@link createPinoSink}. */
export interface PinoSinkOptions {
  /** Log message of every event. Default `security event`. */
  readonly message?: string | undefined;
  /** Logger method per level. Default info→info, warn→warn, critical→error. */
  readonly levels?: Readonly<Partial<Record<AuditLevel, keyof PinoLikeLogger>>> | undefined;
}

/**
 * A sink handing each event to a pino-compatible logger (`logger.warn(event, 'security event')`),
 * so security events share the application's transport, redaction paths and formatting.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * const audit = createAuditLog({ sink: createPinoSink(pino().child({ stream: 'security' })) });
 * ```
 */
export function createPinoSink(
  logger: PinoLikeLogger,
  options: PinoSinkOptions = {},
): AuditSinkObject {
  if (
    !logger ||
    typeof logger.info !== 'function' ||
    typeof logger.warn !== 'function' ||
    typeof logger.error !== 'function'
  ) {
    throw new TypeError(
      'createPinoSink: pass a logger with info(), warn() and error() methods, e.g. pino().',
    );
  }
  const message = options.message ?? 'security event';
  const levels: Record<AuditLevel, keyof PinoLikeLogger> = {
    info: 'info',
    warn: 'warn',
    critical: 'error',
    ...options.levels,
  };
  return {
    write(event: SecurityEvent) {
      // Checkpoint records (type audit_checkpoint) carry no level: logged as info.
      return logger[levels[event.level] ?? 'info'](event, message);
    },
  };
}
