// JSON Schemas of the internal events enrollment publishes. Owned by enrollment; consumers validate against them.
// Pseudonymous by construction: closed objects (additionalProperties false) with no field that could hold a name,
// birth date, local student number or contact detail.
import { MAX_REASON_LENGTH, SUBJECT_PATTERN } from '../../limits';
import {
  arrayOf,
  boundedString,
  enumOf,
  eventSchema,
  integer,
  localDate,
  nullableUuid,
  object,
  timestamp,
  uuid,
  type JsonSchema,
} from '../../schemas/common.schema';
import {
  ASSESSMENT_RECORDED_V1,
  ASSESSMENT_WINDOWS,
  CONSENT_STATES,
  DISTRICT_CONFIGURED_V1,
  ENROLMENT_CHANGED_V1,
  ENROLMENT_STATUSES,
  PROGRAM_DEFINED_V1,
  SCHOOL_CALENDAR_SET_V1,
  STUDENT_ROSTERED_V1,
  TUTOR_REGISTERED_V1,
  type InternalEventType,
} from '../internal-events';

/** Grades as in OneRoster: PK, K, 1..12 (leading zeros not accepted: one grade has one spelling). */
export const GRADE_PATTERN = '^(PK|K|[1-9]|1[0-2])$';
/** Local time of day "HH:MM", 24-hour clock. */
export const LOCAL_TIME_PATTERN = '^([01][0-9]|2[0-3]):[0-5][0-9]$';
/** IANA zone name shape (Area/Location[/Sub] or UTC); the service also checks the zone exists. */
export const IANA_ZONE_PATTERN = '^(UTC|[A-Z][A-Za-z_]+(/[A-Za-z0-9_+-]+){1,2})$';
/** School year label "2026-2027". */
export const SCHOOL_YEAR_PATTERN = '^[0-9]{4}-[0-9]{4}$';
/** Largest calendar: every day of a school year. */
const MAX_CALENDAR_DAYS = 400;

const grade = (description: string): JsonSchema => ({ type: 'string', pattern: GRADE_PATTERN, description });
const localTime = (description: string): JsonSchema => ({ type: 'string', pattern: LOCAL_TIME_PATTERN, description });
const subject = (): JsonSchema => ({
  type: 'string',
  pattern: SUBJECT_PATTERN,
  description: 'Subject code, e.g. math',
});
const schoolYear = (): JsonSchema => ({
  type: 'string',
  pattern: SCHOOL_YEAR_PATTERN,
  description: 'School year label, e.g. 2026-2027',
});
const gradeBand = (description: string): JsonSchema =>
  object(description, { from: grade('Lowest grade, inclusive'), to: grade('Highest grade, inclusive') });

export const districtConfiguredSchema: JsonSchema = eventSchema(
  DISTRICT_CONFIGURED_V1,
  object('A district was configured (full snapshot)', {
    districtId: uuid('District'),
    timeZone: {
      type: 'string',
      pattern: IANA_ZONE_PATTERN,
      maxLength: 64,
      description: 'IANA time zone, e.g. America/Chicago',
    },
  }),
);

export const schoolCalendarSetSchema: JsonSchema = eventSchema(
  SCHOOL_CALENDAR_SET_V1,
  object("A school's calendar for one school year (full snapshot, last one wins)", {
    districtId: uuid('District'),
    schoolId: uuid('School'),
    schoolYear: schoolYear(),
    instructionalDays: {
      ...arrayOf(localDate('Instructional day'), 0, MAX_CALENDAR_DAYS, 'Every instructional day, ascending'),
      uniqueItems: true,
    },
    earlyReleaseDays: {
      ...arrayOf(localDate('Early-release day'), 0, MAX_CALENDAR_DAYS, 'Subset of instructionalDays'),
      uniqueItems: true,
    },
  }),
);

export const programDefinedSchema: JsonSchema = eventSchema(
  PROGRAM_DEFINED_V1,
  object('A tutoring program was defined or changed (full snapshot)', {
    programId: uuid('Program'),
    districtId: uuid('District'),
    name: boundedString('Program name', 1, 200),
    subject: subject(),
    gradeBand: gradeBand('Inclusive grade band'),
    target: object('Dosage target', {
      sessionsPerWeek: integer('Sessions per week', 1, 14),
      minutesPerSession: integer('Minutes per session', 1, 240),
      weeks: integer('Minimum number of weeks', 1, 60),
    }),
    maxGroupSize: integer('Maximum students per tutor in a group', 1, 50),
    startDate: localDate('First day of the program'),
    endDate: localDate('Last day of the program (inclusive)'),
    consentMode: enumOf(['opt_in', 'opt_out'], 'Families opt in, or are enrolled unless they opt out'),
    vendorIds: { ...arrayOf(uuid('Vendor'), 0, 100, 'Vendors serving the program'), uniqueItems: true },
    plausibleHours: object('Plausible local hours for sessions', {
      from: localTime('From, local HH:MM'),
      to: localTime('To, local HH:MM'),
    }),
  }),
);

export const studentRosteredSchema: JsonSchema = eventSchema(
  STUDENT_ROSTERED_V1,
  object(
    'A student on the district roster (pseudonymous snapshot, no PII)',
    {
      studentId: uuid('Pseudonymous student id minted by enrollment'),
      districtId: uuid('District'),
      schoolId: uuid('School'),
      grade: grade('Grade level: PK, K, 1..12'),
      flags: object('Need flags used for eligibility priority', {
        economicallyDisadvantaged: { type: 'boolean', description: 'Economically disadvantaged' },
        multilingualLearner: { type: 'boolean', description: 'Multilingual (English) learner' },
        iep: { type: 'boolean', description: 'Has an individualised education program' },
      }),
      active: { type: 'boolean', description: 'false once the student left the roster (or was erased)' },
      erased: { type: 'boolean', description: 'true once the PII was erased: drop anything cached about the student' },
    },
    ['erased'],
  ),
);

export const enrolmentChangedSchema: JsonSchema = eventSchema(
  ENROLMENT_CHANGED_V1,
  object(
    "One student's enrolment in one program (full snapshot)",
    {
      enrolmentId: uuid('Enrolment'),
      districtId: uuid('District'),
      studentId: uuid('Pseudonymous student id'),
      schoolId: uuid('School'),
      programId: uuid('Program'),
      vendorId: nullableUuid('Vendor serving the student'),
      status: enumOf(ENROLMENT_STATUSES, 'Lifecycle status'),
      consent: enumOf(CONSENT_STATES, 'Consent state'),
      startDate: { type: ['string', 'null'], format: 'date', description: 'First day served (null before enrolment)' },
      endDate: { type: ['string', 'null'], format: 'date', description: 'Last day after withdrawal or exit' },
      reason: { type: ['string', 'null'], minLength: 1, maxLength: MAX_REASON_LENGTH, description: 'Why (codes)' },
      contactPreferences: object('Family contact preferences (no address)', {
        language: { type: 'string', pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$', description: 'BCP 47 tag' },
        channel: enumOf(['email', 'sms', 'none'], 'Preferred channel'),
      }),
      changedAt: timestamp('When it changed'),
      grade: grade("The student's grade when it changed"),
    },
    ['grade'],
  ),
);

export const tutorRegisteredSchema: JsonSchema = eventSchema(
  TUTOR_REGISTERED_V1,
  object('A tutor registered or changed (full snapshot)', {
    tutorId: uuid('Tutor'),
    districtId: uuid('District'),
    vendorId: uuid('Vendor employing the tutor'),
    clearedUntil: { type: ['string', 'null'], format: 'date', description: 'Background check valid through' },
    subjects: arrayOf(subject(), 0, 20, 'Subjects'),
    gradeBands: arrayOf(gradeBand('Grade band'), 0, 20, 'Grade bands'),
    credentials: arrayOf(boundedString('Credential code', 1, 100), 0, 20, 'Training credentials'),
    availability: arrayOf(
      object('Weekly availability window', {
        weekday: integer('1 = Monday … 7 = Sunday', 1, 7),
        from: localTime('From, local HH:MM'),
        to: localTime('To, local HH:MM'),
      }),
      0,
      100,
      'Weekly availability',
    ),
    maxGroups: integer('Groups the tutor can serve at once', 0, 100),
    active: { type: 'boolean', description: 'false once the tutor left' },
  }),
);

export const assessmentRecordedSchema: JsonSchema = eventSchema(
  ASSESSMENT_RECORDED_V1,
  object('An assessment result (pseudonymous)', {
    assessmentId: uuid('Assessment result'),
    districtId: uuid('District'),
    studentId: uuid('Pseudonymous student id'),
    schoolYear: schoolYear(),
    window: enumOf(ASSESSMENT_WINDOWS, 'Assessment window'),
    subject: subject(),
    scaleScore: integer('Scale score', 0, 100000),
    percentile: integer('National percentile rank', 0, 100),
    growthPercentile: { type: ['integer', 'null'], minimum: 0, maximum: 100, description: 'Growth percentile' },
  }),
);

export const ENROLLMENT_EVENT_SCHEMAS: Partial<Record<InternalEventType, JsonSchema>> = {
  [DISTRICT_CONFIGURED_V1]: districtConfiguredSchema,
  [SCHOOL_CALENDAR_SET_V1]: schoolCalendarSetSchema,
  [PROGRAM_DEFINED_V1]: programDefinedSchema,
  [STUDENT_ROSTERED_V1]: studentRosteredSchema,
  [ENROLMENT_CHANGED_V1]: enrolmentChangedSchema,
  [TUTOR_REGISTERED_V1]: tutorRegisteredSchema,
  [ASSESSMENT_RECORDED_V1]: assessmentRecordedSchema,
};
