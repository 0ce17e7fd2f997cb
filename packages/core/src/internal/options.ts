/** The range a numeric option must lie in, checked once when a factory or call is set up. */
export interface NumberOptionRule {
  /** Smallest accepted value (inclusive). Default: no lower bound. */
  readonly min?: number | undefined;
  /** Largest accepted value (inclusive). Default: no upper bound (but always finite). */
  readonly max?: number | undefined;
  /** Only whole numbers. Default false. */
  readonly integer?: boolean | undefined;
  /** Unit named in the message, e.g. `seconds`. */
  readonly unit?: string | undefined;
}

const shown = (value: unknown): string =>
  typeof value === 'number' ? String(value) : value === null ? 'null' : typeof value;

/**
 * Checks a developer-supplied numeric option: `undefined` yields `fallback`; anything else
 * must be a finite number (NaN, Infinity and numeric strings are refused, since they turn
 * every comparison against a clock or a size into "false") within `rule`. One message
 * format everywhere: `<where>: <name> must be <what>; got <value>.` The value is shown only
 * when it is a number (never a string, which might be a pasted secret).
 *
 * @throws TypeError (not a finite number) or RangeError (outside the rule), with the fix.
 * @example `const ttl = numberOption('fernetDecrypt', 'ttl', options.ttl, undefined, { min: 0, unit: 'seconds' });`
 */
export function numberOption<F extends number | undefined>(
  where: string,
  name: string,
  value: unknown,
  fallback: F,
  rule: NumberOptionRule = {},
): number | F {
  if (value === undefined) return fallback;
  // The checks come first and allocate nothing: this runs on hot paths (a per-call `now`).
  if (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (rule.min === undefined || value >= rule.min) &&
    (rule.max === undefined || value <= rule.max) &&
    (!rule.integer || Number.isInteger(value))
  ) {
    return value;
  }
  const kind = rule.integer ? 'an integer' : 'a finite number';
  const range =
    rule.min !== undefined && rule.max !== undefined
      ? ` from ${rule.min} to ${rule.max}`
      : rule.min !== undefined
        ? ` of at least ${rule.min}`
        : rule.max !== undefined
          ? ` of at most ${rule.max}`
          : '';
  const message = `${where}: ${name} must be ${kind}${range}${rule.unit ? ` (${rule.unit})` : ''}; got ${shown(value)}.`;
  throw typeof value !== 'number' || !Number.isFinite(value)
    ? new TypeError(message)
    : new RangeError(message);
}

/** A time in ms since the epoch, as `Date.now()` returns (0 to the year 275760). */
export const TIME_MS = { min: 0, max: 8.64e15, unit: 'ms since the epoch' } as const;

/**
 * The current time of a call: `now` when given, else the clock's reading; either must be a
 * finite time, since a NaN clock makes every expiry comparison false (everything "current").
 *
 * @throws TypeError/RangeError naming `where` and `now`.
 */
export function callTime(where: string, now: unknown, clock: () => number): number {
  return numberOption(where, 'now', now === undefined ? clock() : now, 0, TIME_MS);
}
