// Events our own services exchange (not vendor-facing, not finance-facing). Pseudonymous ids only: a student is
// a UUID minted by enrollment, never a name, birth date, local student number or contact detail.
// Each producing service owns the JSON Schema of the events it publishes (INTERNAL_EVENT_SCHEMAS, ./schemas).
// All travel as CloudEvents (binary mode) with `districtid` set, `ce_source` = urn:tutoring:service:<service>.
import type { AttendanceStatus, LocalDate, Timestamp, Uuid } from '../event-data.types';

// ── topics (key in brackets) ────────────────────────────────────────────────────────────────────────────
/** enrollment: districts, schools + calendars, programs [districtId]. */
export const ENROLLMENT_ORGANISATION_TOPIC = 'tutoring.enrollment.organisation.v1';
/** enrollment: students (pseudonymous), enrolments, consent [studentId]. */
export const ENROLLMENT_STUDENTS_TOPIC = 'tutoring.enrollment.students.v1';
/** enrollment: tutors and their clearance [tutorId]. */
export const ENROLLMENT_TUTORS_TOPIC = 'tutoring.enrollment.tutors.v1';
/** enrollment: assessment results (pseudonymous) [studentId]. */
export const ENROLLMENT_ASSESSMENTS_TOPIC = 'tutoring.enrollment.assessments.v1';
/** scheduling: groups, memberships, tutor assignment, planned occurrences, cancellations [groupId]. */
export const SCHEDULING_TOPIC = 'tutoring.scheduling.schedule.v1';
/** session-ledger: what the ledger recorded, line by line, with billability [vendorId:sessionId]. */
export const LEDGER_TOPIC = 'tutoring.ledger.sessions.v1';
/** session-ledger: dosage signals (a student's week closed below target, …) [studentId]. */
export const DOSAGE_TOPIC = 'tutoring.ledger.dosage.v1';
/** notifications: what was sent to whom (ids only) [notificationId]. */
export const NOTIFICATIONS_TOPIC = 'tutoring.notifications.delivered.v1';

// ── event types ─────────────────────────────────────────────────────────────────────────────────────────
export const DISTRICT_CONFIGURED_V1 = 'org.tutoring.enrollment.district-configured.v1';
export const SCHOOL_CALENDAR_SET_V1 = 'org.tutoring.enrollment.school-calendar-set.v1';
export const PROGRAM_DEFINED_V1 = 'org.tutoring.enrollment.program-defined.v1';
export const STUDENT_ROSTERED_V1 = 'org.tutoring.enrollment.student-rostered.v1';
export const ENROLMENT_CHANGED_V1 = 'org.tutoring.enrollment.enrolment-changed.v1';
export const TUTOR_REGISTERED_V1 = 'org.tutoring.enrollment.tutor-registered.v1';
export const ASSESSMENT_RECORDED_V1 = 'org.tutoring.enrollment.assessment-recorded.v1';
export const GROUP_FORMED_V1 = 'org.tutoring.scheduling.group-formed.v1';
export const OCCURRENCE_PLANNED_V1 = 'org.tutoring.scheduling.occurrence-planned.v1';
export const OCCURRENCE_CANCELLED_V1 = 'org.tutoring.scheduling.occurrence-cancelled.v1';
export const LEDGER_SESSION_RECORDED_V1 = 'org.tutoring.ledger.session-recorded.v1';
export const DOSAGE_BELOW_TARGET_V1 = 'org.tutoring.ledger.dosage-below-target.v1';
export const NOTIFICATION_SENT_V1 = 'org.tutoring.notifications.notification-sent.v1';

export const INTERNAL_EVENT_TYPES = [
  DISTRICT_CONFIGURED_V1,
  SCHOOL_CALENDAR_SET_V1,
  PROGRAM_DEFINED_V1,
  STUDENT_ROSTERED_V1,
  ENROLMENT_CHANGED_V1,
  TUTOR_REGISTERED_V1,
  ASSESSMENT_RECORDED_V1,
  GROUP_FORMED_V1,
  OCCURRENCE_PLANNED_V1,
  OCCURRENCE_CANCELLED_V1,
  LEDGER_SESSION_RECORDED_V1,
  DOSAGE_BELOW_TARGET_V1,
  NOTIFICATION_SENT_V1,
] as const;
export type InternalEventType = (typeof INTERNAL_EVENT_TYPES)[number];
export const isInternalEventType = (type: string): type is InternalEventType =>
  (INTERNAL_EVENT_TYPES as readonly string[]).includes(type);

// ── enrollment ──────────────────────────────────────────────────────────────────────────────────────────
/** Every *Changed/*Set event is a full snapshot of the entity (last one wins), so consumers stay simple. */
export interface DistrictConfiguredV1 {
  districtId: Uuid;
  /** IANA zone, e.g. America/Chicago. Weeks, days and plausible hours are counted in it. */
  timeZone: string;
}

export interface SchoolCalendarSetV1 {
  districtId: Uuid;
  schoolId: Uuid;
  /** School year label, e.g. "2026-2027". */
  schoolYear: string;
  /** Every instructional day of the year, ascending (holidays and closures simply absent). */
  instructionalDays: LocalDate[];
  /** Instructional days with an early release (subset of instructionalDays). */
  earlyReleaseDays: LocalDate[];
}

export interface DosageTargetV1 {
  sessionsPerWeek: number;
  minutesPerSession: number;
  /** Minimum number of weeks of the program (NSSA: 10). */
  weeks: number;
}

export interface ProgramDefinedV1 {
  programId: Uuid;
  districtId: Uuid;
  name: string;
  subject: string;
  /** Inclusive grade band, grades as 'K', '1'..'12'. */
  gradeBand: { from: string; to: string };
  target: DosageTargetV1;
  maxGroupSize: number;
  startDate: LocalDate;
  endDate: LocalDate;
  consentMode: 'opt_in' | 'opt_out';
  vendorIds: Uuid[];
  /** Plausible local hours for sessions, "HH:MM" (default 06:00–20:00). */
  plausibleHours: { from: string; to: string };
}

export interface StudentRosteredV1 {
  studentId: Uuid;
  districtId: Uuid;
  schoolId: Uuid;
  grade: string;
  /** Need flags used for eligibility priority; no PII. */
  flags: { economicallyDisadvantaged: boolean; multilingualLearner: boolean; iep: boolean };
  /** false once the student left the district roster. */
  active: boolean;
  /**
   * true once the student's PII was erased (crypto-shredded) in enrollment: drop anything cached about the student
   * beyond the pseudonymous id; ledger entries and money totals stay as they are. Absent = false.
   */
  erased?: boolean;
}

export const ENROLMENT_STATUSES = ['identified', 'invited', 'consented', 'enrolled', 'withdrawn', 'exited'] as const;
export type EnrolmentStatus = (typeof ENROLMENT_STATUSES)[number];
export const CONSENT_STATES = ['pending', 'granted', 'refused', 'not_opted_out', 'opted_out'] as const;
export type ConsentState = (typeof CONSENT_STATES)[number];

/** Full snapshot of one student's enrolment in one program. */
export interface EnrolmentChangedV1 {
  enrolmentId: Uuid;
  districtId: Uuid;
  studentId: Uuid;
  schoolId: Uuid;
  programId: Uuid;
  /** Vendor serving the student; null until assigned. */
  vendorId: Uuid | null;
  status: EnrolmentStatus;
  consent: ConsentState;
  /** First day the student may be served and billed; null before enrolment. */
  startDate: LocalDate | null;
  /** Last day (inclusive) after withdrawal or exit; null while enrolled. */
  endDate: LocalDate | null;
  reason: string | null;
  /** Family contact preferences (no address: the channel's address stays in enrollment). */
  contactPreferences: { language: string; channel: 'email' | 'sms' | 'none' };
  changedAt: Timestamp;
  /**
   * The student's grade when the enrolment changed. Enrollment also sends this snapshot on the serving vendor's
   * assignments topic (pseudonymous id, grade, school). Optional for compatibility.
   */
  grade?: string;
}

export interface TutorRegisteredV1 {
  tutorId: Uuid;
  districtId: Uuid;
  vendorId: Uuid;
  /** Background check valid through this local date (inclusive); null = not cleared. */
  clearedUntil: LocalDate | null;
  subjects: string[];
  gradeBands: { from: string; to: string }[];
  credentials: string[];
  /** Weekly availability, weekday 1 = Monday … 7 = Sunday, local "HH:MM". */
  availability: { weekday: number; from: string; to: string }[];
  /** Students the tutor can serve at once across groups (capacity). */
  maxGroups: number;
  active: boolean;
}

export const ASSESSMENT_WINDOWS = ['BOY', 'MOY', 'EOY'] as const;
export type AssessmentWindow = (typeof ASSESSMENT_WINDOWS)[number];

export interface AssessmentRecordedV1 {
  assessmentId: Uuid;
  districtId: Uuid;
  studentId: Uuid;
  schoolYear: string;
  window: AssessmentWindow;
  subject: string;
  scaleScore: number;
  percentile: number;
  growthPercentile: number | null;
}

// ── scheduling ──────────────────────────────────────────────────────────────────────────────────────────
export interface GroupFormedV1 {
  /** Full snapshot of a group after any change (membership, tutor reassignment). */
  groupId: Uuid;
  districtId: Uuid;
  programId: Uuid;
  schoolId: Uuid;
  vendorId: Uuid;
  tutorId: Uuid;
  studentIds: Uuid[];
  /** Why the tutor changed, when it did (counts against tutor consistency); null otherwise. */
  tutorChangeReason: string | null;
  version: number;
}

export interface OccurrencePlannedV1 {
  occurrenceId: Uuid;
  districtId: Uuid;
  groupId: Uuid;
  programId: Uuid;
  schoolId: Uuid;
  vendorId: Uuid;
  tutorId: Uuid;
  studentIds: Uuid[];
  date: LocalDate;
  startsAt: Timestamp;
  endsAt: Timestamp;
}

export const CANCELLATION_ACCOUNTABILITY = ['district', 'vendor'] as const;
export interface OccurrenceCancelledV1 {
  occurrenceId: Uuid;
  districtId: Uuid;
  groupId: Uuid;
  vendorId: Uuid;
  reason: 'closure' | 'testing_day' | 'tutor_absence' | 'student_absence' | 'other';
  accountable: (typeof CANCELLATION_ACCOUNTABILITY)[number];
  /** Students affected; all of the group when the whole occurrence is cancelled. */
  studentIds: Uuid[];
  note: string | null;
}

// ── session-ledger ──────────────────────────────────────────────────────────────────────────────────────
export interface LedgerLineV1 {
  studentId: Uuid;
  status: AttendanceStatus;
  minutes: number;
  /** true when every billable-line rule passed (DESIGN.md §2). */
  billable: boolean;
  /** Exception reason codes when not billable; empty when billable. */
  exceptionCodes: string[];
}

/** One ledger entry as other services see it: the session's current version replaces any earlier one. */
export interface LedgerSessionRecordedV1 {
  ledgerPosition: number;
  districtId: Uuid;
  vendorId: Uuid;
  sessionId: string;
  streamVersion: number;
  kind: 'delivered' | 'corrected' | 'voided';
  tutorId: Uuid | null;
  groupId: Uuid | null;
  scheduledSessionId: Uuid | null;
  subject: string | null;
  startedAt: Timestamp | null;
  endedAt: Timestamp | null;
  /** Local date of the session in the district's zone. */
  localDate: LocalDate | null;
  /** Empty for a void: every earlier line of the session is cancelled. */
  lines: LedgerLineV1[];
  /** Tutor notes, pseudonymous (comment text is the tutor's, about skills, never names). */
  notes: { studentId: Uuid; skill: string; progress: string; comment: string }[];
  recordedAt: Timestamp;
}

export interface DosageBelowTargetV1 {
  districtId: Uuid;
  studentId: Uuid;
  schoolId: Uuid | null;
  programId: Uuid | null;
  /** ISO week, e.g. 2026-W47, in the district's zone. */
  isoWeek: string;
  attendedMinutes: number;
  targetMinutes: number;
  /** Consecutive instructional weeks below target, this one included. */
  consecutiveWeeks: number;
}

// ── notifications ───────────────────────────────────────────────────────────────────────────────────────
export interface NotificationSentV1 {
  notificationId: Uuid;
  districtId: Uuid;
  rule: string;
  channel: 'email' | 'webhook' | 'sms' | 'inbox';
  /** Pseudonymous recipient id (user subject, vendor id, or enrolment id for a family). */
  recipientId: string;
  sentAt: Timestamp;
}

export interface InternalEventDataMap {
  [DISTRICT_CONFIGURED_V1]: DistrictConfiguredV1;
  [SCHOOL_CALENDAR_SET_V1]: SchoolCalendarSetV1;
  [PROGRAM_DEFINED_V1]: ProgramDefinedV1;
  [STUDENT_ROSTERED_V1]: StudentRosteredV1;
  [ENROLMENT_CHANGED_V1]: EnrolmentChangedV1;
  [TUTOR_REGISTERED_V1]: TutorRegisteredV1;
  [ASSESSMENT_RECORDED_V1]: AssessmentRecordedV1;
  [GROUP_FORMED_V1]: GroupFormedV1;
  [OCCURRENCE_PLANNED_V1]: OccurrencePlannedV1;
  [OCCURRENCE_CANCELLED_V1]: OccurrenceCancelledV1;
  [LEDGER_SESSION_RECORDED_V1]: LedgerSessionRecordedV1;
  [DOSAGE_BELOW_TARGET_V1]: DosageBelowTargetV1;
  [NOTIFICATION_SENT_V1]: NotificationSentV1;
}
export type InternalEventData<T extends InternalEventType = InternalEventType> = InternalEventDataMap[T];
