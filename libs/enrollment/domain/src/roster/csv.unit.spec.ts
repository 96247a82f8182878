import fc from 'fast-check';
import { csvField, CsvSyntaxError, parseCsv } from './csv';

describe('CSV (RFC 4180)', () => {
  it('reads quoted fields, doubled quotes, embedded newlines, CRLF, and counts lines', () => {
    const text = 'a,b,c\r\n"x, y","he said ""hi""","line1\nline2"\n\nlast,,\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['x, y', 'he said "hi"', 'line1\nline2'] },
      { line: 5, fields: ['last', '', ''] },
    ]);
  });

  it('refuses an unclosed quote and garbage after a closing quote, with the line', () => {
    expect(() => parseCsv('a\n"open')).toThrow(CsvSyntaxError);
    expect(() => parseCsv('a\n"x"y,b')).toThrow(expect.objectContaining({ line: 2 }));
  });

  it('round-trips any table of strings written with csvField', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r', ' ', 'é') });
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 5 }), (rows) => {
        const text = rows.map((r) => r.map(csvField).join(',')).join('\r\n');
        expect(parseCsv(text).map((r) => r.fields)).toEqual(rows);
      }),
    );
  });
});
