/**
 * A student's dose for one closed ISO week, judged once (DESIGN.md §2; notifications turns the streak into a
 * warning at the district's threshold, 2 consecutive instructional weeks by default).
 */
import { DosageTarget, weekAtTarget, weeklyTargetMinutes } from '../projections/dosage.rules';

export interface StudentWeekFacts {
  studentId: string;
  schoolId: string | null;
  programId: string | null;
  target: DosageTarget;
  /** The student's school has at least one instructional day in the week, inside the enrolment and program dates. */
  instructional: boolean;
  attendedMinutes: number;
  countedSessions: number;
  /** The student's latest earlier judgement (an instructional week), if any. */
  previous: { isoWeek: string; below: boolean; consecutiveWeeks: number } | null;
}

export interface StudentWeekJudgement {
  studentId: string;
  schoolId: string | null;
  programId: string | null;
  attendedMinutes: number;
  countedSessions: number;
  targetMinutes: number;
  targetSessions: number;
  below: boolean;
  /** Consecutive instructional weeks below target, this one included; 0 when at target. */
  consecutiveWeeks: number;
}

/**
 * Null for a week without an instructional day: such a week is not judged and neither breaks nor extends a streak
 * (the next instructional week continues from the previous judgement).
 */
export const judgeStudentWeek = (f: StudentWeekFacts): StudentWeekJudgement | null => {
  if (!f.instructional) return null;
  const below = !weekAtTarget(f.attendedMinutes, f.countedSessions, f.target);
  const streakBefore = f.previous?.below ? f.previous.consecutiveWeeks : 0;
  return {
    studentId: f.studentId,
    schoolId: f.schoolId,
    programId: f.programId,
    attendedMinutes: f.attendedMinutes,
    countedSessions: f.countedSessions,
    targetMinutes: weeklyTargetMinutes(f.target),
    targetSessions: f.target.sessionsPerWeek,
    below,
    consecutiveWeeks: below ? streakBefore + 1 : 0,
  };
};

/**
 * The idempotency key of the one `dosage-below-target` event a (district, student, week) can ever produce; the
 * shell hashes it into the CloudEvent id, so a re-run, a second replica or a restored database yields the same id.
 */
export const dosageEventKey = (districtId: string, studentId: string, isoWeek: string): string =>
  `org.tutoring.ledger.dosage-below-target.v1|${districtId}|${studentId}|${isoWeek}`;
