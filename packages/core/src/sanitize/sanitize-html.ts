import { FilterXSS, type IFilterXSSOptions } from 'xss';

/** Tags allowed by default, each with its allowed attributes (the guide's list plus lists and links). */
export const DEFAULT_ALLOWED_TAGS: Readonly<Record<string, readonly string[]>> = {
  b: [],
  i: [],
  u: [],
  em: [],
  strong: [],
  p: [],
  br: [],
  ul: [],
  ol: [],
  li: [],
  code: [],
  pre: [],
  blockquote: [],
  a: ['href', 'title'],
};

/** Options of {@link createHtmlSanitizer}. */
export interface HtmlSanitizerOptions {
  /** Tag name -> allowed attribute names. Default {@link DEFAULT_ALLOWED_TAGS}. */
  readonly allowedTags?: Readonly<Record<string, readonly string[]>> | undefined;
  /** URL schemes allowed in `href`/`src`. Default `['http', 'https', 'mailto']`. */
  readonly allowedSchemes?: readonly string[] | undefined;
}

/**
 * Builds an allow-list HTML sanitizer (js-xss underneath, pure JavaScript, any runtime).
 * Tags not allowed are removed (their text kept); `<script>` and `<style>` are removed with
 * their content; attributes not allowed are dropped; links keep only allowed schemes.
 *
 * @example
 * ```ts
 * const clean = createHtmlSanitizer();
 * clean('<b onclick="x()">hi</b><script>alert(1)</script>'); // "<b>hi</b>"
 * ```
 */
export function createHtmlSanitizer(options: HtmlSanitizerOptions = {}): (html: string) => string {
  const tags = options.allowedTags ?? DEFAULT_ALLOWED_TAGS;
  const schemes = (options.allowedSchemes ?? ['http', 'https', 'mailto']).map((s) => {
    if (!/^[a-z][a-z0-9+.-]{0,31}$/.test(s)) {
      throw new TypeError(
        `createHtmlSanitizer: "${s}" is not a URL scheme (lower-case, e.g. "https")`,
      );
    }
    return `${s}:`;
  });
  const whiteList: Record<string, string[]> = {};
  for (const [tag, attrs] of Object.entries(tags)) whiteList[tag.toLowerCase()] = [...attrs];
  const isSafeUrl = (value: string): boolean => {
    // Browsers ignore control characters and whitespace inside a scheme ("java\tscript:").
    let v = '';
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c > 32) v += value[i]!.toLowerCase();
    }
    const colon = v.indexOf(':');
    const slash = v.indexOf('/');
    if (colon < 0 || (slash >= 0 && slash < colon)) return true; // relative URL
    return schemes.some((s) => v.startsWith(s));
  };
  const config: IFilterXSSOptions = {
    whiteList,
    stripIgnoreTag: true,
    stripIgnoreTagBody: ['script', 'style', 'iframe', 'object', 'embed', 'template', 'noscript'],
    allowCommentTag: false,
    css: false,
    safeAttrValue(_tag, name, value, cssFilter) {
      void cssFilter;
      if ((name === 'href' || name === 'src') && !isSafeUrl(value)) return '';
      return value.replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    },
  };
  const filter = new FilterXSS(config);
  return (html: string) => filter.process(html);
}

/**
 * One-shot {@link createHtmlSanitizer} with the default allow-list.
 *
 * @example
 * ```ts
 * sanitizeHtml('<a href="javascript:alert(1)">x</a>'); // '<a href>x</a>'
 * ```
 */
export function sanitizeHtml(html: string, options?: HtmlSanitizerOptions): string {
  return createHtmlSanitizer(options)(html);
}
