import { fail, ok, type Result, type ResultError } from '../internal/result.js';

/** Why a file name or path was refused. */
export type SafePathErrorCode =
  | 'PATH_EMPTY'
  | 'PATH_TOO_LONG'
  | 'PATH_NUL'
  | 'PATH_BACKSLASH'
  | 'PATH_ABSOLUTE'
  | 'PATH_TRAVERSAL'
  | 'PATH_ENCODED'
  | 'PATH_CONTROL_CHAR'
  | 'PATH_RESERVED_NAME'
  | 'PATH_INVALID_BASE';

const MAX_NAME = 255;
const MAX_PATH = 4096;
const WINDOWS_RESERVED = new Set([
  'con',
  'prn',
  'aux',
  'nul',
  'com1',
  'com2',
  'com3',
  'com4',
  'com5',
  'com6',
  'com7',
  'com8',
  'com9',
  'lpt1',
  'lpt2',
  'lpt3',
  'lpt4',
  'lpt5',
  'lpt6',
  'lpt7',
  'lpt8',
  'lpt9',
  'com0',
  'lpt0',
  'conin$',
  'conout$',
  'clock$',
]);

/**
 * Refuses a segment that some file system reads as another name: only dots (`...` is `..`
 * or `.` to some Windows APIs), a trailing dot or space (Windows and SMB strip them, so
 * `secret.txt.` opens `secret.txt`), a DOS device name with any extension (`NUL.txt`,
 * `com1 .log`; NFKC already turned `COM¹` into `COM1`), and an 8.3 short name (`PROGRA~1`,
 * which NTFS resolves to a long name the caller never checked).
 */
function checkSegmentAlias(
  seg: string,
): { readonly ok: false; readonly error: ResultError<SafePathErrorCode> } | undefined {
  let dots = 0;
  while (dots < seg.length && seg.charCodeAt(dots) === 46) dots++;
  if (dots === seg.length) {
    return fail('PATH_TRAVERSAL', 'The path must not contain a segment of only dots.');
  }
  const last = seg.charCodeAt(seg.length - 1);
  if (last === 46 || last === 32) {
    return fail('PATH_RESERVED_NAME', 'A path segment must not end with a dot or space.');
  }
  const dot = seg.indexOf('.');
  const stem = (dot < 0 ? seg : seg.slice(0, dot)).trimEnd().toLowerCase();
  if (WINDOWS_RESERVED.has(stem)) {
    return fail('PATH_RESERVED_NAME', 'A path segment is a reserved device name.');
  }
  for (let i = 0; i + 1 < seg.length; i++) {
    const next = seg.charCodeAt(i + 1);
    if (seg.charCodeAt(i) === 126 && next >= 48 && next <= 57) {
      return fail('PATH_RESERVED_NAME', 'A path segment looks like a Windows short (8.3) name.');
    }
  }
  return undefined;
}

/**
 * Checks a user-supplied path before any decoding: NFKC first (fullwidth `．．／` become
 * `../`), then refuses NUL, control characters, backslashes, `%` escapes (single or double
 * encoded traversal), absolute and drive-letter paths, and `..` segments.
 */
function checkRelative(input: string): Result<string[], SafePathErrorCode> {
  // Tool-call arguments are untrusted JSON: a number, null or object is refused, never thrown on.
  if (typeof input !== 'string') return fail('PATH_EMPTY', 'The path is not a string.');
  if (input.length === 0) return fail('PATH_EMPTY', 'The path is empty.');
  if (input.length > MAX_PATH) return fail('PATH_TOO_LONG', 'The path is too long.');
  const path = input.normalize('NFKC');
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === 0) return fail('PATH_NUL', 'The path contains a NUL character.');
    if (c < 32 || c === 127)
      return fail('PATH_CONTROL_CHAR', 'The path contains a control character.');
    if (c === 92) return fail('PATH_BACKSLASH', 'The path contains a backslash.');
    // Any escape is refused rather than decoded: decoding once and checking lets %252e%252e
    // through to a second decoder downstream.
    if (c === 37) return fail('PATH_ENCODED', 'The path contains a percent-encoded sequence.');
    // Look-alike slashes and dots that NFKC does not fold (division slash, one-dot leader...).
    if (c === 0x2215 || c === 0x2044 || c === 0x2024 || c === 0xfe52 || c === 0x29f8) {
      return fail('PATH_TRAVERSAL', 'The path contains a look-alike of a dot or slash.');
    }
  }
  if (path.charCodeAt(0) === 47 || path.charCodeAt(0) === 126) {
    return fail('PATH_ABSOLUTE', 'The path must be relative.');
  }
  if (path.length >= 2 && path.charCodeAt(1) === 58) {
    return fail('PATH_ABSOLUTE', 'The path must not name a drive.');
  }
  const segments: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') return fail('PATH_TRAVERSAL', 'The path must not contain "..".');
    if (seg.includes(':')) return fail('PATH_ABSOLUTE', 'The path must not contain ":".');
    if (seg.length > MAX_NAME) return fail('PATH_TOO_LONG', 'A path segment is too long.');
    const alias = checkSegmentAlias(seg);
    if (alias) return alias;
    segments.push(seg);
  }
  if (segments.length === 0) return fail('PATH_EMPTY', 'The path names no file.');
  return ok(segments);
}

/**
 * Validates a single file name from a user (an upload's name, a tool argument): no directory
 * parts, no traversal (plain, encoded or look-alike), no control characters, not a Windows
 * device name, no trailing dot or space, no 8.3 short name, at most 255 characters. Returns
 * the NFKC-normalized name.
 *
 * @returns `ok(name)` or `fail(code)`; codes: {@link SafePathErrorCode}.
 * @example
 * ```ts
 * safeFileName('report.pdf');        // { ok: true, value: 'report.pdf' }
 * safeFileName('../etc/passwd').ok;  // false (PATH_TRAVERSAL)
 * ```
 */
export function safeFileName(name: string): Result<string, SafePathErrorCode> {
  const r = checkRelative(name);
  if (!r.ok) return r;
  if (r.value.length !== 1 || name.normalize('NFKC').includes('/')) {
    return fail('PATH_TRAVERSAL', 'A file name must not contain "/".');
  }
  // Device names, trailing dots and spaces, dot-only and 8.3 names: refused in checkRelative.
  return ok(r.value[0]!);
}

/**
 * Joins a user-supplied relative path onto a trusted base directory, POSIX style, by hand
 * (no `node:path`): the result always lies under `base`. Refuses rather than repairs, and
 * also refuses segments another file system would read as a different name (only dots,
 * a trailing dot or space, `CON` / `NUL.txt` and other device names, `PROGRA~1` short
 * names), so a path checked here names one file on every platform and share.
 *
 * @param base - Trusted absolute directory, e.g. `/srv/uploads`.
 * @param userPath - Untrusted relative path, e.g. `alice/notes.txt`.
 * @returns `ok('/srv/uploads/alice/notes.txt')` or `fail(code)`; codes: {@link SafePathErrorCode}.
 * @example
 * ```ts
 * safeJoin('/srv/uploads', 'a/b.txt');          // { ok: true, value: '/srv/uploads/a/b.txt' }
 * safeJoin('/srv/uploads', '%2e%2e/secret').ok; // false (PATH_ENCODED)
 * ```
 */
export function safeJoin(base: string, userPath: string): Result<string, SafePathErrorCode> {
  if (
    typeof base !== 'string' ||
    base.length === 0 ||
    base.charCodeAt(0) !== 47 ||
    base.includes('\u0000')
  ) {
    return fail('PATH_INVALID_BASE', 'The base directory must be an absolute POSIX path.');
  }
  const r = checkRelative(userPath);
  if (!r.ok) return r;
  const root = base.endsWith('/') ? base.slice(0, -1) : base;
  return ok(`${root}/${r.value.join('/')}`);
}
