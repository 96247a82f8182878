// The rules themselves: given an input (an event, or read-model rows at sweep time), what is worth saying.
// Each returns the payload for `address`, or null when there is nothing to say. No I/O, no clock.
import type { DistrictNotificationSettings } from '../settings/district-settings';
import type {
  DosagePayload,
  FamilySummaryPayload,
  MissingSessionPayload,
  PayoutStatementPayload,
  ProgressNote,
  SessionExceptionsPayload,
  TeacherDigestPayload,
} from './notification.types';

export interface DosageSignal {
  studentId: string;
  isoWeek: string;
  attendedMinutes: number;
  targetMinutes: number;
  consecutiveWeeks: number;
}

/** Below target N consecutive instructional weeks: once when the streak reaches N (or weekly after, if set). */
export function dosageAlert(
  signal: DosageSignal,
  programName: string | null,
  settings: DistrictNotificationSettings,
): DosagePayload | null {
  const threshold = settings.dosage.consecutiveWeeks;
  const due = settings.dosage.repeatWeekly
    ? signal.consecutiveWeeks >= threshold
    : signal.consecutiveWeeks === threshold;
  if (!due) return null;
  return { ...signal, programName };
}

export interface RecordedSession {
  sessionId: string;
  kind: 'delivered' | 'corrected' | 'voided';
  localDate: string | null;
  lines: { studentId: string; exceptionCodes: readonly string[] }[];
}

/** Lines the ledger kept as exceptions (not billable until corrected). A void has nothing to fix. */
export function sessionExceptions(session: RecordedSession): SessionExceptionsPayload | null {
  if (session.kind === 'voided') return null;
  const lines = session.lines
    .filter((l) => l.exceptionCodes.length > 0)
    .map((l) => ({ studentId: l.studentId, codes: [...l.exceptionCodes] }));
  return lines.length ? { sessionId: session.sessionId, localDate: session.localDate, lines } : null;
}

export interface PlannedOccurrence {
  occurrenceId: string;
  vendorId: string;
  groupId: string;
  date: string;
  startsAt: string;
  endsAt: string;
  cancelled: boolean;
  /** A ledger session points at it (scheduledSessionId), and was not voided. */
  reported: boolean;
}

/** Occurrences whose session should have been reported by now (ended + grace), within the look-back. */
export function missingSessionReports(
  occurrences: readonly PlannedOccurrence[],
  now: Date,
  settings: DistrictNotificationSettings,
): MissingSessionPayload[] {
  const graceMs = settings.missingSession.graceHours * 3_600_000;
  const oldest = now.getTime() - settings.missingSession.lookbackDays * 86_400_000;
  return occurrences
    .filter((o) => !o.cancelled && !o.reported)
    .filter((o) => {
      const ended = Date.parse(o.endsAt);
      return ended + graceMs <= now.getTime() && ended >= oldest;
    })
    .map((o) => ({
      occurrenceId: o.occurrenceId,
      date: o.date,
      startsAt: o.startsAt,
      endsAt: o.endsAt,
      groupId: o.groupId,
    }));
}

export interface StudentSessionLine {
  studentId: string;
  localDate: string;
  status: string;
  minutes: number;
}

export interface StudentNote {
  studentId: string;
  skill: string;
  progress: string;
  comment: string;
  localDate: string | null;
}

const ATTENDED = new Set(['present', 'late', 'left_early']);
const noteOf = (n: StudentNote): ProgressNote => ({
  skill: n.skill,
  progress: n.progress,
  comment: n.comment,
  date: n.localDate,
});

/**
 * One family's week. Everything not about `studentId` is dropped here, whatever the caller passed: a group
 * session holds other children's lines and notes, and a family must never see them.
 */
export function familySummary(
  studentId: string,
  isoWeek: string,
  lines: readonly StudentSessionLine[],
  notes: readonly StudentNote[],
): FamilySummaryPayload {
  const own = lines.filter((l) => l.studentId === studentId);
  const attended = own.filter((l) => ATTENDED.has(l.status) && l.minutes > 0);
  return {
    isoWeek,
    sessionsAttended: attended.length,
    sessionsMissed: own.length - attended.length,
    minutesAttended: attended.reduce((sum, l) => sum + l.minutes, 0),
    notes: notes.filter((n) => n.studentId === studentId).map(noteOf),
  };
}

/** A teacher's digest: notes about the teacher's own students only; null when there is nothing new. */
export function teacherDigest(
  ownStudents: readonly string[],
  isoWeek: string,
  notes: readonly StudentNote[],
): TeacherDigestPayload | null {
  const mine = new Set(ownStudents);
  const byStudent = new Map<string, ProgressNote[]>();
  for (const n of notes) {
    if (!mine.has(n.studentId)) continue;
    byStudent.set(n.studentId, [...(byStudent.get(n.studentId) ?? []), noteOf(n)]);
  }
  if (byStudent.size === 0) return null;
  const students = [...byStudent.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([studentId, list]) => ({ studentId, notes: list }));
  return { isoWeek, students };
}

export interface IssuedStatement {
  statementId: string;
  contractId: string;
  vendorId: string;
  kind: string;
  periodStart: string;
  periodEnd: string;
  totalCents: number;
  currency: string;
  lines: readonly unknown[];
}

/** Finance approvers hear that a statement waits for them; per-student lines stay in the statement. */
export function payoutStatementIssued(s: IssuedStatement): PayoutStatementPayload {
  return {
    statementId: s.statementId,
    contractId: s.contractId,
    vendorId: s.vendorId,
    kind: s.kind,
    periodStart: s.periodStart,
    periodEnd: s.periodEnd,
    totalCents: s.totalCents,
    currency: s.currency,
    lineCount: s.lines.length,
  };
}
