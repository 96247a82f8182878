/**
 * On-track and fidelity rules (DESIGN.md §2), evaluated at read time over the projected rows, so a change of a
 * program's target or a calendar never needs a replay.
 */
export interface DosageTarget {
  sessionsPerWeek: number;
  minutesPerSession: number;
}

export const weeklyTargetMinutes = (t: DosageTarget): number => t.sessionsPerWeek * t.minutesPerSession;

/**
 * On track when cumulative attended minutes since enrolment start ≥ 90 % of target minutes for the instructional
 * weeks elapsed. Integer arithmetic: minutes × 10 ≥ 9 × target × weeks, no float rounding at the boundary.
 */
export const isOnTrack = (cumulativeMinutes: number, instructionalWeeksElapsed: number, t: DosageTarget): boolean =>
  cumulativeMinutes * 10 >= 9 * weeklyTargetMinutes(t) * instructionalWeeksElapsed;

/** A week at target dose: sessions and minutes both reach the weekly target. */
export const weekAtTarget = (attendedMinutes: number, countedSessions: number, t: DosageTarget): boolean =>
  countedSessions >= t.sessionsPerWeek && attendedMinutes >= weeklyTargetMinutes(t);

/** Share in basis points (1/100 of a percent), rounded half up; 0 when there is nothing to measure. */
export const shareBasisPoints = (part: number, whole: number): number =>
  whole <= 0 ? 0 : Math.floor((part * 10_000 * 2 + whole) / (2 * whole));

/** Tutor consistency of one student: share of their counted sessions with their most frequent tutor. */
export const tutorConsistency = (
  sessionsByTutor: readonly number[],
): { primarySessions: number; totalSessions: number } => ({
  primarySessions: sessionsByTutor.reduce((m, n) => Math.max(m, n), 0),
  totalSessions: sessionsByTutor.reduce((a, n) => a + n, 0),
});
