// RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF. Pure; lines are counted in the file's own terms
// (a quoted field may span lines, so a record carries the line it starts on).
export interface CsvRecord {
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const recordLine = line;
    const fields: string[] = [];
    // One record: fields are sliced from the text (no per-character concatenation: a 10 MB file stays cheap).
    for (;;) {
      let value: string;
      if (text.charCodeAt(i) === 34 /* " */) {
        let j = i + 1;
        let parts = '';
        let from = j;
        for (;;) {
          const q = text.indexOf('"', j);
          if (q < 0) throw new CsvSyntaxError(recordLine, 'a quoted field is not closed before the end of the file');
          if (text.charCodeAt(q + 1) === 34) {
            parts += text.slice(from, q + 1);
            j = q + 2;
            from = j;
            continue;
          }
          parts += text.slice(from, q);
          for (let k = i; k < q; k++) if (text.charCodeAt(k) === 10) line++;
          i = q + 1;
          break;
        }
        value = parts;
        const c = text.charCodeAt(i);
        if (i < n && c !== 44 && c !== 10 && c !== 13)
          throw new CsvSyntaxError(line, 'unexpected character after a closing quote');
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === 44 || c === 10 || c === 13) break;
          j++;
        }
        value = text.slice(i, j);
        i = j;
      }
      fields.push(value);
      if (i >= n) break;
      const c = text.charCodeAt(i);
      if (c === 44) {
        i++;
        continue;
      }
      i += c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
      line++;
      break;
    }
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields });
  }
  return records;
}

/** Quotes a value for CSV output when it needs it. */
export const csvField = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
