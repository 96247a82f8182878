// Who is eligible for a program and in what order they are served. Pure: students, scores and tutors come in.
// Eligibility: grade within the program's band and a score below the threshold in the chosen window and subject.
// Priority by need: the flags in the program's order (default: economically disadvantaged, multilingual learner,
// IEP), then the lowest score. Capacity: each cleared tutor of the program's vendors who teaches the subject and
// the grades runs as many groups as their weekly availability holds at the program's dose (capped by maxGroups);
// each group seats maxGroupSize students.
import type { NeedFlags } from '../roster/student-records';
import { gradeIndex, inGradeBand } from '../organisation/organisation.rules';
import { tutorClearanceOn, weeklyAvailableMinutes, type TutorSnapshot } from '../tutors/tutor.rules';

export type NeedFactor = keyof NeedFlags | 'lowestScore';
export const DEFAULT_PRIORITY: readonly NeedFactor[] = [
  'economicallyDisadvantaged',
  'multilingualLearner',
  'iep',
  'lowestScore',
];

export interface EligibilityRule {
  /** Score threshold: eligible when percentile < maxPercentile. */
  maxPercentile: number;
  priority?: readonly NeedFactor[];
}

export interface EligibilityProgram {
  subject: string;
  gradeBand: { from: string; to: string };
  target: { sessionsPerWeek: number; minutesPerSession: number };
  maxGroupSize: number;
  startDate: string;
  vendorIds: readonly string[];
}

export interface CandidateStudent {
  studentId: string;
  schoolId: string;
  grade: string;
  flags: NeedFlags;
  active: boolean;
}

export interface RankedStudent {
  rank: number;
  studentId: string;
  schoolId: string;
  grade: string;
  percentile: number;
  needs: (keyof NeedFlags)[];
  /** Why eligible and why at this rank. */
  reasons: string[];
  /** Within capacity. */
  served: boolean;
}

export interface EligibilityResult {
  ranked: RankedStudent[];
  excluded: { notInGradeBand: number; noScore: number; aboveThreshold: number; inactive: number };
  capacity: { tutors: number; groups: number; seats: number; groupMinutesPerWeek: number };
}

const NEED_LABELS: Record<keyof NeedFlags, string> = {
  economicallyDisadvantaged: 'economically disadvantaged',
  multilingualLearner: 'multilingual learner',
  iep: 'IEP',
};

export function programCapacity(
  program: EligibilityProgram,
  tutors: readonly TutorSnapshot[],
): EligibilityResult['capacity'] {
  const groupMinutesPerWeek = program.target.sessionsPerWeek * program.target.minutesPerSession;
  let groups = 0;
  let count = 0;
  for (const t of tutors) {
    const overlaps = t.gradeBands.some(
      (b) =>
        gradeIndex(b.from) <= gradeIndex(program.gradeBand.to) &&
        gradeIndex(b.to) >= gradeIndex(program.gradeBand.from),
    );
    if (!program.vendorIds.includes(t.vendorId) || !t.subjects.includes(program.subject) || !overlaps) continue;
    if (!tutorClearanceOn(t, program.startDate).cleared) continue;
    const g = Math.min(t.maxGroups, Math.floor(weeklyAvailableMinutes(t) / groupMinutesPerWeek));
    if (g <= 0) continue;
    count++;
    groups += g;
  }
  return { tutors: count, groups, seats: groups * program.maxGroupSize, groupMinutesPerWeek };
}

export function rankEligible(
  program: EligibilityProgram,
  rule: EligibilityRule,
  students: readonly CandidateStudent[],
  scores: ReadonlyMap<string, { percentile: number; scaleScore: number }>,
  tutors: readonly TutorSnapshot[],
  label: string,
): EligibilityResult {
  const excluded = { notInGradeBand: 0, noScore: 0, aboveThreshold: 0, inactive: 0 };
  const eligible: (CandidateStudent & { percentile: number; scaleScore: number })[] = [];
  for (const s of students) {
    if (!s.active) excluded.inactive++;
    else if (!inGradeBand(s.grade, program.gradeBand)) excluded.notInGradeBand++;
    else {
      const score = scores.get(s.studentId);
      if (!score) excluded.noScore++;
      else if (score.percentile >= rule.maxPercentile) excluded.aboveThreshold++;
      else eligible.push({ ...s, ...score });
    }
  }
  const priority = rule.priority ?? DEFAULT_PRIORITY;
  eligible.sort((a, b) => {
    for (const factor of priority) {
      const d =
        factor === 'lowestScore'
          ? a.percentile - b.percentile || a.scaleScore - b.scaleScore
          : Number(b.flags[factor]) - Number(a.flags[factor]);
      if (d !== 0) return d;
    }
    return a.studentId < b.studentId ? -1 : a.studentId > b.studentId ? 1 : 0;
  });
  const capacity = programCapacity(program, tutors);
  const ranked = eligible.map((s, i): RankedStudent => {
    const needs = (Object.keys(NEED_LABELS) as (keyof NeedFlags)[]).filter((k) => s.flags[k]);
    const served = i < capacity.seats;
    return {
      rank: i + 1,
      studentId: s.studentId,
      schoolId: s.schoolId,
      grade: s.grade,
      percentile: s.percentile,
      needs,
      served,
      reasons: [
        `grade ${s.grade} within ${program.gradeBand.from}–${program.gradeBand.to}`,
        `${label} percentile ${s.percentile} < ${rule.maxPercentile}`,
        needs.length ? `need: ${needs.map((n) => NEED_LABELS[n]).join(', ')}` : 'no need flag',
        served
          ? `within capacity (${capacity.seats} seats)`
          : `beyond capacity (${capacity.seats} seats): waitlist position ${i + 1 - capacity.seats}`,
      ],
    };
  });
  return { ranked, excluded, capacity };
}
