// Who may be grouped with whom and taught by whom: the hard rules the auto-scheduler keeps (shared by the MILP,
// the greedy baseline and the explanations, so all three mean the same thing).
import { gradeBandOf, inRange } from '../groups/grades';
import type { AutoScheduleProgram, AutoScheduleStudent, AutoScheduleTutor } from './auto-schedule.types';

/** Students of one bucket may share a group: same vendor, same grade band (the program fixes the subject). */
export const bucketOf = (s: AutoScheduleStudent): string => `${s.vendorId}|${gradeBandOf(s.grade)}`;

/** Active, cleared through the program's end, qualified for the subject. */
export const tutorUsable = (t: AutoScheduleTutor, program: AutoScheduleProgram): boolean =>
  t.active &&
  t.maxGroups > 0 &&
  t.clearedUntil !== null &&
  t.clearedUntil >= program.endDate &&
  t.subjects.includes(program.subject);

export const tutorTeaches = (t: AutoScheduleTutor, grade: string): boolean =>
  t.gradeBands.some((b) => inRange(grade, b));

/** May `t` lead a group of these students at `schoolId`? */
export const tutorFits = (
  t: AutoScheduleTutor,
  program: AutoScheduleProgram,
  schoolId: string,
  vendorId: string,
  grades: Iterable<string>,
): boolean => {
  if (!tutorUsable(t, program) || t.vendorId !== vendorId || !t.schoolIds.includes(schoolId)) return false;
  for (const g of grades) if (!tutorTeaches(t, g)) return false;
  return true;
};

/** Cells a tutor is still free in at a school, and groups it may still take, as schools are solved one after another. */
export interface TutorUsage {
  busy: Set<string>;
  groups: number;
}
