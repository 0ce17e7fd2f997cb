/** The outcome of checking untrusted input: never thrown, always returned. */
export type Result<T, C extends string = string> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: ResultError<C> };

/** A failure with a stable, documented code and a message safe to show a client. */
export interface ResultError<C extends string = string> {
  readonly code: C;
  readonly message: string;
}

/** A success carrying `value`. @example `return ok(parsed);` */
export const ok = <T>(value: T): { readonly ok: true; readonly value: T } => ({ ok: true, value });

/**
 * A failure with a stable `code` (asserted in tests) and a client-safe `message` that never
 * echoes a secret, token or personal data.
 *
 * @example `return fail('TOKEN_EXPIRED', 'The token has expired.');`
 */
export const fail = <C extends string>(
  code: C,
  message: string,
): { readonly ok: false; readonly error: ResultError<C> } => ({
  ok: false,
  error: { code, message },
});
