// An independent check of a proposed schedule against every hard constraint, written apart from the solver (it
// imports nothing from the scheduling libs) so a bug there cannot hide itself here. Returns every violation found.
// On a rotating (A/B) school it walks the school's real calendar: on every instructional day falling on one of the
// group's weekdays, the group meets in the period of that day's type, which must exist that day, be free for every
// student and available for the tutor; full dose is counted from those real meetings, week by week.
import type { GeneratedDistrict } from './district.generator';

export interface ScheduleGroup {
  schoolId: string;
  vendorId: string;
  tutorId: string;
  studentIds: string[];
  weekdays: number[];
  period: string;
  /** Rotating schools: the period per day type (absent: `period` on every day type). */
  periodsByDayType?: Record<string, string> | null;
}

export interface ValidationReport {
  violations: string[];
  /** Students in exactly one valid group meeting `sessionsPerWeek` times a week. */
  fullDose: number;
}

const GRADE: Record<string, number> = {
  PK: -1,
  K: 0,
  '1': 1,
  '2': 2,
  '3': 3,
  '4': 4,
  '5': 5,
  '6': 6,
  '7': 7,
  '8': 8,
  '9': 9,
  '10': 10,
  '11': 11,
  '12': 12,
};
const band = (grade: string): number => {
  const g = GRADE[grade] ?? 99;
  return g <= 2 ? 0 : g <= 5 ? 1 : g <= 8 ? 2 : 3;
};
const covers = (b: { from: string; to: string }, grade: string): boolean =>
  (GRADE[grade] ?? 99) >= (GRADE[b.from] ?? 99) && (GRADE[grade] ?? -99) <= (GRADE[b.to] ?? -99);

const mondayOf = (date: string): string => {
  const t = Date.parse(`${date}T00:00:00Z`);
  const back = (new Date(t).getUTCDay() + 6) % 7;
  return new Date(t - back * 86_400_000).toISOString().slice(0, 10);
};

export const validateSchedule = (d: GeneratedDistrict, groups: ScheduleGroup[]): ValidationReport => {
  const v: string[] = [];
  const students = new Map(d.students.map((s) => [s.studentId, s]));
  const tutors = new Map(d.tutors.map((t) => [t.tutorId, t]));
  const seen = new Map<string, number>();
  const tutorCells = new Map<string, Set<string>>();
  const tutorGroups = new Map<string, number>();
  let fullDose = 0;
  groups.forEach((g, gi) => {
    const name = `group #${gi} (tutor ${g.tutorId})`;
    const before = v.length;
    if (g.studentIds.length < 1 || g.studentIds.length > d.program.maxGroupSize)
      v.push(`${name}: size ${g.studentIds.length} outside 1..${d.program.maxGroupSize}`);
    if (new Set(g.weekdays).size !== d.program.sessionsPerWeek)
      v.push(`${name}: meets on ${new Set(g.weekdays).size} weekdays, dose needs ${d.program.sessionsPerWeek}`);
    const rotation = d.rotatingSchools[g.schoolId];
    const calendar = d.calendars[g.schoolId];
    let cells: string[];
    if (rotation && calendar) {
      // Walk the real days: which cells the group occupies, and how many times it meets in each full week.
      const occupied = new Set<string>();
      const perWeek = new Map<string, { meetings: number; days: number }>();
      for (const day of calendar) {
        const week = mondayOf(day.date);
        const w = perWeek.get(week) ?? { meetings: 0, days: 0 };
        w.days++;
        perWeek.set(week, w);
        if (!g.weekdays.includes(day.weekday)) continue;
        const period = g.periodsByDayType?.[day.dayType] ?? g.period;
        if (!(rotation.periods[day.dayType] ?? []).includes(period)) {
          v.push(
            `${name}: meets on ${day.date}, a ${day.dayType} day, in period ${period}, which ${day.dayType} days do not have`,
          );
          continue;
        }
        occupied.add(`${day.dayType}/${day.weekday}:${period}`);
        w.meetings++;
      }
      for (const [week, w] of perWeek)
        if (w.days === 5 && w.meetings < d.program.sessionsPerWeek)
          v.push(`${name}: meets ${w.meetings} times in the week of ${week}, dose needs ${d.program.sessionsPerWeek}`);
      cells = [...occupied];
    } else {
      if (!(d.periodsBySchool[g.schoolId] ?? []).includes(g.period))
        v.push(`${name}: period ${g.period} not in the school's bell schedule`);
      cells = g.weekdays.map((w) => `${w}:${g.period}`);
    }
    const t = tutors.get(g.tutorId);
    if (!t) v.push(`${name}: unknown tutor`);
    else {
      if (!t.active) v.push(`${name}: tutor inactive`);
      if (t.vendorId !== g.vendorId) v.push(`${name}: tutor of another vendor`);
      if (t.clearedUntil === null || t.clearedUntil < d.program.endDate)
        v.push(`${name}: tutor not cleared through ${d.program.endDate}`);
      if (!t.subjects.includes(d.program.subject)) v.push(`${name}: tutor not qualified for ${d.program.subject}`);
      if (!t.schoolIds.includes(g.schoolId)) v.push(`${name}: tutor does not serve the school`);
      const avail = new Set(t.available[g.schoolId] ?? []);
      for (const c of cells) if (!avail.has(c)) v.push(`${name}: tutor unavailable at ${c}`);
      const booked = tutorCells.get(t.tutorId) ?? new Set<string>();
      for (const c of cells) {
        if (booked.has(c)) v.push(`${name}: tutor double-booked at ${c}`);
        booked.add(c);
      }
      tutorCells.set(t.tutorId, booked);
      tutorGroups.set(t.tutorId, (tutorGroups.get(t.tutorId) ?? 0) + 1);
    }
    const bands = new Set<number>();
    for (const id of g.studentIds) {
      seen.set(id, (seen.get(id) ?? 0) + 1);
      const s = students.get(id);
      if (!s) {
        v.push(`${name}: unknown student ${id}`);
        continue;
      }
      if (s.schoolId !== g.schoolId) v.push(`${name}: student ${id} from another school`);
      if (s.vendorId !== g.vendorId) v.push(`${name}: student ${id} enrolled with another vendor`);
      const free = new Set(s.free);
      for (const c of cells) if (!free.has(c)) v.push(`${name}: student ${id} not free at ${c}`);
      if (t && !t.gradeBands.some((b) => covers(b, s.grade)))
        v.push(`${name}: tutor not qualified for grade ${s.grade}`);
      bands.add(band(s.grade));
    }
    if (bands.size > 1) v.push(`${name}: mixes grade bands`);
    if (v.length === before) fullDose += g.studentIds.length;
  });
  for (const [id, n] of seen) if (n > 1) v.push(`student ${id} is in ${n} groups (double-booked)`);
  for (const [id, n] of tutorGroups) {
    const cap = tutors.get(id)?.maxGroups ?? 0;
    if (n > cap) v.push(`tutor ${id} leads ${n} groups, capacity ${cap}`);
  }
  return { violations: v, fullDose };
};
