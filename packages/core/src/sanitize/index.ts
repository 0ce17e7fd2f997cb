// Allow-list HTML sanitizing. Only on the `@jaf-sec/core/sanitize` subpath, so the other entries
// do not carry the library behind it.
export {
  createHtmlSanitizer,
  DEFAULT_ALLOWED_TAGS,
  type HtmlSanitizerOptions,
  sanitizeHtml,
} from './sanitize-html.js';
