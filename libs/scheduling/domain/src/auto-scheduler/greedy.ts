// First-fit placement: the baseline the MILP is measured against, and the repair step after it. Each student, in
// order, joins the first open group of their bucket at a pattern they are free for, or opens one with the first
// tutor who can take it. Keeps every hard rule; makes no attempt to be clever.
import type { AutoScheduleStudent, Pattern, ProposedGroup } from './auto-schedule.types';
import { bucketOf, tutorFits, tutorTeaches, tutorUsable } from './eligibility';
import { fits, patternKey } from './patterns';
import { remainingCapacity, tutorCells, type SchoolProblem } from './school-milp';

/** Places `students` into `groups` (modified) and new groups; returns the ids placed. Records tutor usage. */
export const firstFit = (p: SchoolProblem, groups: ProposedGroup[], students: AutoScheduleStudent[]): Set<string> => {
  const max = p.input.program.maxGroupSize;
  const placed = new Set<string>();
  const byKey = new Map(p.patterns.map((pt) => [patternKey(pt), pt]));
  const patternOf = (g: ProposedGroup): Pattern | undefined => byKey.get(patternKey(g));
  const gradesOf = new Map<ProposedGroup, Set<string>>();
  const studentGrade = new Map(p.students.map((s) => [s.studentId, s.grade]));
  for (const g of groups) gradesOf.set(g, new Set(g.studentIds.map((id) => studentGrade.get(id) ?? '')));
  const tutorById = new Map(p.input.tutors.map((t) => [t.tutorId, t]));
  // Tutors who could lead a group here at all (serving the school, cleared, qualified), in input order.
  const local = p.input.tutors.filter((t) => t.schoolIds.includes(p.schoolId) && tutorUsable(t, p.input.program));
  for (const s of students) {
    if (!s.vendorId) continue;
    const free = new Set(s.free);
    const bucket = bucketOf(s);
    const joinable = groups.find((g) => {
      const pt = patternOf(g);
      return (
        `${g.vendorId}|${g.gradeBand}` === bucket &&
        g.studentIds.length < max &&
        pt !== undefined &&
        fits(pt, free) &&
        (gradesOf.get(g)?.has(s.grade) ||
          tutorFits(tutorById.get(g.tutorId)!, p.input.program, p.schoolId, s.vendorId!, [s.grade]))
      );
    });
    if (joinable) {
      joinable.studentIds.push(s.studentId);
      gradesOf.get(joinable)?.add(s.grade);
      placed.add(s.studentId);
      continue;
    }
    // The same choice as trying every tutor for every pattern in order, with the tutors filtered once per student.
    const eligible = local
      .filter((t) => remainingCapacity(t, p.usage) > 0 && t.vendorId === s.vendorId && tutorTeaches(t, s.grade))
      .map((t) => ({ t, cells: tutorCells(t, p.schoolId, p.usage) }));
    opening: for (const pt of p.patterns) {
      if (!fits(pt, free)) continue;
      for (const { t, cells } of eligible) {
        if (!fits(pt, cells)) continue;
        const [, gradeBand = ''] = bucket.split('|');
        const g: ProposedGroup = {
          schoolId: p.schoolId,
          vendorId: s.vendorId,
          tutorId: t.tutorId,
          gradeBand,
          studentIds: [s.studentId],
          weekdays: pt.weekdays,
          period: pt.period,
          periodsByDayType: pt.periodsByDayType,
          cells: pt.cells,
        };
        groups.push(g);
        gradesOf.set(g, new Set([s.grade]));
        const use = p.usage.get(t.tutorId) ?? { busy: new Set<string>(), groups: 0 };
        use.groups++;
        for (const c of pt.cells) use.busy.add(c);
        p.usage.set(t.tutorId, use);
        placed.add(s.studentId);
        break opening;
      }
    }
  }
  return placed;
};
