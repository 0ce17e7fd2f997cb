import { toEcs } from './ecs.js';
import { toOcsf } from './ocsf.js';
import type { SecurityEvent } from './types.js';

/**
 * How a sink serialises an event: `jaf` (the event as it is), `ocsf` ({@link toOcsf}),
 * `ecs` ({@link toEcs}), or a function of your own returning a JSON-serialisable value.
 */
export type SiemFormat = 'jaf' | 'ocsf' | 'ecs' | ((event: SecurityEvent) => unknown);

/**
 * The formatter for a `format` sink option.
 *
 * @example
 * ```ts
 * const format = resolveSiemFormat('ocsf');
 * JSON.stringify(format(event));
 * ```
 * @throws TypeError on an unknown format name.
 */
export function resolveSiemFormat(
  format: SiemFormat | undefined,
  caller = 'resolveSiemFormat',
): (event: SecurityEvent) => unknown {
  if (format === undefined || format === 'jaf') return (event) => event;
  if (format === 'ocsf') return (event) => toOcsf(event);
  if (format === 'ecs') return toEcs;
  if (typeof format === 'function') return format;
  throw new TypeError(
    `${caller}: format must be 'jaf', 'ocsf', 'ecs' or a function (event) => object.`,
  );
}
