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
  const min = rule.min ?? Number.NEGATIVE_INFINITY;
  const max = rule.max ?? Number.MAX_VALUE;
  const kind = rule.integer ? 'an integer' : 'a finite number';
  const range =
    rule.min !== undefined && rule.max !== undefined
      ? ` from ${rule.min} to ${rule.max}`
      : rule.min !== undefined
        ? ` of at least ${rule.min}`
        : rule.max !== undefined
          ? ` of at most ${rule.max}`
          : '';
  const what = `${kind}${range}${rule.unit ? ` (${rule.unit})` : ''}`;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`${where}: ${name} must be ${what}; got ${shown(value)}.`);
  }
  if ((rule.integer && !Number.isInteger(value)) || value < min || value > max) {
    throw new RangeError(`${where}: ${name} must be ${what}; got ${shown(value)}.`);
  }
  return value;
}
