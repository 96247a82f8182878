// What notifications reads, and how each input is validated before anything touches it. Producers own the JSON
// Schemas (validateInternalEvent); while a producer has not published its schema yet, the minimal field checks
// below stand in, so a malformed event is dead-lettered rather than half-applied.
import {
  DISTRICT_CONFIGURED_V1,
  DOSAGE_BELOW_TARGET_V1,
  DOSAGE_TOPIC,
  ENROLLMENT_ORGANISATION_TOPIC,
  ENROLLMENT_STUDENTS_TOPIC,
  ENROLMENT_CHANGED_V1,
  FINANCE_PAYOUTS_TOPIC,
  LEDGER_SESSION_RECORDED_V1,
  LEDGER_TOPIC,
  OCCURRENCE_CANCELLED_V1,
  OCCURRENCE_PLANNED_V1,
  PROGRAM_DEFINED_V1,
  SCHEDULING_TOPIC,
  STATEMENT_ISSUED_V1,
  STUDENT_ROSTERED_V1,
  validateEvent,
  validateInternalEvent,
} from '@tutoring/shared/contracts';
import type { FieldError } from '@tutoring/shared/messaging';

export const INPUT_TOPICS = [
  ENROLLMENT_ORGANISATION_TOPIC,
  ENROLLMENT_STUDENTS_TOPIC,
  SCHEDULING_TOPIC,
  LEDGER_TOPIC,
  DOSAGE_TOPIC,
  FINANCE_PAYOUTS_TOPIC,
];

export const INPUT_TYPES = [
  DISTRICT_CONFIGURED_V1,
  PROGRAM_DEFINED_V1,
  STUDENT_ROSTERED_V1,
  ENROLMENT_CHANGED_V1,
  OCCURRENCE_PLANNED_V1,
  OCCURRENCE_CANCELLED_V1,
  LEDGER_SESSION_RECORDED_V1,
  DOSAGE_BELOW_TARGET_V1,
  STATEMENT_ISSUED_V1,
] as const;
export type InputType = (typeof INPUT_TYPES)[number];
export const isInputType = (t: string): t is InputType => (INPUT_TYPES as readonly string[]).includes(t);

type Kind = 'uuid' | 'string' | 'int' | 'bool' | 'array' | 'object' | 'instant' | 'date';
type Spec = Record<string, Kind | `${Kind}?`>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const is: Record<Kind, (v: unknown) => boolean> = {
  uuid: (v) => typeof v === 'string' && UUID.test(v),
  string: (v) => typeof v === 'string',
  int: (v) => Number.isInteger(v),
  bool: (v) => typeof v === 'boolean',
  array: (v) => Array.isArray(v),
  object: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  instant: (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v)) && /[zZ]|[+-]\d{2}:\d{2}$/.test(v),
  date: (v) => typeof v === 'string' && DATE.test(v),
};

/** Fields notifications relies on, per type (a subset of each producer's contract, types only). */
const FALLBACK_SPECS: Record<Exclude<InputType, typeof STATEMENT_ISSUED_V1>, Spec> = {
  [DISTRICT_CONFIGURED_V1]: { districtId: 'uuid', timeZone: 'string' },
  [PROGRAM_DEFINED_V1]: { programId: 'uuid', districtId: 'uuid', name: 'string' },
  [STUDENT_ROSTERED_V1]: { studentId: 'uuid', districtId: 'uuid', schoolId: 'uuid', active: 'bool' },
  [ENROLMENT_CHANGED_V1]: {
    enrolmentId: 'uuid',
    districtId: 'uuid',
    studentId: 'uuid',
    schoolId: 'uuid',
    programId: 'uuid',
    vendorId: 'uuid?',
    status: 'string',
    contactPreferences: 'object',
    changedAt: 'instant',
  },
  [OCCURRENCE_PLANNED_V1]: {
    occurrenceId: 'uuid',
    districtId: 'uuid',
    groupId: 'uuid',
    programId: 'uuid',
    schoolId: 'uuid',
    vendorId: 'uuid',
    studentIds: 'array',
    date: 'date',
    startsAt: 'instant',
    endsAt: 'instant',
  },
  [OCCURRENCE_CANCELLED_V1]: {
    occurrenceId: 'uuid',
    districtId: 'uuid',
    groupId: 'uuid',
    vendorId: 'uuid',
    studentIds: 'array',
  },
  [LEDGER_SESSION_RECORDED_V1]: {
    ledgerPosition: 'int',
    districtId: 'uuid',
    vendorId: 'uuid',
    sessionId: 'string',
    streamVersion: 'int',
    kind: 'string',
    scheduledSessionId: 'uuid?',
    localDate: 'date?',
    lines: 'array',
    notes: 'array',
  },
  [DOSAGE_BELOW_TARGET_V1]: {
    districtId: 'uuid',
    studentId: 'uuid',
    schoolId: 'uuid?',
    programId: 'uuid?',
    isoWeek: 'string',
    attendedMinutes: 'int',
    targetMinutes: 'int',
    consecutiveWeeks: 'int',
  },
};

const checkSpec = (spec: Spec, data: unknown): FieldError[] => {
  if (!is.object(data)) return [{ path: '', code: 'type', message: 'must be an object' }];
  const obj = data as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const [field, raw] of Object.entries(spec)) {
    const optional = raw.endsWith('?');
    const kind = raw.replace('?', '') as Kind;
    const value = obj[field];
    if (value === undefined || value === null) {
      if (!optional) errors.push({ path: field, code: 'required', message: 'is required' });
      continue;
    }
    if (!is[kind](value)) errors.push({ path: field, code: 'type', message: `must be ${kind}` });
  }
  return errors;
};

const ENROLMENT_EXTRA = (data: Record<string, unknown>): FieldError[] => {
  const prefs = data['contactPreferences'] as Record<string, unknown>;
  const errors: FieldError[] = [];
  if (typeof prefs['language'] !== 'string')
    errors.push({ path: 'contactPreferences.language', code: 'type', message: 'must be string' });
  if (!['email', 'sms', 'none'].includes(prefs['channel'] as string))
    errors.push({ path: 'contactPreferences.channel', code: 'enum', message: 'must be email, sms or none' });
  return errors;
};

export type InputValidation =
  | { ok: true; data: Record<string, unknown>; checkedBy: 'producer-schema' | 'notifications-fallback' }
  | { ok: false; errors: FieldError[] };

export function validateInput(type: InputType, data: unknown): InputValidation {
  if (type === STATEMENT_ISSUED_V1) {
    const r = validateEvent(STATEMENT_ISSUED_V1, data);
    return r.ok
      ? { ok: true, data: r.value as unknown as Record<string, unknown>, checkedBy: 'producer-schema' }
      : { ok: false, errors: r.errors };
  }
  const r = validateInternalEvent(type, data);
  if (r.ok) return { ok: true, data: r.value as unknown as Record<string, unknown>, checkedBy: 'producer-schema' };
  const noSchemaYet = r.errors.length === 1 && r.errors[0]?.code === 'unknown_type';
  if (!noSchemaYet) return { ok: false, errors: r.errors };
  const errors = checkSpec(FALLBACK_SPECS[type], data);
  if (errors.length === 0 && type === ENROLMENT_CHANGED_V1)
    errors.push(...ENROLMENT_EXTRA(data as Record<string, unknown>));
  return errors.length
    ? { ok: false, errors }
    : { ok: true, data: data as Record<string, unknown>, checkedBy: 'notifications-fallback' };
}
