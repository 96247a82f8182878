// Reading roster files from disk or an upload: a size cap checked before reading (a 200 MB file is refused from
// its size alone), a byte order mark dropped, and strict UTF-8 (the line of the first bad byte is reported).
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RosterFileInput } from '@tutoring/enrollment/domain';

/** Largest roster file accepted (a 30k-student district's enrollments.csv is ≈ 10 MB). */
export const MAX_ROSTER_FILE_BYTES = 64 * 1024 * 1024;

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export function decodeRosterFile(fileName: string, bytes: Buffer): RosterFileInput {
  const body = bytes.subarray(0, 3).equals(BOM) ? bytes.subarray(3) : bytes;
  if (body.length === 0)
    return { fileName, text: null, problem: { line: 1, reason: 'file is empty: a header row is required' } };
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    return { fileName, text: decoder.decode(body) };
  } catch {
    let line = 1;
    let start = 0;
    for (let i = 0; i <= body.length; i++) {
      if (i === body.length || body[i] === 0x0a) {
        try {
          decoder.decode(body.subarray(start, i));
        } catch {
          return {
            fileName,
            text: null,
            problem: { line, reason: 'file is not valid UTF-8 (OneRoster CSV files are UTF-8)' },
          };
        }
        line++;
        start = i + 1;
      }
    }
    return { fileName, text: null, problem: { line: 1, reason: 'file is not valid UTF-8' } };
  }
}

export const tooLarge = (fileName: string, size: number, cap = MAX_ROSTER_FILE_BYTES): RosterFileInput => ({
  fileName,
  text: null,
  problem: { line: 0, reason: `file is ${size} bytes, above the limit of ${cap} bytes: nothing of it was read` },
});

/** Every .csv file of a directory (a OneRoster export unzipped). */
export async function readRosterDirectory(dir: string, cap = MAX_ROSTER_FILE_BYTES): Promise<RosterFileInput[]> {
  const names = (await readdir(dir)).filter((n) => n.toLowerCase().endsWith('.csv')).sort();
  const files: RosterFileInput[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const { size } = await stat(path);
    if (size > cap) {
      files.push(tooLarge(name, size, cap));
      continue;
    }
    const handle = await open(path, 'r');
    try {
      files.push(decodeRosterFile(name, await handle.readFile()));
    } finally {
      await handle.close();
    }
  }
  return files;
}
