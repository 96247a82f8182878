import type { AttendanceStatus } from '@tutoring/shared/contracts';
import { EXCEPTION_MESSAGES, ExceptionCode } from './exception-codes';
import { isKnownTimeZone, LocalDateTime, minuteOfDayOf, toLocal } from './local-time';

/**
 * The billable-line rules of DESIGN.md §2, one small pure function each. A session that passed the contract is
 * always recorded; each attended line that fails a rule is an exception with a stable code, not billable until
 * corrected. Absent lines are never billable and never exceptions.
 */
export interface SessionUnderReview {
  vendorId: string;
  sessionId: string;
  tutorId: string;
  subject: string;
  startedAt: string;
  endedAt: string;
  attendance: readonly { studentId: string; status: AttendanceStatus; minutes: number }[];
}

export interface EnrolmentFact {
  studentId: string;
  programId: string;
  vendorId: string | null;
  schoolId: string;
  status: string;
  consent: string;
  startDate: string | null;
  endDate: string | null;
}

export interface ProgramFact {
  programId: string;
  subject: string;
  maxGroupSize: number;
  startDate: string;
  endDate: string;
  plausibleFrom: string;
  plausibleTo: string;
  vendorIds: readonly string[];
}

/** A line of another active session of one of the students (from the per-student interval index). */
export interface OtherSessionLine {
  vendorId: string;
  sessionId: string;
  studentId: string;
  tutorId: string;
  startsAt: string;
  endsAt: string;
}

export interface ReferenceFacts {
  /** IANA zone of the district, null until enrollment published it. */
  timeZone: string | null;
  tutor: { vendorId: string; clearedUntil: string | null } | null;
  enrolments: readonly EnrolmentFact[];
  programs: readonly ProgramFact[];
  students: readonly { studentId: string; schoolId: string }[];
  /** Instructional days of the students' schools around the session date. */
  schoolDays: readonly { schoolId: string; day: string }[];
  otherSessions: readonly OtherSessionLine[];
}

export interface LineVerdict {
  studentId: string;
  billable: boolean;
  exceptionCodes: ExceptionCode[];
}

export interface SessionReview {
  /** Local date of the session start in the district zone; null when the zone is not known. */
  localDate: string | null;
  verdicts: LineVerdict[];
}

interface LineContext {
  session: SessionUnderReview;
  line: SessionUnderReview['attendance'][number];
  facts: ReferenceFacts;
  local: { start: LocalDateTime; end: LocalDateTime } | null;
  enrolment: EnrolmentFact | null;
  program: ProgramFact | null;
  attendedCount: number;
}

type Rule = (c: LineContext) => ExceptionCode | null;

export const ATTENDED_STATUSES: readonly AttendanceStatus[] = ['present', 'late', 'left_early'];
export const isAttended = (status: AttendanceStatus): boolean => ATTENDED_STATUSES.includes(status);
const CONSENTED = ['granted', 'not_opted_out'];
const SERVED_STATUSES = ['enrolled', 'withdrawn', 'exited'];
const DEFAULT_PLAUSIBLE = { from: '06:00', to: '20:00' };
/** NSSA high-impact default when no program can be found for the line. */
const DEFAULT_MAX_GROUP_SIZE = 4;

const within = (day: string, from: string | null, to: string | null): boolean =>
  from !== null && from <= day && (to === null || day <= to);

/** The enrolment of the student with this vendor in a program running on the date, preferring the session subject. */
export const enrolmentOnDate = (
  session: SessionUnderReview,
  studentId: string,
  day: string,
  facts: ReferenceFacts,
): { enrolment: EnrolmentFact; program: ProgramFact } | null => {
  const candidates = facts.enrolments
    .filter((e) => e.studentId === studentId && e.vendorId === session.vendorId && SERVED_STATUSES.includes(e.status))
    .filter((e) => within(day, e.startDate, e.endDate))
    .flatMap((enrolment) => {
      const program = facts.programs.find((p) => p.programId === enrolment.programId);
      return program && program.vendorIds.includes(session.vendorId) && within(day, program.startDate, program.endDate)
        ? [{ enrolment, program }]
        : [];
    });
  const rank = (c: { enrolment: EnrolmentFact; program: ProgramFact }) =>
    (c.program.subject === session.subject ? 0 : 2) + (CONSENTED.includes(c.enrolment.consent) ? 0 : 1);
  return [...candidates].sort((a, b) => rank(a) - rank(b))[0] ?? null;
};

export const timeZoneKnown: Rule = (c) => (c.local ? null : 'district_time_zone_unknown');

export const enrolledOnDate: Rule = (c) => (!c.local || c.enrolment ? null : 'not_enrolled');

export const consented: Rule = (c) => (!c.enrolment || CONSENTED.includes(c.enrolment.consent) ? null : 'no_consent');

export const instructionalDay: Rule = (c) => {
  if (!c.local) return null;
  const day = c.local.start.date;
  const schoolId = c.enrolment?.schoolId ?? c.facts.students.find((s) => s.studentId === c.line.studentId)?.schoolId;
  return schoolId && c.facts.schoolDays.some((d) => d.schoolId === schoolId && d.day === day)
    ? null
    : 'not_instructional_day';
};

export const plausibleHours: Rule = (c) => {
  if (!c.local) return null;
  const from = minuteOfDayOf(c.program?.plausibleFrom ?? DEFAULT_PLAUSIBLE.from);
  const to = minuteOfDayOf(c.program?.plausibleTo ?? DEFAULT_PLAUSIBLE.to);
  const { start, end } = c.local;
  const inside = start.date === end.date && start.minuteOfDay >= from && end.minuteOfDay <= to;
  return inside ? null : 'outside_plausible_hours';
};

export const tutorOfVendor: Rule = (c) =>
  c.facts.tutor?.vendorId === c.session.vendorId ? null : 'tutor_not_of_vendor';

export const tutorCleared: Rule = (c) => {
  if (!c.local || c.facts.tutor?.vendorId !== c.session.vendorId) return null; // not this vendor's tutor: one code is enough
  const until = c.facts.tutor.clearedUntil;
  return until !== null && c.local.start.date <= until ? null : 'tutor_not_cleared';
};

export const groupSize: Rule = (c) =>
  c.attendedCount <= (c.program?.maxGroupSize ?? DEFAULT_MAX_GROUP_SIZE) ? null : 'group_too_large';

export const minutesWithinDuration: Rule = (c) => {
  const duration = (Date.parse(c.session.endedAt) - Date.parse(c.session.startedAt)) / 60_000;
  return c.line.minutes <= duration ? null : 'minutes_exceed_duration';
};

const isDuplicateOf = (c: LineContext, o: OtherSessionLine): boolean =>
  o.studentId === c.line.studentId &&
  o.vendorId === c.session.vendorId &&
  o.tutorId === c.session.tutorId &&
  Date.parse(o.startsAt) === Date.parse(c.session.startedAt);

const othersOf = (c: LineContext): OtherSessionLine[] =>
  c.facts.otherSessions.filter((o) => !(o.vendorId === c.session.vendorId && o.sessionId === c.session.sessionId));

export const notDuplicate: Rule = (c) => (othersOf(c).some((o) => isDuplicateOf(c, o)) ? 'duplicate_session' : null);

export const noOverlap: Rule = (c) => {
  const start = Date.parse(c.session.startedAt);
  const end = Date.parse(c.session.endedAt);
  const overlaps = othersOf(c).some(
    (o) =>
      o.studentId === c.line.studentId &&
      !isDuplicateOf(c, o) &&
      Date.parse(o.startsAt) < end &&
      Date.parse(o.endsAt) > start,
  );
  return overlaps ? 'overlapping_session' : null;
};

/** In reporting order. */
export const BILLABLE_LINE_RULES: readonly Rule[] = [
  timeZoneKnown,
  enrolledOnDate,
  consented,
  instructionalDay,
  plausibleHours,
  tutorOfVendor,
  tutorCleared,
  groupSize,
  minutesWithinDuration,
  notDuplicate,
  noOverlap,
];

export const reviewSession = (session: SessionUnderReview, facts: ReferenceFacts): SessionReview => {
  const local =
    facts.timeZone && isKnownTimeZone(facts.timeZone)
      ? { start: toLocal(session.startedAt, facts.timeZone), end: toLocal(session.endedAt, facts.timeZone) }
      : null;
  const attendedCount = session.attendance.filter((l) => isAttended(l.status)).length;
  const verdicts = session.attendance.map((line): LineVerdict => {
    if (!isAttended(line.status)) return { studentId: line.studentId, billable: false, exceptionCodes: [] };
    const found = local ? enrolmentOnDate(session, line.studentId, local.start.date, facts) : null;
    const context: LineContext = {
      session,
      line,
      facts,
      local,
      enrolment: found?.enrolment ?? null,
      program: found?.program ?? null,
      attendedCount,
    };
    const exceptionCodes = BILLABLE_LINE_RULES.map((rule) => rule(context)).filter(
      (code): code is ExceptionCode => code !== null,
    );
    return { studentId: line.studentId, billable: exceptionCodes.length === 0 && line.minutes > 0, exceptionCodes };
  });
  return { localDate: local?.start.date ?? null, verdicts };
};

/** The exceptions as the vendor's accepted feedback lists them. */
export const exceptionsOf = (
  verdicts: readonly LineVerdict[],
): { studentId: string; code: ExceptionCode; message: string }[] =>
  verdicts.flatMap((v) =>
    v.exceptionCodes.map((code) => ({ studentId: v.studentId, code, message: EXCEPTION_MESSAGES[code] })),
  );
