import type { AuditSinkObject, SecurityEvent } from './types.js';

/** Anything with `write(text)`: a Node stream (`process.stdout`, a file stream), a buffer in tests. */
export interface TextWriter {
  write(chunk: string): unknown;
}

/**
 * A sink writing one JSON object per line (the format SIEMs, `jq` and log shippers read).
 * Events are already neutralised, and `JSON.stringify` escapes what is left, so an event is
 * always exactly one line.
 *
 * @param writer - Where lines go.
 * @returns A sink for `createAuditLog({ sink })`.
 * @example
 * ```ts
 * const audit = createAuditLog({ sink: createJsonLinesSink(process.stdout) });
 * ```
 */
export function createJsonLinesSink(writer: TextWriter): AuditSinkObject {
  if (!writer || typeof writer.write !== 'function') {
    throw new TypeError(
      'createJsonLinesSink: pass a writer with a write(text) method, e.g. process.stdout or fs.createWriteStream(path, { flags: "a" }).',
    );
  }
  return {
    write(event: SecurityEvent) {
      return writer.write(`${JSON.stringify(event)}\n`);
    },
  };
}
