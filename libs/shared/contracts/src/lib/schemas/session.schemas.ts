// Data schemas of what vendors publish on tutoring.vendor.<vendorId>.sessions.v1 (DESIGN.md §4).
// Cross-field rules (endedAt after startedAt, duration, minutes <= duration, duplicates) cannot be said in
// draft-07 and live in ../validation/cross-field.rules.ts; they are listed in each schema's description.
import {
  ATTENDANCE_STATUSES,
  MAX_ATTENDANCE_LINES,
  MAX_NOTES,
  MAX_SESSION_DURATION_MINUTES,
  MIN_ATTENDANCE_LINES,
  MODALITIES,
  NOTE_PROGRESS,
  SKILL_PATTERN,
  SUBJECT_PATTERN,
} from '../limits';
import { SESSION_CORRECTED_V1, SESSION_DELIVERED_V1, SESSION_VOIDED_V1 } from '../event-types';
import {
  arrayOf,
  comment,
  enumOf,
  eventSchema,
  integer,
  nullableUuid,
  object,
  reason,
  sessionId,
  timestamp,
  uuid,
  type JsonSchema,
} from './common.schema';

const CROSS_FIELD_RULES =
  'Also enforced: endedAt after startedAt; endedAt - startedAt <= 4 h; each attendance minutes <= the ' +
  'session duration in minutes (rounded up); a studentId at most once in attendance and only ' +
  'students in attendance in notes.';

export const attendanceLineSchema: JsonSchema = object('One student in the session', {
  studentId: uuid('Pseudonymous student id'),
  status: enumOf(ATTENDANCE_STATUSES, 'Attendance category'),
  minutes: integer('Whole minutes present', 0, MAX_SESSION_DURATION_MINUTES),
});

export const sessionNoteSchema: JsonSchema = object('Progress note about one student in the session', {
  studentId: uuid('Pseudonymous student id; must appear in attendance'),
  skill: { type: 'string', pattern: SKILL_PATTERN, description: 'Standard / skill code' },
  progress: enumOf(NOTE_PROGRESS, 'Progress on the skill'),
  comment: comment(),
});

const sessionProperties: Record<string, JsonSchema> = {
  sessionId: sessionId(),
  vendorId: uuid('Vendor; must match the topic and ce_source'),
  districtId: uuid('District (tenant); must match the districtid extension'),
  tutorId: uuid('Tutor'),
  groupId: nullableUuid('Scheduled group'),
  scheduledSessionId: nullableUuid('Planned session occurrence this delivery fulfils'),
  subject: { type: 'string', pattern: SUBJECT_PATTERN, description: 'Program subject code: math, ela or another code' },
  modality: enumOf(MODALITIES, 'How the session was delivered'),
  startedAt: timestamp('Start of the session'),
  endedAt: timestamp('End of the session'),
  attendance: arrayOf(attendanceLineSchema, MIN_ATTENDANCE_LINES, MAX_ATTENDANCE_LINES, 'One line per student'),
  notes: arrayOf(sessionNoteSchema, 0, MAX_NOTES, 'Optional progress notes'),
};

export const sessionDeliveredSchema: JsonSchema = eventSchema(
  SESSION_DELIVERED_V1,
  object(`A vendor delivered a tutoring session. ${CROSS_FIELD_RULES}`, sessionProperties, ['notes']),
);

export const sessionCorrectedSchema: JsonSchema = eventSchema(
  SESSION_CORRECTED_V1,
  object(
    `The full corrected session; replaces the earlier version of the same sessionId. ${CROSS_FIELD_RULES}`,
    { ...sessionProperties, reason: reason() },
    ['notes'],
  ),
);

export const sessionVoidedSchema: JsonSchema = eventSchema(
  SESSION_VOIDED_V1,
  object('A vendor withdraws a session it reported (it did not happen)', {
    sessionId: sessionId(),
    vendorId: uuid('Vendor; must match the topic and ce_source'),
    districtId: uuid('District (tenant)'),
    reason: reason(),
  }),
);
