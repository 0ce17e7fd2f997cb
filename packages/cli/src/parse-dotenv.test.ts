import { describe, expect, it } from 'vitest';
import { parseDotenv } from './parse-dotenv.js';

describe('parseDotenv', () => {
  it('reads plain, exported, quoted and commented values', () => {
    const { values, errors } = parseDotenv(
      [
        '# comment',
        'A=1',
        'export B = two words ',
        'C="quoted # not a comment" # comment',
        "D='single $HOME \\n'",
        'E="line\\nbreak \\"q\\""',
        'F=',
        'G=value # trailing',
        '',
      ].join('\r\n'),
    );
    expect(errors).toEqual([]);
    expect(values).toEqual({
      A: '1',
      B: 'two words',
      C: 'quoted # not a comment',
      D: 'single $HOME \\n',
      E: 'line\nbreak "q"',
      F: '',
      G: 'value',
    });
  });

  it('reports lines it cannot read, with their numbers', () => {
    const { errors, values } = parseDotenv('OK=1\nnot a var\n1BAD=x\nQ="open\nR="x" y\n');
    expect(values).toEqual({ OK: '1' });
    expect(errors).toEqual([
      { line: 2, message: 'expected KEY=value' },
      { line: 3, message: 'the name must be letters, digits and _' },
      { line: 4, message: 'unterminated quote (multi-line values are not supported)' },
      { line: 5, message: 'unexpected text after the closing quote' },
    ]);
  });
});
