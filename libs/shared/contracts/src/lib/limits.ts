// Limits of the v1 contracts. They are part of the public contract: vendors build against them,
// so a limit can only be loosened in v1, never tightened (tightening needs a v2 type).

/** Largest accepted Kafka value / HTTP event body (bytes). */
export const MAX_EVENT_BYTES = 256 * 1024;
/** A session lasts at most 4 hours (endedAt - startedAt). */
export const MAX_SESSION_DURATION_MINUTES = 240;
export const MAX_SESSION_DURATION_MS = MAX_SESSION_DURATION_MINUTES * 60_000;
/** Attendance lines per session: at least one, at most 50 (high-dosage groups are <= 4; 50 covers classroom-sized pushes). */
export const MIN_ATTENDANCE_LINES = 1;
export const MAX_ATTENDANCE_LINES = 50;
export const MAX_NOTES = 50;
export const MAX_COMMENT_LENGTH = 500;
export const MAX_REASON_LENGTH = 500;
export const MAX_SESSION_ID_LENGTH = 128;
export const MAX_SKILL_LENGTH = 64;
export const MAX_VENDOR_NAME_LENGTH = 200;
export const MAX_DESCRIPTION_LENGTH = 500;
export const MAX_MESSAGE_LENGTH = 500;
export const MAX_PATH_LENGTH = 256;
export const MAX_EVENT_ID_LENGTH = 256;
export const MAX_ACTOR_ID_LENGTH = 255;
export const MAX_QUANTITY_LENGTH = 32;
export const MAX_FEEDBACK_EXCEPTIONS = 200;
export const MAX_FEEDBACK_ERRORS = 100;
/** Statement lines per message; larger statements must aggregate lines (studentId null) to stay under MAX_EVENT_BYTES. */
export const MAX_STATEMENT_LINES = 1000;

// Patterns are plain strings so the same text goes into JSON Schema, AsyncAPI and class-validator.
/** Vendor's own session id: 1..128 chars of [A-Za-z0-9._:-]. */
export const SESSION_ID_PATTERN = '^[A-Za-z0-9._:-]{1,128}$';
/** Lowercase canonical UUID (any version). Lowercase only, so one id has exactly one spelling. */
export const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
/** Program subject code, e.g. math, ela, science_8. */
export const SUBJECT_PATTERN = '^[a-z][a-z0-9_]{1,31}$';
/** Standard / skill code, e.g. CCSS.MATH.CONTENT.3.OA.A.1. */
export const SKILL_PATTERN = '^[A-Za-z0-9._:/-]{1,64}$';
/** Decimal string, never a float: -?digits(.digits)?. */
export const QUANTITY_PATTERN = '^-?\\d+(\\.\\d+)?$';
/** Stable machine codes in feedback (exception codes, error codes). */
export const CODE_PATTERN = '^[a-z][a-z0-9_]{0,63}$';
/** W3C trace context traceparent header. */
export const TRACEPARENT_PATTERN = '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$';

export const SESSION_SUBJECT_EXAMPLES = ['math', 'ela'] as const;
export const MODALITIES = ['in_person', 'virtual'] as const;
export const ATTENDANCE_STATUSES = ['present', 'late', 'left_early', 'absent_excused', 'absent_unexcused'] as const;
export const NOTE_PROGRESS = ['mastered', 'progressing', 'not_yet'] as const;
export const STATEMENT_KINDS = ['base', 'settlement'] as const;
export const STATEMENT_LINE_KINDS = [
  'base',
  'outcome',
  'penalty',
  'adjustment',
  'holdback',
  'holdback_release',
  'cap',
] as const;
export const STATEMENT_UNITS = ['student_hour', 'student_session', 'student_month', 'student'] as const;
export const CURRENCIES = ['USD'] as const;
