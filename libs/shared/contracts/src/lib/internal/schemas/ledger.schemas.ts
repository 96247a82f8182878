// JSON Schemas of the internal events ledger publishes. Owned by ledger; consumers validate against them.
import {
  ATTENDANCE_STATUSES,
  MAX_ATTENDANCE_LINES,
  MAX_COMMENT_LENGTH,
  MAX_NOTES,
  MAX_SESSION_DURATION_MINUTES,
  MAX_SKILL_LENGTH,
  NOTE_PROGRESS,
  SUBJECT_PATTERN,
} from '../../limits';
import {
  arrayOf,
  boundedString,
  enumOf,
  eventSchema,
  integer,
  nullableUuid,
  object,
  sessionId,
  uuid,
  type JsonSchema,
} from '../../schemas/common.schema';
import { DOSAGE_BELOW_TARGET_V1, LEDGER_SESSION_RECORDED_V1, type InternalEventType } from '../internal-events';

/** Exception reason codes are lower_snake_case words (the ledger's stable billable-line codes). */
const EXCEPTION_CODE_PATTERN = '^[a-z][a-z0-9_]{1,63}$';

const nullableTimestamp = (description: string): JsonSchema => ({
  anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }],
  description: `${description} (RFC 3339 date-time with offset, or null)`,
});

const ledgerLine = object('One attendance line of the session with the billable-line verdict decided at append time', {
  studentId: uuid('Pseudonymous student id'),
  status: enumOf(ATTENDANCE_STATUSES, 'Attendance category'),
  minutes: integer('Minutes present', 0, MAX_SESSION_DURATION_MINUTES),
  billable: { type: 'boolean', description: 'true when every billable-line rule passed (DESIGN.md §2)' },
  exceptionCodes: {
    ...arrayOf(
      { type: 'string', pattern: EXCEPTION_CODE_PATTERN },
      0,
      20,
      'Reason codes when not billable; empty when billable',
    ),
    uniqueItems: true,
  },
});

const note = object('Tutor note about a skill (no student PII)', {
  studentId: uuid('Pseudonymous student id'),
  skill: boundedString('Standard code', 1, MAX_SKILL_LENGTH),
  progress: enumOf(NOTE_PROGRESS, 'Progress on the skill'),
  comment: boundedString('Comment about the skill', 0, MAX_COMMENT_LENGTH),
});

export const ledgerSessionRecordedSchema: JsonSchema = eventSchema(
  LEDGER_SESSION_RECORDED_V1,
  object('One ledger entry as other services see it: the session current version replaces any earlier one', {
    ledgerPosition: integer('Global ledger position of the entry', 1, Number.MAX_SAFE_INTEGER),
    districtId: uuid('District'),
    vendorId: uuid('Vendor'),
    sessionId: sessionId(),
    streamVersion: integer('Version of the session stream (1 = delivered)', 1, Number.MAX_SAFE_INTEGER),
    kind: enumOf(['delivered', 'corrected', 'voided'], 'What the entry records'),
    tutorId: nullableUuid('Tutor; null for a void'),
    groupId: nullableUuid('Scheduling group, when the vendor named one'),
    scheduledSessionId: nullableUuid('Planned occurrence, when the vendor named one'),
    subject: { type: ['string', 'null'], pattern: SUBJECT_PATTERN, description: 'Subject code; null for a void' },
    startedAt: nullableTimestamp('Session start; null for a void'),
    endedAt: nullableTimestamp('Session end; null for a void'),
    localDate: {
      anyOf: [{ type: 'string', format: 'date' }, { type: 'null' }],
      description: 'Local date of the session start in the district zone; null for a void or when the zone is unknown',
    },
    lines: arrayOf(ledgerLine, 0, MAX_ATTENDANCE_LINES, 'Attendance lines with verdicts; empty for a void'),
    notes: arrayOf(note, 0, MAX_NOTES, 'Tutor notes'),
    recordedAt: { type: 'string', format: 'date-time', description: 'When the ledger recorded the entry' },
  }),
);

export const dosageBelowTargetSchema: JsonSchema = eventSchema(
  DOSAGE_BELOW_TARGET_V1,
  object('A closed instructional ISO week in which a student stayed below the target dose (one per student and week)', {
    districtId: uuid('District'),
    studentId: uuid('Pseudonymous student id'),
    schoolId: nullableUuid("The student's school (of the enrolment judged)"),
    programId: nullableUuid('The program whose target was applied'),
    isoWeek: {
      type: 'string',
      pattern: '^\\d{4}-W(0[1-9]|[1-4]\\d|5[0-3])$',
      description: 'ISO week in the district zone',
    },
    attendedMinutes: integer('Attended minutes that week (present, late, left early)', 0, 100_000),
    targetMinutes: integer('Target minutes of the week (sessions/week × minutes/session)', 0, 100_000),
    consecutiveWeeks: integer('Consecutive instructional weeks below target, this one included', 1, 60),
  }),
);

export const LEDGER_EVENT_SCHEMAS: Partial<Record<InternalEventType, JsonSchema>> = {
  [LEDGER_SESSION_RECORDED_V1]: ledgerSessionRecordedSchema,
  [DOSAGE_BELOW_TARGET_V1]: dosageBelowTargetSchema,
};
