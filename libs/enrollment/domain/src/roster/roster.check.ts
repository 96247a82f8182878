// Checks a OneRoster 1.2 CSV set row by row and keeps the rows that can be applied. Pure: the caller decodes
// the bytes (UTF-8, size cap) and says which sourcedIds already exist.
import { CsvSyntaxError, parseCsv } from './csv';
import { APPLY_ORDER, ROSTER_FILE_SPECS, ROSTER_KINDS, type FileMode, type RosterKind } from './oneroster.spec';
import { isLocalDate } from '../organisation/local-date';

export interface RosterError {
  file: string;
  line: number;
  column: string | null;
  reason: string;
}

/** A file as the caller read it: text, or why it could not be read (encoding, empty, size). */
export interface RosterFileInput {
  fileName: string;
  text: string | null;
  problem?: { line: number; reason: string };
}

export interface RosterRow {
  line: number;
  sourcedId: string;
  /** true when status is tobedeleted (delta) */
  deleted: boolean;
  values: Readonly<Record<string, string>>;
}

export interface CheckedRoster {
  modes: Record<RosterKind, FileMode>;
  rows: Record<RosterKind, RosterRow[]>;
  errors: RosterError[];
  /** Every sourcedId each file names, valid row or not: a bulk file never deletes what it mentions. */
  seenIds: Record<RosterKind, Set<string>>;
  /** Rows read (all files), valid or not. */
  rowCount: number;
}

export type ExistingIds = Record<RosterKind, ReadonlySet<string>>;

const MODES: readonly string[] = ['bulk', 'delta', 'absent'];
const DATE_TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const MAX_ERRORS = 10_000;

const fileOf = (kind: RosterKind): string => `${kind}.csv`;

function readManifest(input: RosterFileInput | undefined, errors: RosterError[]): Record<RosterKind, FileMode> | null {
  const modes = Object.fromEntries(ROSTER_KINDS.map((k) => [k, 'absent'])) as Record<RosterKind, FileMode>;
  if (!input) {
    errors.push({ file: 'manifest.csv', line: 0, column: null, reason: 'manifest.csv is missing' });
    return null;
  }
  const records = recordsOf(input, errors);
  if (!records) return null;
  const [header, ...rows] = records;
  if (!header || header.fields.join(',') !== 'propertyName,value') {
    errors.push({ file: 'manifest.csv', line: 1, column: null, reason: 'header must be propertyName,value' });
    return null;
  }
  const props = new Map(rows.map((r) => [r.fields[0] ?? '', { line: r.line, value: r.fields[1] ?? '' }]));
  const version = props.get('oneroster.version');
  if (version?.value !== '1.2') {
    errors.push({
      file: 'manifest.csv',
      line: version?.line ?? 0,
      column: 'value',
      reason: 'oneroster.version must be 1.2',
    });
  }
  for (const kind of ROSTER_KINDS) {
    const prop = props.get(`file.${kind}`);
    if (!prop) continue;
    if (!MODES.includes(prop.value)) {
      errors.push({
        file: 'manifest.csv',
        line: prop.line,
        column: 'value',
        reason: `file.${kind} must be bulk, delta or absent`,
      });
      continue;
    }
    modes[kind] = prop.value as FileMode;
  }
  return modes;
}

function recordsOf(input: RosterFileInput, errors: RosterError[]) {
  if (input.problem || input.text === null) {
    errors.push({
      file: input.fileName,
      line: input.problem?.line ?? 0,
      column: null,
      reason: input.problem?.reason ?? 'unreadable',
    });
    return null;
  }
  if (input.text.trim() === '') {
    errors.push({ file: input.fileName, line: 1, column: null, reason: 'file is empty: a header row is required' });
    return null;
  }
  try {
    return parseCsv(input.text);
  } catch (e) {
    if (e instanceof CsvSyntaxError) {
      errors.push({ file: input.fileName, line: e.line, column: null, reason: e.message });
      return null;
    }
    throw e;
  }
}

function checkHeader(file: string, kind: RosterKind, header: string[], errors: RosterError[]): boolean {
  const spec = ROSTER_FILE_SPECS[kind];
  const before = errors.length;
  const seen = new Set<string>();
  for (const column of header) {
    if (seen.has(column)) errors.push({ file, line: 1, column, reason: 'column appears twice in the header' });
    seen.add(column);
    if (!spec.columns.includes(column) && !column.startsWith('metadata.')) {
      errors.push({
        file,
        line: 1,
        column,
        reason: `unknown column (OneRoster 1.2 ${file} has: ${spec.columns.join(', ')})`,
      });
    }
  }
  for (const column of ['sourcedId', ...spec.required]) {
    if (!seen.has(column)) errors.push({ file, line: 1, column, reason: 'required column is missing from the header' });
  }
  return errors.length === before;
}

function checkRow(file: string, kind: RosterKind, mode: FileMode, row: RosterRow, errors: RosterError[]): boolean {
  const spec = ROSTER_FILE_SPECS[kind];
  const v = row.values;
  const before = errors.length;
  const err = (column: string | null, reason: string) => errors.push({ file, line: row.line, column, reason });
  if (!row.sourcedId) err('sourcedId', 'sourcedId is empty');
  const status = v['status'] ?? '';
  if (mode === 'delta' && status !== 'active' && status !== 'tobedeleted')
    err('status', 'status must be active or tobedeleted in a delta file');
  if (mode === 'bulk' && status !== '' && status !== 'active')
    err('status', 'status must be empty or active in a bulk file');
  const modified = v['dateLastModified'] ?? '';
  if (mode === 'delta' && !DATE_TIME_RE.test(modified))
    err('dateLastModified', 'dateLastModified must be an ISO 8601 date-time in a delta file');
  if (mode === 'bulk' && modified !== '' && !DATE_TIME_RE.test(modified))
    err('dateLastModified', 'not an ISO 8601 date-time');
  if (row.deleted) return errors.length === before;
  for (const column of spec.required) if (!(v[column] ?? '')) err(column, 'required value is empty');
  for (const column of spec.dates) {
    const value = v[column] ?? '';
    if (value && !isLocalDate(value)) err(column, `${JSON.stringify(value)} is not a date (YYYY-MM-DD)`);
  }
  for (const [column, allowed] of Object.entries(spec.enums)) {
    const value = v[column] ?? '';
    if (value && !allowed.includes(value)) err(column, `${JSON.stringify(value)} is not one of ${allowed.join(', ')}`);
  }
  for (const column of spec.booleans) {
    const value = v[column] ?? '';
    if (value && value !== 'true' && value !== 'false') err(column, 'must be true or false');
  }
  const start = v['startDate'] ?? v['beginDate'];
  const end = v['endDate'];
  if (start && end && isLocalDate(start) && isLocalDate(end) && end < start)
    err('endDate', 'endDate is before the start date');
  return errors.length === before;
}

/** Reads every file of the set and returns the rows that pass every check, with every error found. */
export function checkRoster(files: readonly RosterFileInput[], existing: ExistingIds): CheckedRoster {
  const errors: RosterError[] = [];
  const byName = new Map(files.map((f) => [f.fileName, f]));
  const rows = Object.fromEntries(ROSTER_KINDS.map((k) => [k, [] as RosterRow[]])) as Record<RosterKind, RosterRow[]>;
  const seenIds = Object.fromEntries(ROSTER_KINDS.map((k) => [k, new Set<string>()])) as Record<
    RosterKind,
    Set<string>
  >;
  const modes = readManifest(byName.get('manifest.csv'), errors);
  const absent = Object.fromEntries(ROSTER_KINDS.map((k) => [k, 'absent'])) as Record<RosterKind, FileMode>;
  const empty = { modes: modes ?? absent, rows, errors, seenIds, rowCount: 0 };
  if (!modes) return empty;
  const known = new Set(['manifest.csv', ...ROSTER_KINDS.map(fileOf)]);
  for (const f of files) {
    if (!known.has(f.fileName))
      errors.push({ file: f.fileName, line: 0, column: null, reason: 'not a OneRoster 1.2 file this platform reads' });
  }
  let rowCount = 0;
  // sourcedIds that will exist after the import: valid rows of this set plus what is already stored.
  const available = Object.fromEntries(ROSTER_KINDS.map((k) => [k, new Set(existing[k])])) as Record<
    RosterKind,
    Set<string>
  >;
  // A kind is in use when this set carries its file or rows of it are stored (see ReferenceRule.whenKindInUse).
  const inUse = (kind: RosterKind): boolean => modes[kind] !== 'absent' || existing[kind].size > 0;
  for (const kind of APPLY_ORDER) {
    const file = fileOf(kind);
    const input = byName.get(file);
    const mode = modes[kind];
    if (mode === 'absent') {
      if (input)
        errors.push({
          file: 'manifest.csv',
          line: 0,
          column: null,
          reason: `${file} is present but the manifest says absent`,
        });
      continue;
    }
    if (!input) {
      errors.push({
        file: 'manifest.csv',
        line: 0,
        column: null,
        reason: `manifest says ${mode} but ${file} is missing`,
      });
      continue;
    }
    const records = recordsOf(input, errors);
    if (!records) continue;
    const [header, ...body] = records;
    if (!header || !checkHeader(file, kind, header.fields, errors)) continue;
    if (mode === 'bulk') available[kind] = new Set();
    const seen = new Map<string, number>();
    const candidates: RosterRow[] = [];
    for (const record of body) {
      rowCount++;
      if (record.fields.length !== header.fields.length) {
        errors.push({
          file,
          line: record.line,
          column: null,
          reason: `row has ${record.fields.length} fields, header has ${header.fields.length}`,
        });
        continue;
      }
      // Built whole, not one keyed store per column: V8 turns an object given more than a dozen properties that way
      // into a hash table, 1.6 KB per row of users.csv against 0.25 KB (a 30k-student import's heap, bench:memory).
      const values: Record<string, string> = Object.fromEntries(
        header.fields.map((column, i) => [column, (record.fields[i] ?? '').trim()]),
      );
      const row: RosterRow = {
        line: record.line,
        sourcedId: values['sourcedId'] ?? '',
        deleted: values['status'] === 'tobedeleted',
        values,
      };
      const first = seen.get(row.sourcedId);
      if (row.sourcedId && first !== undefined) {
        errors.push({
          file,
          line: row.line,
          column: 'sourcedId',
          reason: `duplicate sourcedId ${JSON.stringify(row.sourcedId)} (first on line ${first})`,
        });
        continue;
      }
      seen.set(row.sourcedId, row.line);
      seenIds[kind].add(row.sourcedId);
      if (checkRow(file, kind, mode, row, errors)) candidates.push(row);
    }
    // Rows of this file count as available to each other (an org's parent may come later in the same file).
    const own = new Set(candidates.filter((r) => !r.deleted).map((r) => r.sourcedId));
    for (const row of candidates) {
      if (!row.deleted) {
        const bad = unresolved(kind, row, own, available, inUse);
        if (bad.length) {
          for (const b of bad)
            errors.push({
              file,
              line: row.line,
              column: b.column,
              reason: `unknown reference ${JSON.stringify(b.id)} (no such ${b.kind} sourcedId)`,
            });
          own.delete(row.sourcedId);
          continue;
        }
      }
      rows[kind].push(row);
    }
    for (const row of rows[kind]) {
      if (row.deleted) available[kind].delete(row.sourcedId);
      else if (own.has(row.sourcedId)) available[kind].add(row.sourcedId);
    }
    if (errors.length > MAX_ERRORS) break;
  }
  return { modes, rows, errors: errors.slice(0, MAX_ERRORS), seenIds, rowCount };
}

function unresolved(
  kind: RosterKind,
  row: RosterRow,
  own: Set<string>,
  available: Record<RosterKind, Set<string>>,
  inUse: (kind: RosterKind) => boolean,
) {
  const bad: { column: string; id: string; kind: RosterKind }[] = [];
  for (const ref of ROSTER_FILE_SPECS[kind].references) {
    if (ref.whenKindInUse && !inUse(ref.kind)) continue;
    const raw = row.values[ref.column] ?? '';
    if (!raw) {
      if (!ref.optional) bad.push({ column: ref.column, id: '', kind: ref.kind });
      continue;
    }
    const ids = ref.multiple ? raw.split(',').map((s) => s.trim()) : [raw];
    for (const id of ids) {
      const found = ref.kind === kind ? own.has(id) || available[kind].has(id) : available[ref.kind].has(id);
      if (!found) bad.push({ column: ref.column, id, kind: ref.kind });
    }
  }
  return bad;
}
