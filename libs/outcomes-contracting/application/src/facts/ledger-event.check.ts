// Until session-ledger publishes the JSON Schema of LEDGER_SESSION_RECORDED_V1, its events are checked here,
// field by field, against the TypeScript contract (LedgerSessionRecordedV1). Once the schema exists, the
// producer's schema (validateInternalEvent) is used instead; this check is the fallback only.
import {
  ATTENDANCE_STATUSES,
  INTERNAL_EVENT_SCHEMAS,
  isLocalDate,
  isUuid,
  LEDGER_SESSION_RECORDED_V1,
  validateInternalEvent,
  type LedgerSessionRecordedV1,
} from '@tutoring/shared/contracts';
import type { FieldError } from '@tutoring/shared/messaging';

type Bag = Record<string, unknown>;
const isBag = (v: unknown): v is Bag => typeof v === 'object' && v !== null && !Array.isArray(v);
const KINDS = ['delivered', 'corrected', 'voided'];

const lineErrors = (line: unknown, i: number): FieldError[] => {
  const p = `lines[${i}]`;
  if (!isBag(line)) return [{ path: p, code: 'type', message: 'must be an object' }];
  const errors: FieldError[] = [];
  if (typeof line['studentId'] !== 'string' || !isUuid(line['studentId']))
    errors.push({ path: `${p}.studentId`, code: 'format', message: 'must be a UUID' });
  if (!(ATTENDANCE_STATUSES as readonly unknown[]).includes(line['status']))
    errors.push({ path: `${p}.status`, code: 'enum', message: 'unknown attendance status' });
  if (!Number.isInteger(line['minutes']) || (line['minutes'] as number) < 0)
    errors.push({ path: `${p}.minutes`, code: 'type', message: 'must be a whole number ≥ 0' });
  if (typeof line['billable'] !== 'boolean')
    errors.push({ path: `${p}.billable`, code: 'type', message: 'must be a boolean' });
  if (!Array.isArray(line['exceptionCodes']) || !line['exceptionCodes'].every((c) => typeof c === 'string'))
    errors.push({ path: `${p}.exceptionCodes`, code: 'type', message: 'must be an array of strings' });
  return errors;
};

export const ledgerEventFieldErrors = (data: unknown): FieldError[] => {
  if (!isBag(data)) return [{ path: '', code: 'type', message: 'must be an object' }];
  const errors: FieldError[] = [];
  const pos = data['ledgerPosition'];
  if (!Number.isSafeInteger(pos) || (pos as number) < 0)
    errors.push({ path: 'ledgerPosition', code: 'type', message: 'must be a whole number ≥ 0' });
  for (const f of ['districtId', 'vendorId'])
    if (typeof data[f] !== 'string' || !isUuid(data[f] as string))
      errors.push({ path: f, code: 'format', message: 'must be a UUID' });
  if (typeof data['sessionId'] !== 'string' || data['sessionId'].length === 0)
    errors.push({ path: 'sessionId', code: 'type', message: 'must be a non-empty string' });
  if (!KINDS.includes(data['kind'] as string))
    errors.push({ path: 'kind', code: 'enum', message: 'must be delivered, corrected or voided' });
  const date = data['localDate'];
  if (date !== null && (typeof date !== 'string' || !isLocalDate(date)))
    errors.push({ path: 'localDate', code: 'format', message: 'must be a local date or null' });
  const sched = data['scheduledSessionId'];
  if (sched !== null && sched !== undefined && (typeof sched !== 'string' || !isUuid(sched)))
    errors.push({ path: 'scheduledSessionId', code: 'format', message: 'must be a UUID or null' });
  if (!Array.isArray(data['lines'])) errors.push({ path: 'lines', code: 'type', message: 'must be an array' });
  else data['lines'].forEach((l, i) => errors.push(...lineErrors(l, i)));
  if (data['kind'] !== 'voided' && date === null)
    errors.push({ path: 'localDate', code: 'required', message: 'a delivered or corrected entry has a local date' });
  return errors;
};

/** The producer's schema when published, else the field check above. */
export const validateLedgerEvent = (
  data: unknown,
): { ok: true; value: LedgerSessionRecordedV1 } | { ok: false; errors: FieldError[] } => {
  if (INTERNAL_EVENT_SCHEMAS[LEDGER_SESSION_RECORDED_V1])
    return validateInternalEvent(LEDGER_SESSION_RECORDED_V1, data);
  const errors = ledgerEventFieldErrors(data);
  if (errors.length) return { ok: false, errors };
  const value = data as LedgerSessionRecordedV1;
  return { ok: true, value: { ...value, scheduledSessionId: value.scheduledSessionId ?? null } };
};
