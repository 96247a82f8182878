// Every hard rule a group and its recurring slots must keep, checked against the rest of the district's schedule.
// Used for manual changes (each failure is a named conflict) and, independently, by the auto-scheduler's output.
import { dayTypesForWeekday, findPeriod, periodMinutes, type BellSchedule } from '../calendar/bell-schedule';
import { gradeBandOf, inRange } from '../groups/grades';
import type { ProgramRules, ScheduledGroup, StudentPlacement, TutorProfile } from '../groups/group.types';
import type { RecurringSlot } from '../slots/recurring-slot';
import { minutesOf, timeOf, type LocalDate } from '../time/local-time';
import { conflict, WEEKDAY_NAMES, type Conflict } from './schedule-conflict';

export interface PlanContext {
  program: ProgramRules;
  students: ReadonlyMap<string, StudentPlacement>;
  tutor: TutorProfile | undefined;
  /** The district's other active groups (at least those sharing a student or the tutor). */
  otherGroups: readonly ScheduledGroup[];
  schedules: ReadonlyMap<string, BellSchedule>;
  /** The day the change takes effect (clearance is checked on it and through the program's end). */
  effectiveDate: LocalDate;
}

interface Window {
  weekday: number;
  dayType: string;
  start: number;
  end: number;
  period: string;
}

/** When a slot meets in a week: one window per weekday and day type it can run on. */
export const slotWindows = (slot: RecurringSlot, schedule: BellSchedule | undefined): Window[] => {
  if (!schedule) return [];
  const out: Window[] = [];
  for (const weekday of slot.weekdays)
    for (const dayType of dayTypesForWeekday(schedule, weekday)) {
      if (slot.dayTypes && !slot.dayTypes.includes(dayType)) continue;
      const period = findPeriod(schedule, dayType, slot.period);
      if (!period) continue;
      const start = minutesOf(period.start);
      out.push({ weekday, dayType, start, end: start + slot.minutes, period: slot.period });
    }
  return out;
};

const overlapping = (a: Window, b: Window, sameSchool: boolean): boolean =>
  a.weekday === b.weekday && (!sameSchool || a.dayType === b.dayType) && a.start < b.end && b.start < a.end;

/** The first moment two groups meet at the same time, described for a message; null when they never do. */
export const firstClash = (
  a: ScheduledGroup,
  b: ScheduledGroup,
  schedules: ReadonlyMap<string, BellSchedule>,
): string | null => {
  const same = a.schoolId === b.schoolId;
  for (const sa of a.slots)
    for (const wa of slotWindows(sa, schedules.get(a.schoolId)))
      for (const sb of b.slots)
        for (const wb of slotWindows(sb, schedules.get(b.schoolId)))
          if (overlapping(wa, wb, same)) {
            const day = /^(\*|[1-7])$/.test(wa.dayType) ? '' : ` (day ${wa.dayType})`;
            return `${WEEKDAY_NAMES[wa.weekday]}${day} period ${wa.period} ${timeOf(wa.start)}–${timeOf(wa.end)}`;
          }
  return null;
};

const sizeAndMembers = (group: ScheduledGroup, ctx: PlanContext): Conflict[] => {
  const out: Conflict[] = [];
  const { program } = ctx;
  if (group.studentIds.length > program.maxGroupSize)
    out.push(
      conflict(
        'group_over_size',
        `group ${group.groupId} is over its size: ${group.studentIds.length} students, program ${program.programId} allows at most ${program.maxGroupSize}`,
      ),
    );
  if (group.studentIds.length === 0) out.push(conflict('group_empty', `group ${group.groupId} has no students`));
  const bands = new Set<string>();
  for (const id of group.studentIds) {
    const s = ctx.students.get(id);
    if (!s || s.enrolledVendorId === null || s.schoolId !== group.schoolId) {
      out.push(
        conflict(
          'student_not_enrolled',
          `student ${id} is not enrolled in program ${program.programId} at school ${group.schoolId}`,
        ),
      );
      continue;
    }
    if (s.enrolledVendorId !== group.vendorId)
      out.push(
        conflict(
          'vendor_mismatch',
          `student ${id} is enrolled with vendor ${s.enrolledVendorId}, not the group's vendor ${group.vendorId}`,
        ),
      );
    if (!inRange(s.grade, program.gradeBand))
      out.push(
        conflict(
          'grade_band_incompatible',
          `student ${id} in grade ${s.grade} is outside program grades ${program.gradeBand.from}–${program.gradeBand.to}`,
        ),
      );
    bands.add(gradeBandOf(s.grade));
  }
  if (bands.size > 1)
    out.push(
      conflict('grade_band_incompatible', `group ${group.groupId} mixes grade bands ${[...bands].sort().join(', ')}`),
    );
  return out;
};

const tutorRules = (group: ScheduledGroup, ctx: PlanContext): Conflict[] => {
  const { tutor, program } = ctx;
  if (!tutor || !tutor.active)
    return [conflict('tutor_inactive', `tutor ${group.tutorId} is not an active registered tutor`)];
  const out: Conflict[] = [];
  if (tutor.vendorId !== group.vendorId)
    out.push(
      conflict(
        'vendor_mismatch',
        `tutor ${tutor.tutorId} works for vendor ${tutor.vendorId}, not the group's vendor ${group.vendorId}`,
      ),
    );
  const needed = program.endDate > ctx.effectiveDate ? program.endDate : ctx.effectiveDate;
  if (tutor.clearedUntil === null || tutor.clearedUntil < needed)
    out.push(
      conflict(
        'tutor_not_cleared',
        `tutor ${tutor.tutorId} is not cleared: background check ${tutor.clearedUntil ? `valid through ${tutor.clearedUntil}` : 'missing'}, needed through ${needed}`,
      ),
    );
  const grades = group.studentIds.map((id) => ctx.students.get(id)?.grade).filter((g): g is string => g !== undefined);
  const coversGrades = grades.every((g) => tutor.gradeBands.some((band) => inRange(g, band)));
  if (!tutor.subjects.includes(program.subject) || !coversGrades)
    out.push(
      conflict(
        'tutor_not_qualified',
        `tutor ${tutor.tutorId} is not qualified for ${program.subject} in grades ${[...new Set(grades)].join(', ') || '(none)'}`,
      ),
    );
  return out;
};

const slotRules = (group: ScheduledGroup, ctx: PlanContext): Conflict[] => {
  const out: Conflict[] = [];
  const schedule = ctx.schedules.get(group.schoolId);
  for (const slot of group.slots) {
    const types = !schedule ? [] : [...new Set(slot.weekdays.flatMap((d) => dayTypesForWeekday(schedule, d)))];
    const periods = types.map((t) => (schedule ? findPeriod(schedule, t, slot.period) : undefined));
    if (!schedule || periods.every((p) => p === undefined)) {
      out.push(
        conflict(
          'slot_unknown_period',
          `slot ${slot.slotId}: school ${group.schoolId} has no period ${slot.period} in its bell schedule`,
        ),
      );
      continue;
    }
    const shortest = Math.min(...periods.filter((p) => p !== undefined).map(periodMinutes));
    if (slot.minutes > shortest)
      out.push(
        conflict(
          'slot_longer_than_period',
          `slot ${slot.slotId}: ${slot.minutes} minutes do not fit period ${slot.period} (${shortest} minutes)`,
        ),
      );
    const tutor = ctx.tutor;
    if (tutor?.active)
      for (const w of slotWindows(slot, schedule)) {
        const free = tutor.availability.some(
          (a) => a.weekday === w.weekday && minutesOf(a.from) <= w.start && w.end <= minutesOf(a.to),
        );
        if (!free) {
          out.push(
            conflict(
              'tutor_unavailable',
              `tutor ${tutor.tutorId} is not available ${WEEKDAY_NAMES[w.weekday]} ${timeOf(w.start)}–${timeOf(w.end)} (period ${w.period})`,
            ),
          );
          break;
        }
      }
  }
  return out;
};

const clashes = (group: ScheduledGroup, ctx: PlanContext): Conflict[] => {
  const out: Conflict[] = [];
  const mine = new Set(group.studentIds);
  let tutorGroups = 1;
  for (const other of ctx.otherGroups) {
    if (other.groupId === group.groupId || other.status !== 'active') continue;
    const sameTutor = other.tutorId === group.tutorId;
    if (sameTutor) tutorGroups++;
    const shared = other.studentIds.filter((id) => mine.has(id));
    if (!sameTutor && shared.length === 0) continue;
    const when = firstClash(group, other, ctx.schedules);
    if (!when) continue;
    for (const id of shared)
      out.push(
        conflict(
          'student_double_booked',
          `student ${id} is already in group ${other.groupId} at the same time: ${when}`,
        ),
      );
    if (sameTutor)
      out.push(
        conflict(
          'tutor_double_booked',
          `tutor ${group.tutorId} is double-booked: group ${other.groupId} meets at the same time, ${when}`,
        ),
      );
  }
  const capacity = ctx.tutor?.maxGroups ?? 0;
  if (ctx.tutor && tutorGroups > capacity)
    out.push(
      conflict(
        'tutor_over_capacity',
        `tutor ${group.tutorId} is over capacity: ${tutorGroups} groups, capacity ${capacity}`,
      ),
    );
  return out;
};

/** Every hard rule the group breaks in this context; empty when the plan is valid. */
export const checkGroupPlan = (group: ScheduledGroup, ctx: PlanContext): Conflict[] => [
  ...sizeAndMembers(group, ctx),
  ...tutorRules(group, ctx),
  ...slotRules(group, ctx),
  ...clashes(group, ctx),
];
