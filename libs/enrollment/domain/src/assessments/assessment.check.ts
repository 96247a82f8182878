// Assessment result files (one row per student, window and subject). Pure: checks every row and reports each
// error with its line and column; the local student id is resolved to a pseudonymous id by the caller.
import { CsvSyntaxError, parseCsv } from '../roster/csv';
import type { RosterError } from '../roster/roster.check';

export const ASSESSMENT_COLUMNS = [
  'localStudentId',
  'schoolYear',
  'window',
  'subject',
  'scaleScore',
  'percentile',
  'growthPercentile',
] as const;
const REQUIRED = ['localStudentId', 'schoolYear', 'window', 'subject', 'scaleScore', 'percentile'];

export interface AssessmentRow {
  line: number;
  localStudentId: string;
  schoolYear: string;
  window: 'BOY' | 'MOY' | 'EOY';
  subject: string;
  scaleScore: number;
  percentile: number;
  growthPercentile: number | null;
}

const INT = /^\d{1,6}$/;

export function checkAssessments(fileName: string, text: string): { rows: AssessmentRow[]; errors: RosterError[] } {
  const errors: RosterError[] = [];
  const rows: AssessmentRow[] = [];
  if (text.trim() === '')
    return {
      rows,
      errors: [{ file: fileName, line: 1, column: null, reason: 'file is empty: a header row is required' }],
    };
  let records;
  try {
    records = parseCsv(text);
  } catch (e) {
    if (e instanceof CsvSyntaxError)
      return { rows, errors: [{ file: fileName, line: e.line, column: null, reason: e.message }] };
    throw e;
  }
  const [header, ...body] = records;
  const columns = header?.fields ?? [];
  for (const c of columns) {
    if (!(ASSESSMENT_COLUMNS as readonly string[]).includes(c))
      errors.push({
        file: fileName,
        line: 1,
        column: c,
        reason: `unknown column (expected ${ASSESSMENT_COLUMNS.join(', ')})`,
      });
  }
  for (const c of REQUIRED)
    if (!columns.includes(c))
      errors.push({ file: fileName, line: 1, column: c, reason: 'required column is missing from the header' });
  if (errors.length) return { rows, errors };
  const seen = new Map<string, number>();
  for (const record of body) {
    const err = (column: string | null, reason: string) =>
      errors.push({ file: fileName, line: record.line, column, reason });
    if (record.fields.length !== columns.length) {
      err(null, `row has ${record.fields.length} fields, header has ${columns.length}`);
      continue;
    }
    const v: Record<string, string> = {};
    columns.forEach((c, i) => (v[c] = (record.fields[i] ?? '').trim()));
    const before = errors.length;
    if (!v['localStudentId']) err('localStudentId', 'required value is empty');
    if (!/^\d{4}-\d{4}$/.test(v['schoolYear'] ?? '')) err('schoolYear', 'must look like 2026-2027');
    if (!['BOY', 'MOY', 'EOY'].includes(v['window'] ?? '')) err('window', 'must be BOY, MOY or EOY');
    if (!/^[a-z][a-z0-9_]{1,31}$/.test(v['subject'] ?? ''))
      err('subject', 'must be a subject code such as math or ela');
    if (!INT.test(v['scaleScore'] ?? '')) err('scaleScore', 'must be a whole number');
    const percentile = Number(v['percentile']);
    if (!INT.test(v['percentile'] ?? '') || percentile > 100) err('percentile', 'must be a whole number 0..100');
    const growth = v['growthPercentile'] ?? '';
    if (growth && (!INT.test(growth) || Number(growth) > 100))
      err('growthPercentile', 'must be empty or a whole number 0..100');
    if (errors.length > before) continue;
    const key = [v['localStudentId'], v['schoolYear'], v['window'], v['subject']].join('|');
    const first = seen.get(key);
    if (first !== undefined) {
      err('localStudentId', `duplicate result for this student, year, window and subject (first on line ${first})`);
      continue;
    }
    seen.set(key, record.line);
    rows.push({
      line: record.line,
      localStudentId: v['localStudentId'] ?? '',
      schoolYear: v['schoolYear'] ?? '',
      window: v['window'] as AssessmentRow['window'],
      subject: v['subject'] ?? '',
      scaleScore: Number(v['scaleScore']),
      percentile,
      growthPercentile: growth ? Number(growth) : null,
    });
  }
  return { rows, errors };
}
