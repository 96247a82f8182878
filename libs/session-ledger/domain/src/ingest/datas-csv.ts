import type { SessionDeliveredV1 } from '@tutoring/shared/contracts';
import { localToInstant, minuteOfDayOf } from '../rules/local-time';

/**
 * DATAS session file → session events, pure. The DATAS columns are `student_id, session_topic, session_date,
 * session_duration, session_ratio, tutor_id` (one row per student per session). DATAS has no time of day, no
 * attendance category and no session id, so these optional columns are read when present:
 * `session_start` (local "HH:MM" in the district zone), `status` (attendance category, default `present`),
 * `minutes_present` (default the session duration), `modality` (default `in_person`), `session_id`.
 *
 * Rows form one session when they share tutor, date, start, topic and duration (or the same `session_id`). The
 * vendor's sessionId is then derived from those fields (`datas-` + digest), and the ce_id from the session's whole
 * content, so uploading the same file again is a no-op (same ce_id, same data) while a changed group conflicts.
 * Without `session_start` the session is placed at local midnight: recorded, but an exception (outside plausible
 * hours) until corrected with a start time.
 */
export const DATAS_COLUMNS = [
  'student_id',
  'session_topic',
  'session_date',
  'session_duration',
  'session_ratio',
  'tutor_id',
] as const;
export const DATAS_OPTIONAL_COLUMNS = ['session_start', 'status', 'minutes_present', 'modality', 'session_id'] as const;
export const MAX_CSV_ROWS = 5_000;

export interface CsvRowError {
  /** 1-based line in the file (the header is line 1). */
  line: number;
  column: string;
  code: 'required' | 'invalid_format' | 'unknown_column' | 'too_many_rows' | 'inconsistent';
  message: string;
}

export interface CsvSession {
  /** File lines that formed the session. */
  lines: number[];
  eventId: string;
  data: SessionDeliveredV1;
}

export interface DatasCsvResult {
  sessions: CsvSession[];
  errors: CsvRowError[];
}

export interface DatasCsvContext {
  vendorId: string;
  districtId: string;
  /** IANA zone of the district, null when unknown (then session dates cannot be placed in time). */
  timeZone: string | null;
  /** Hex digest of a string (sha-256 in the shell): ids derived from content. */
  digest: (text: string) => string;
}

/** RFC 4180 fields: commas, double-quoted fields with "" escapes, CRLF or LF line ends. */
export const parseCsvRecords = (text: string): string[][] => {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
};

/** A UUID-shaped id (version 8, RFC 9562 custom) from a hex digest: deterministic ce_ids. */
const uuidFromDigest = (hex: string): string =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const RATIO = /^\d{1,2}(:\d{1,2})?$/;
const INT = /^\d{1,4}$/;

interface Row {
  line: number;
  values: Record<string, string>;
}

const rowErrors = (row: Row, timeZone: string | null): CsvRowError[] => {
  const v = row.values;
  const errors: CsvRowError[] = [];
  const err = (column: string, code: CsvRowError['code'], message: string) =>
    errors.push({ line: row.line, column, code, message });
  for (const column of DATAS_COLUMNS) if ((v[column] ?? '') === '') err(column, 'required', `${column} is empty`);
  if (v['session_date'] && !(DATE.test(v['session_date']) && !Number.isNaN(Date.parse(v['session_date'])))) {
    err('session_date', 'invalid_format', 'must be a date YYYY-MM-DD');
  }
  if (v['session_duration'] && !INT.test(v['session_duration']))
    err('session_duration', 'invalid_format', 'must be whole minutes');
  if (v['session_ratio'] && !RATIO.test(v['session_ratio']))
    err('session_ratio', 'invalid_format', 'must be a ratio like 1:3 or a group size');
  if (v['session_start'] && !HHMM.test(v['session_start']))
    err('session_start', 'invalid_format', 'must be local time HH:MM');
  if (v['minutes_present'] && !INT.test(v['minutes_present']))
    err('minutes_present', 'invalid_format', 'must be whole minutes');
  if (v['session_date'] && timeZone === null) {
    err(
      'session_date',
      'inconsistent',
      'the district time zone is not known yet, so the date cannot be placed in time; retry later',
    );
  }
  return errors;
};

/** Rows grouped by an explicit session_id must describe the same session. */
const disagreements = (group: Row[]): CsvRowError[] => {
  const first = (group[0] as Row).values;
  return group.slice(1).flatMap((r) =>
    (['tutor_id', 'session_date', 'session_start', 'session_topic', 'session_duration'] as const)
      .filter((c) => (r.values[c] ?? '') !== (first[c] ?? ''))
      .map((c): CsvRowError => ({
        line: r.line,
        column: c,
        code: 'inconsistent',
        message: `differs from line ${group[0]?.line} of the same session_id`,
      })),
  );
};

const sessionKey = (v: Record<string, string>): string =>
  v['session_id'] ||
  [v['tutor_id'], v['session_date'], v['session_start'] ?? '', v['session_topic'], v['session_duration']].join('|');

export const parseDatasCsv = (text: string, ctx: DatasCsvContext): DatasCsvResult => {
  const records = parseCsvRecords(text.replace(/^\uFEFF/, '')).filter((r) => r.some((f) => f.trim() !== ''));
  const header = (records[0] ?? []).map((h) => h.trim().toLowerCase());
  const known = new Set<string>([...DATAS_COLUMNS, ...DATAS_OPTIONAL_COLUMNS]);
  const errors: CsvRowError[] = [
    ...DATAS_COLUMNS.filter((c) => !header.includes(c)).map((c): CsvRowError => ({
      line: 1,
      column: c,
      code: 'required',
      message: `missing column ${c}`,
    })),
    ...header
      .filter((h) => !known.has(h))
      .map((h): CsvRowError => ({ line: 1, column: h, code: 'unknown_column', message: `unknown column ${h}` })),
  ];
  if (records.length - 1 > MAX_CSV_ROWS) {
    errors.push({
      line: MAX_CSV_ROWS + 2,
      column: '',
      code: 'too_many_rows',
      message: `at most ${MAX_CSV_ROWS} rows per file`,
    });
  }
  if (errors.length) return { sessions: [], errors };

  const rows: Row[] = records.slice(1).map((fields, i) => ({
    line: i + 2,
    values: Object.fromEntries(header.map((h, j) => [h, (fields[j] ?? '').trim()])),
  }));
  const groups = new Map<string, Row[]>();
  for (const row of rows) groups.set(sessionKey(row.values), [...(groups.get(sessionKey(row.values)) ?? []), row]);

  const sessions: CsvSession[] = [];
  for (const [key, group] of groups) {
    const groupErrors = [...group.flatMap((r) => rowErrors(r, ctx.timeZone)), ...disagreements(group)];
    if (groupErrors.length || ctx.timeZone === null) {
      errors.push(...groupErrors);
      continue;
    }
    sessions.push(toSession(key, group, { ...ctx, timeZone: ctx.timeZone }));
  }
  return { sessions, errors };
};

const toSession = (key: string, group: Row[], ctx: DatasCsvContext & { timeZone: string }): CsvSession => {
  const first = (group[0] as Row).values;
  const duration = Number(first['session_duration']);
  const startedAt = localToInstant(
    first['session_date'] as string,
    first['session_start'] ? minuteOfDayOf(first['session_start']) : 0,
    ctx.timeZone,
  );
  const endedAt = new Date(Date.parse(startedAt) + duration * 60_000).toISOString();
  const data: SessionDeliveredV1 = {
    sessionId: first['session_id'] || `datas-${ctx.digest(`${ctx.vendorId}|${key}`).slice(0, 40)}`,
    vendorId: ctx.vendorId,
    districtId: ctx.districtId,
    tutorId: first['tutor_id'] as string,
    groupId: null,
    scheduledSessionId: null,
    subject: (first['session_topic'] as string).toLowerCase(),
    modality: (first['modality'] || 'in_person') as SessionDeliveredV1['modality'],
    startedAt,
    endedAt,
    attendance: group.map((r) => ({
      studentId: r.values['student_id'] as string,
      status: (r.values['status'] || 'present') as SessionDeliveredV1['attendance'][number]['status'],
      minutes: r.values['minutes_present'] ? Number(r.values['minutes_present']) : duration,
    })),
  };
  return { lines: group.map((r) => r.line), eventId: uuidFromDigest(ctx.digest(JSON.stringify(data))), data };
};
