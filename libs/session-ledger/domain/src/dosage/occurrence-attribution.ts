/**
 * Scheduled versus delivered (issue 6 item 7): each planned occurrence of a student is delivered, or its miss is
 * attributed — cancelled by the district, cancelled by the vendor, the student absent, or not reported. Pure: the
 * occurrences (from scheduling's events), the reported sessions (current versions) and `now` come in.
 *
 * How a reported session matches an occurrence:
 * 1. the session names it: `scheduledSessionId` = `occurrenceId` (the vendor contract carries it, DESIGN.md §4),
 *    same vendor;
 * 2. otherwise a session that names no occurrence matches by time: same vendor, same group (or the session names
 *    none), the student on its attendance list, and [startedAt, endedAt) overlapping [startsAt, endsAt). Pairs are
 *    taken largest overlap first, then earliest occurrence, then session id; each session and each occurrence is used
 *    once. A session naming an occurrence that is not among this student's is never matched by time.
 */
import { isoWeekOf } from '../projections/iso-week';
import { AttendanceStatus, countsForDosage } from '../projections/projected-entry';
import { CancellationFact, cancellationFor, scheduledStudents } from './occurrence-cancellations';

export interface PlannedOccurrence {
  occurrenceId: string;
  vendorId: string;
  groupId: string;
  /** Local date in the district zone (scheduling's `date`). */
  date: string;
  startsAt: string;
  endsAt: string;
  /** Students of its latest plan (scheduling leaves out those whose attendance was cancelled ahead). */
  studentIds: readonly string[];
  /** Every cancellation of the occurrence; each student's miss is answered by `cancellationFor` (precedence there). */
  cancellations: readonly CancellationFact[];
}

export interface ReportedSession {
  vendorId: string;
  sessionId: string;
  groupId: string | null;
  scheduledSessionId: string | null;
  startedAt: string;
  endedAt: string;
  localDate: string;
  lines: readonly { studentId: string; status: AttendanceStatus; minutes: number }[];
}

export const OCCURRENCE_OUTCOMES = [
  'delivered',
  'cancelled_by_district',
  'cancelled_by_vendor',
  'student_absent',
  'not_reported',
  'pending',
] as const;
export type OccurrenceOutcome = (typeof OCCURRENCE_OUTCOMES)[number];

export interface AttributedOccurrence {
  occurrenceId: string;
  vendorId: string;
  groupId: string;
  date: string;
  isoWeek: string;
  startsAt: string;
  endsAt: string;
  outcome: OccurrenceOutcome;
  /** The reported session matched to it, if any. */
  sessionId: string | null;
  matchedBy: 'scheduled_session_id' | 'time_overlap' | null;
}

export interface ScheduleWeekSummary {
  isoWeek: string;
  scheduled: number;
  delivered: number;
  cancelledByDistrict: number;
  cancelledByVendor: number;
  studentAbsent: number;
  notReported: number;
  /** Not yet due: the occurrence ended less than the reporting delay ago (or has not happened yet). */
  pending: number;
  /** Sessions the student attended that match no planned occurrence. */
  unscheduledDelivered: number;
}

export interface StudentScheduleView {
  weeks: ScheduleWeekSummary[];
  occurrences: AttributedOccurrence[];
}

/** The reporting delay after which a planned occurrence without a session is "not reported" (notifications: 24 h). */
export const NOT_REPORTED_AFTER_HOURS = 24;

const ms = (instant: string): number => Date.parse(instant);

const overlapMs = (o: PlannedOccurrence, s: ReportedSession): number =>
  Math.min(ms(o.endsAt), ms(s.endedAt)) - Math.max(ms(o.startsAt), ms(s.startedAt));

type Match = { session: ReportedSession; by: 'scheduled_session_id' | 'time_overlap' };

/** Which reported session (if any) is each occurrence's, for one student. */
export const matchSessions = (
  studentId: string,
  occurrences: readonly PlannedOccurrence[],
  sessions: readonly ReportedSession[],
): Map<string, Match> => {
  const matches = new Map<string, Match>();
  const used = new Set<string>();
  const key = (s: ReportedSession) => `${s.vendorId}/${s.sessionId}`;
  const byId = new Map(occurrences.map((o) => [o.occurrenceId, o]));
  const named = [...sessions]
    .filter((s) => s.scheduledSessionId !== null && byId.get(s.scheduledSessionId)?.vendorId === s.vendorId)
    // Several sessions naming one occurrence: the one with the student's line wins, then the earliest.
    .sort(
      (a, b) =>
        Number(!a.lines.some((l) => l.studentId === studentId)) -
          Number(!b.lines.some((l) => l.studentId === studentId)) ||
        ms(a.startedAt) - ms(b.startedAt) ||
        a.sessionId.localeCompare(b.sessionId),
    );
  for (const s of named) {
    const id = s.scheduledSessionId as string;
    if (matches.has(id)) continue;
    matches.set(id, { session: s, by: 'scheduled_session_id' });
    used.add(key(s));
  }
  const pairs: { o: PlannedOccurrence; s: ReportedSession; overlap: number }[] = [];
  for (const s of sessions) {
    if (s.scheduledSessionId !== null || used.has(key(s))) continue;
    if (!s.lines.some((l) => l.studentId === studentId)) continue;
    for (const o of occurrences) {
      if (matches.has(o.occurrenceId) || o.vendorId !== s.vendorId) continue;
      if (s.groupId !== null && s.groupId !== o.groupId) continue;
      const overlap = overlapMs(o, s);
      if (overlap > 0) pairs.push({ o, s, overlap });
    }
  }
  pairs.sort(
    (a, b) =>
      b.overlap - a.overlap ||
      ms(a.o.startsAt) - ms(b.o.startsAt) ||
      a.o.occurrenceId.localeCompare(b.o.occurrenceId) ||
      a.s.sessionId.localeCompare(b.s.sessionId),
  );
  for (const { o, s } of pairs) {
    if (matches.has(o.occurrenceId) || used.has(key(s))) continue;
    matches.set(o.occurrenceId, { session: s, by: 'time_overlap' });
    used.add(key(s));
  }
  return matches;
};

/**
 * One occurrence for one student. A session in which the student attended counts as delivered even if the occurrence
 * was cancelled (the dose was received); the cancellation that answers for the student comes next (whole occurrence
 * first, then the latest: `cancellationFor`); then a reported session
 * with the student absent (or attended with 0 minutes); then, once the reporting delay has passed, not reported.
 */
export const attributeOccurrence = (
  studentId: string,
  o: PlannedOccurrence,
  match: Match | undefined,
  now: Date,
  reportAfterHours = NOT_REPORTED_AFTER_HOURS,
): OccurrenceOutcome => {
  const line = match?.session.lines.find((l) => l.studentId === studentId);
  if (line && countsForDosage(line)) return 'delivered';
  const c = cancellationFor(studentId, o.cancellations);
  if (c) return c.accountable === 'district' ? 'cancelled_by_district' : 'cancelled_by_vendor';
  if (line) return 'student_absent';
  return now.getTime() < ms(o.endsAt) + reportAfterHours * 3_600_000 ? 'pending' : 'not_reported';
};

const emptyWeek = (isoWeek: string): ScheduleWeekSummary => ({
  isoWeek,
  scheduled: 0,
  delivered: 0,
  cancelledByDistrict: 0,
  cancelledByVendor: 0,
  studentAbsent: 0,
  notReported: 0,
  pending: 0,
  unscheduledDelivered: 0,
});

const COUNTER: Record<
  OccurrenceOutcome,
  keyof Omit<ScheduleWeekSummary, 'isoWeek' | 'scheduled' | 'unscheduledDelivered'>
> = {
  delivered: 'delivered',
  cancelled_by_district: 'cancelledByDistrict',
  cancelled_by_vendor: 'cancelledByVendor',
  student_absent: 'studentAbsent',
  not_reported: 'notReported',
  pending: 'pending',
};

/**
 * A student's scheduled versus delivered sessions per ISO week (of the occurrence's local date, or the session's for
 * unscheduled ones). `occurrences` are those planned for the student; `sessions` the current versions of sessions
 * that may concern them. Weeks ascending; occurrences by start.
 */
export const studentSchedule = (
  studentId: string,
  occurrences: readonly PlannedOccurrence[],
  sessions: readonly ReportedSession[],
  now: Date,
  reportAfterHours = NOT_REPORTED_AFTER_HOURS,
): StudentScheduleView => {
  // Scheduled = in the latest plan, or named by one of its cancellations (cancelled ahead, then left out of a re-plan).
  const mine = occurrences.filter((o) => scheduledStudents(o.studentIds, o.cancellations).includes(studentId));
  const matches = matchSessions(studentId, mine, sessions);
  const weeks = new Map<string, ScheduleWeekSummary>();
  const week = (w: string): ScheduleWeekSummary => {
    const found = weeks.get(w);
    if (found) return found;
    const created = emptyWeek(w);
    weeks.set(w, created);
    return created;
  };
  const attributed = [...mine]
    .sort((a, b) => ms(a.startsAt) - ms(b.startsAt) || a.occurrenceId.localeCompare(b.occurrenceId))
    .map((o): AttributedOccurrence => {
      const match = matches.get(o.occurrenceId);
      const outcome = attributeOccurrence(studentId, o, match, now, reportAfterHours);
      const isoWeek = isoWeekOf(o.date);
      const w = week(isoWeek);
      w.scheduled += 1;
      w[COUNTER[outcome]] += 1;
      return {
        occurrenceId: o.occurrenceId,
        vendorId: o.vendorId,
        groupId: o.groupId,
        date: o.date,
        isoWeek,
        startsAt: o.startsAt,
        endsAt: o.endsAt,
        outcome,
        sessionId: match?.session.sessionId ?? null,
        matchedBy: match?.by ?? null,
      };
    });
  const matched = new Set([...matches.values()].map((m) => `${m.session.vendorId}/${m.session.sessionId}`));
  for (const s of sessions) {
    if (matched.has(`${s.vendorId}/${s.sessionId}`)) continue;
    const line = s.lines.find((l) => l.studentId === studentId);
    if (line && countsForDosage(line)) week(isoWeekOf(s.localDate)).unscheduledDelivered += 1;
  }
  return { weeks: [...weeks.values()].sort((a, b) => a.isoWeek.localeCompare(b.isoWeek)), occurrences: attributed };
};
