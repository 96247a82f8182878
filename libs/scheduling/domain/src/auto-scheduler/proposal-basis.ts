// What an auto-schedule proposal relied on, so applying it later can tell exactly what changed in between. The
// basis is a flat map from a fact's key ('tutor:<id>', 'student:<id>', 'group:<id>', 'schedule:<school>',
// 'rotation:<school>', 'program:<id>') to a fingerprint of that fact; comparing two bases names each change.
import type { BellSchedule } from '../calendar/bell-schedule';
import { conflict, type Conflict } from '../conflicts/schedule-conflict';
import type { ProgramRules, ScheduledGroup, StudentPlacement, TutorProfile } from '../groups/group.types';
import type { RecurringSlot } from '../slots/recurring-slot';
import type { ProposedGroup } from './auto-schedule.types';

export type ProposalBasis = Record<string, string>;

export interface BasisFacts {
  program: ProgramRules;
  schedules: BellSchedule[];
  /** Rotating schools: day types per weekday over the proposal's horizon. */
  rotations: Record<string, Record<string, string[]>>;
  /** The proposal's tutors and students (as they are now). */
  tutors: TutorProfile[];
  students: StudentPlacement[];
  /** Active groups sharing a student or a tutor with the proposal. */
  groups: ScheduledGroup[];
}

/** JSON with object keys sorted, so equal facts always give equal strings. */
export const stableJson = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );

export const proposalBasis = (f: BasisFacts): ProposalBasis => {
  const basis: ProposalBasis = { [`program:${f.program.programId}`]: stableJson(f.program) };
  for (const s of f.schedules) basis[`schedule:${s.schoolId}`] = stableJson(s);
  for (const [schoolId, types] of Object.entries(f.rotations)) basis[`rotation:${schoolId}`] = stableJson(types);
  for (const t of f.tutors) basis[`tutor:${t.tutorId}`] = stableJson(t);
  for (const s of f.students) basis[`student:${s.studentId}`] = `${s.schoolId}|${s.grade}|${s.enrolledVendorId ?? '-'}`;
  for (const g of f.groups) basis[`group:${g.groupId}`] = `v${g.version}`;
  return basis;
};

const describe = (key: string, before: string | undefined, now: string | undefined): string => {
  const [kind, id] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
  switch (kind) {
    case 'program':
      return `program ${id} changed since the proposal (rules, dates or vendors)`;
    case 'schedule':
      return now === undefined
        ? `school ${id} no longer has a bell schedule`
        : `the bell schedule of school ${id} changed since the proposal`;
    case 'rotation':
      return `the A/B rotation of school ${id} over the horizon changed since the proposal (its calendar changed)`;
    case 'tutor':
      return now === undefined
        ? `tutor ${id} is no longer known to scheduling`
        : `tutor ${id} changed since the proposal (availability, clearance, capacity, subjects, grades or status)`;
    case 'student':
      return now === undefined
        ? `student ${id} is no longer in the program`
        : `student ${id}'s enrolment changed since the proposal (vendor, school, grade or consent)`;
    case 'group':
      if (before === undefined)
        return `group ${id} was formed or changed since the proposal and now shares a student or tutor with it`;
      if (now === undefined)
        return `group ${id} was dissolved or no longer shares a student or tutor with the proposal since it was made`;
      return `group ${id} changed since the proposal (version ${before.slice(1)} → ${now.slice(1)})`;
    default:
      return `${key} changed since the proposal`;
  }
};

/** Every fact that differs between the proposal's basis and now, each named; empty when the proposal is current. */
export const basisChanges = (before: ProposalBasis, now: ProposalBasis): Conflict[] =>
  [...new Set([...Object.keys(before), ...Object.keys(now)])]
    .sort()
    .filter((k) => before[k] !== now[k])
    .map((k) => conflict('proposal_stale', describe(k, before[k], now[k])));

/** Only the part of a basis that concerns the given students and tutors (and the school-wide facts). */
export const narrowBasis = (
  basis: ProposalBasis,
  keep: { studentIds: Iterable<string>; tutorIds: Iterable<string>; groupIds: Iterable<string> },
): ProposalBasis => {
  const wanted = new Set([
    ...[...keep.studentIds].map((id) => `student:${id}`),
    ...[...keep.tutorIds].map((id) => `tutor:${id}`),
    ...[...keep.groupIds].map((id) => `group:${id}`),
  ]);
  return Object.fromEntries(Object.entries(basis).filter(([k]) => wanted.has(k) || !/^(student|tutor|group):/.test(k)));
};

/** The recurring slots of a proposed group: one when it meets in the same period every day, else one per day type. */
export const slotsOfProposedGroup = (
  g: ProposedGroup,
  minutes: number,
  defaults: { location: string; supervisorId: string },
): RecurringSlot[] => {
  const days = g.weekdays.join('');
  const byType = Object.entries(g.periodsByDayType ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const distinct = new Set(byType.map(([, p]) => p));
  if (byType.length === 0 || distinct.size === 1) {
    const period = byType[0]?.[1] ?? g.period;
    return [{ slotId: `auto-${days}-${period}`, weekdays: g.weekdays, period, minutes, dayTypes: null, ...defaults }];
  }
  return byType.map(([type, period]) => ({
    slotId: `auto-${days}-${type}-${period}`,
    weekdays: g.weekdays,
    period,
    minutes,
    dayTypes: [type],
    ...defaults,
  }));
};
