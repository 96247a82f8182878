// JSON Schemas of the internal events scheduling publishes. Owned by scheduling; consumers validate against them.
// The same three event types (same data) also go to each vendor's tutoring.vendor.<vendorId>.assignments.v1 topic,
// carrying only that vendor's groups and occurrences.
import { MAX_ATTENDANCE_LINES, MAX_COMMENT_LENGTH, MAX_REASON_LENGTH } from '../../limits';
import {
  arrayOf,
  enumOf,
  eventSchema,
  integer,
  localDate,
  object,
  timestamp,
  uuid,
  type JsonSchema,
} from '../../schemas/common.schema';
import {
  CANCELLATION_ACCOUNTABILITY,
  GROUP_FORMED_V1,
  OCCURRENCE_CANCELLED_V1,
  OCCURRENCE_PLANNED_V1,
  type InternalEventType,
} from '../internal-events';

/** Cancellation reasons, as in OccurrenceCancelledV1['reason']. */
export const CANCELLATION_REASONS = ['closure', 'testing_day', 'tutor_absence', 'student_absence', 'other'] as const;

const studentIds = (description: string, minItems: number): JsonSchema => ({
  ...arrayOf(uuid('Pseudonymous student id'), minItems, MAX_ATTENDANCE_LINES, description),
  uniqueItems: true,
});

export const groupFormedSchema: JsonSchema = eventSchema(
  GROUP_FORMED_V1,
  object('Full snapshot of a tutoring group after any change (formation, membership, tutor reassignment)', {
    groupId: uuid('Group'),
    districtId: uuid('District'),
    programId: uuid('Program the group serves'),
    schoolId: uuid('School where the group meets'),
    vendorId: uuid('Vendor delivering the sessions'),
    tutorId: uuid('The one consistent tutor of the group'),
    studentIds: studentIds('Current members (empty once the group is dissolved)', 0),
    tutorChangeReason: {
      type: ['string', 'null'],
      minLength: 1,
      maxLength: MAX_REASON_LENGTH,
      description: 'Why the tutor changed in this version (counts against tutor consistency); null otherwise',
    },
    version: integer('Snapshot version, 1 at formation, +1 per change', 1, Number.MAX_SAFE_INTEGER),
  }),
);

export const occurrencePlannedSchema: JsonSchema = eventSchema(
  OCCURRENCE_PLANNED_V1,
  object('A planned session occurrence of a group on an instructional day', {
    occurrenceId: uuid('Occurrence (the vendor sends it back as scheduledSessionId)'),
    districtId: uuid('District'),
    groupId: uuid('Group'),
    programId: uuid('Program'),
    schoolId: uuid('School'),
    vendorId: uuid('Vendor'),
    tutorId: uuid('Tutor planned for the occurrence'),
    studentIds: studentIds('Students planned to attend', 1),
    date: localDate("Local date in the district's time zone"),
    startsAt: timestamp('Planned start'),
    endsAt: timestamp('Planned end'),
  }),
);

export const occurrenceCancelledSchema: JsonSchema = eventSchema(
  OCCURRENCE_CANCELLED_V1,
  object('A planned occurrence cancelled ahead, for all or some of its students', {
    occurrenceId: uuid('Occurrence'),
    districtId: uuid('District'),
    groupId: uuid('Group'),
    vendorId: uuid('Vendor'),
    reason: enumOf(CANCELLATION_REASONS, 'Why it was cancelled'),
    accountable: enumOf(CANCELLATION_ACCOUNTABILITY, 'Who is accountable for the missed session'),
    studentIds: studentIds('Students affected; all of the group when the whole occurrence is cancelled', 1),
    note: {
      type: ['string', 'null'],
      maxLength: MAX_COMMENT_LENGTH,
      description: 'Free-text note (no student PII), or null',
    },
  }),
);

export const SCHEDULING_EVENT_SCHEMAS: Partial<Record<InternalEventType, JsonSchema>> = {
  [GROUP_FORMED_V1]: groupFormedSchema,
  [OCCURRENCE_PLANNED_V1]: occurrencePlannedSchema,
  [OCCURRENCE_CANCELLED_V1]: occurrenceCancelledSchema,
};
