import { describe, expect, it } from 'vitest';
import { createHtmlSanitizer, sanitizeHtml } from './sanitize-html.js';

describe('sanitizeHtml', () => {
  it('keeps allowed tags and drops event-handler attributes', () => {
    expect(sanitizeHtml('<b onclick="steal()">bold</b> <i>it</i>')).toBe('<b>bold</b> <i>it</i>');
  });

  it('removes script and style elements with their content', () => {
    expect(sanitizeHtml('a<script>alert(1)</script>b<style>*{}</style>c')).toBe('abc');
  });

  it('strips disallowed tags but keeps their text', () => {
    expect(sanitizeHtml('<div><img src=x onerror=alert(1)>hi</div>')).toBe('hi');
  });

  it('drops javascript: URLs, even with whitespace or case tricks', () => {
    for (const href of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'java\tscript:alert(1)',
      ' data:text/html,x',
    ]) {
      expect(sanitizeHtml(`<a href="${href}">x</a>`)).toBe('<a href>x</a>');
    }
    expect(sanitizeHtml('<a href="https://example.com/?a=1&b=2">x</a>')).toBe(
      '<a href="https://example.com/?a=1&b=2">x</a>',
    );
    expect(sanitizeHtml('<a href="/relative/path">x</a>')).toBe('<a href="/relative/path">x</a>');
  });

  it('leaves plain text that mentions SQL or script words alone', () => {
    const text = 'select * from users; drop table users; the javascript book';
    expect(sanitizeHtml(text)).toBe(text);
  });

  it('accepts a custom allow-list and rejects a malformed scheme at construction', () => {
    const clean = createHtmlSanitizer({ allowedTags: { span: ['title'] } });
    expect(clean('<span title="t" class="c">x</span><b>y</b>')).toBe('<span title="t">x</span>y');
    expect(() => createHtmlSanitizer({ allowedSchemes: ['Java Script'] })).toThrow(
      /not a URL scheme/,
    );
  });
});
