// Rules that span fields and cannot be said in JSON Schema draft-07. Shared by the ajv path and the
// class-validator path. Written defensively: they run on unvalidated data and only judge fields whose
// own shape is valid, leaving shape errors to the schema.
import { MAX_SESSION_DURATION_MINUTES, MAX_SESSION_DURATION_MS } from '../limits';
import { STATEMENT_ISSUED_V1, type EventType, SESSION_CORRECTED_V1, SESSION_DELIVERED_V1 } from '../event-types';
import { timestampToEpochMs, isLocalDate } from '../formats';
import { fieldError, joinPath, type FieldError } from './field-error';

type Bag = Record<string, unknown>;

const isBag = (value: unknown): value is Bag => typeof value === 'object' && value !== null && !Array.isArray(value);
const bags = (value: unknown): Array<Bag | undefined> =>
  Array.isArray(value) ? value.map((item) => (isBag(item) ? item : undefined)) : [];
const epochMs = (value: unknown): number | null => (typeof value === 'string' ? timestampToEpochMs(value) : null);
const isWholeNumber = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);

/** Session duration in whole minutes (rounded up), or null when the times are unusable or out of order. */
const sessionTimeErrors = (data: Bag): { errors: FieldError[]; durationMinutes: number | null } => {
  const start = epochMs(data['startedAt']);
  const end = epochMs(data['endedAt']);
  if (start === null || end === null) return { errors: [], durationMinutes: null };
  if (end <= start)
    return { errors: [fieldError('endedAt', 'order', 'must be after startedAt')], durationMinutes: null };
  if (end - start > MAX_SESSION_DURATION_MS) {
    const why = `must be at most ${MAX_SESSION_DURATION_MINUTES / 60} hours after startedAt`;
    return { errors: [fieldError('endedAt', 'range', why)], durationMinutes: null };
  }
  // Rounded up so a vendor that reports whole minutes for a 45.5-minute session (46) is not rejected.
  return { errors: [], durationMinutes: Math.ceil((end - start) / 60_000) };
};

const attendanceErrors = (data: Bag, durationMinutes: number | null): FieldError[] => {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  bags(data['attendance']).forEach((line, index) => {
    if (!line) return;
    const minutes = line['minutes'];
    if (durationMinutes !== null && isWholeNumber(minutes) && minutes > durationMinutes) {
      const why = `must not exceed the session duration (${durationMinutes} minutes)`;
      errors.push(fieldError(joinPath('attendance', index, 'minutes'), 'range', why));
    }
    const studentId = line['studentId'];
    if (typeof studentId !== 'string') return;
    if (seen.has(studentId)) {
      errors.push(
        fieldError(joinPath('attendance', index, 'studentId'), 'duplicate', 'appears more than once in attendance'),
      );
    }
    seen.add(studentId);
  });
  return errors;
};

const noteErrors = (data: Bag): FieldError[] => {
  if (!Array.isArray(data['attendance'])) return [];
  const attending = new Set(bags(data['attendance']).map((line) => line?.['studentId']));
  return bags(data['notes']).flatMap((note, index) => {
    const studentId = note?.['studentId'];
    if (typeof studentId !== 'string' || attending.has(studentId)) return [];
    return [
      fieldError(joinPath('notes', index, 'studentId'), 'unknown_student', 'is not in the attendance of this session'),
    ];
  });
};

const sessionErrors = (data: Bag): FieldError[] => {
  const { errors, durationMinutes } = sessionTimeErrors(data);
  return [...errors, ...attendanceErrors(data, durationMinutes), ...noteErrors(data)];
};

const lineErrors = (line: Bag | undefined, index: number, statementPosition: unknown): FieldError[] => {
  const evidence = line?.['evidence'];
  const range = isBag(evidence) ? evidence['ledgerPositions'] : undefined;
  if (!Array.isArray(range) || range.length !== 2) return [];
  const [from, to] = range as unknown[];
  if (!isWholeNumber(from) || !isWholeNumber(to)) return [];
  const path = joinPath('lines', index, 'evidence', 'ledgerPositions');
  if (from > to) return [fieldError(path, 'order', 'must be an ascending range [from, to]')];
  if (isWholeNumber(statementPosition) && to > statementPosition) {
    return [fieldError(path, 'range', 'must not go past the statement ledgerPosition')];
  }
  return [];
};

const statementErrors = (data: Bag): FieldError[] => {
  const errors: FieldError[] = [];
  const { periodStart, periodEnd } = data;
  if (
    typeof periodStart === 'string' &&
    typeof periodEnd === 'string' &&
    isLocalDate(periodStart) &&
    isLocalDate(periodEnd)
  ) {
    if (periodEnd < periodStart) errors.push(fieldError('periodEnd', 'order', 'must not be before periodStart'));
  }
  const lines = bags(data['lines']);
  lines.forEach((line, index) => errors.push(...lineErrors(line, index, data['ledgerPosition'])));
  const amounts = lines.map((line) => line?.['amountCents']);
  const total = data['totalCents'];
  if (Array.isArray(data['lines']) && isWholeNumber(total) && amounts.every(isWholeNumber)) {
    // BigInt: a sum of safe integers need not be safe.
    const sum = amounts.reduce((acc, amount) => acc + BigInt(amount), 0n);
    if (sum !== BigInt(total))
      errors.push(fieldError('totalCents', 'mismatch', 'must equal the sum of lines[].amountCents'));
  }
  return errors;
};

/** Cross-field errors of an event's data; [] when none (or when the type has no cross-field rules). */
export const crossFieldErrors = (type: EventType, data: unknown): FieldError[] => {
  if (!isBag(data)) return [];
  switch (type) {
    case SESSION_DELIVERED_V1:
    case SESSION_CORRECTED_V1:
      return sessionErrors(data);
    case STATEMENT_ISSUED_V1:
      return statementErrors(data);
    default:
      return [];
  }
};
