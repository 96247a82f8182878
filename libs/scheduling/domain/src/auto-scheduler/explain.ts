// Why a student was not placed, in the order a program manager would check: enrolment, free periods, tutors
// qualified at all, tutors free when the student is, and otherwise capacity taken by other students.
import type { AutoScheduleInput, AutoScheduleStudent, Pattern, UnplacedStudent } from './auto-schedule.types';
import { tutorFits } from './eligibility';
import { fits } from './patterns';

export const explainUnplaced = (
  input: AutoScheduleInput,
  s: AutoScheduleStudent,
  patterns: Pattern[],
): UnplacedStudent => {
  const base = { studentId: s.studentId, schoolId: s.schoolId };
  const { program } = input;
  if (!s.vendorId)
    return {
      ...base,
      reason: 'not_enrolled_with_vendor',
      explanation: 'not enrolled (and consented) with a vendor in this program',
    };
  const free = new Set(s.free);
  const own = patterns.filter((p) => fits(p, free));
  if (own.length === 0)
    return {
      ...base,
      reason: 'no_free_pattern',
      explanation: `no period is free on ${program.sessionsPerWeek} weekdays${
        input.rotatingSchools?.[s.schoolId]
          ? ' on every day type (A/B) that falls on them — on a rotating schedule a weekday is sometimes one day type, sometimes another'
          : ''
      } (free periods: ${s.free.length ? s.free.join(', ') : 'none'})`,
    };
  const qualified = input.tutors.filter((t) => tutorFits(t, program, s.schoolId, s.vendorId!, [s.grade]));
  if (qualified.length === 0)
    return {
      ...base,
      reason: 'no_qualified_tutor',
      explanation: `no active tutor of vendor ${s.vendorId} serving this school is cleared through ${program.endDate} and qualified for ${program.subject} grade ${s.grade}`,
    };
  const reachable = own.filter((p) => qualified.some((t) => fits(p, new Set(t.available[s.schoolId] ?? []))));
  if (reachable.length === 0)
    return {
      ...base,
      reason: 'no_tutor_in_free_periods',
      explanation: `${qualified.length} qualified tutor(s), none available in any of the student's ${own.length} possible weekly pattern(s)`,
    };
  return {
    ...base,
    reason: 'capacity_exhausted',
    explanation: `qualified tutors are available in ${reachable.length} of the student's weekly pattern(s), but their groups and hours there went to other students of the same vendor and grade band`,
  };
};
