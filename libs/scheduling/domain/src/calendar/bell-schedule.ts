// A school's bell schedule: named periods with local start/end times per day type. A weekly schedule has one
// day type ('*'); a rotating A/B schedule alternates day types over the school's instructional days, so a
// holiday does not shift the rotation out of step with what the school actually runs.
import { isoWeekday, minutesOf, type LocalDate, type LocalTime } from '../time/local-time';

export interface Period {
  code: string;
  start: LocalTime;
  end: LocalTime;
}

export type Rotation =
  | { kind: 'weekly' }
  /** `dayTypes` in rotation order (e.g. ['A', 'B']), starting with the first on `anchorDate` (an instructional day). */
  | { kind: 'rotating'; dayTypes: string[]; anchorDate: LocalDate };

export interface BellSchedule {
  schoolId: string;
  rotation: Rotation;
  /** Periods of each day type; the weekly schedule uses key '*'. */
  periods: Record<string, Period[]>;
  /**
   * Periods on the calendar's early-release days, when the school runs a shortened schedule; a period missing here
   * does not meet on those days. Absent: early-release days run the normal periods.
   */
  earlyRelease?: Period[];
}

export const WEEKLY_DAY_TYPE = '*';

const WEEKDAY_KEY = /^[1-7]$/;

/**
 * The day types a school may run on an ISO weekday. A weekly schedule runs '*', or the weekday's own periods when it
 * has them (key '1' … '7', e.g. '3' for a late-start Wednesday); a rotating one any of its day types (which one
 * depends on the date).
 */
export const dayTypesForWeekday = (schedule: BellSchedule, weekday: number): string[] =>
  schedule.rotation.kind === 'weekly'
    ? [schedule.periods[String(weekday)] ? String(weekday) : WEEKLY_DAY_TYPE]
    : schedule.rotation.dayTypes;

/** Every day type of a schedule: '*' plus weekday overrides on a weekly one, the rotation's day types otherwise. */
export const scheduleDayTypes = (schedule: BellSchedule): string[] =>
  schedule.rotation.kind === 'weekly'
    ? [
        WEEKLY_DAY_TYPE,
        ...Object.keys(schedule.periods)
          .filter((k) => WEEKDAY_KEY.test(k))
          .sort(),
      ]
    : schedule.rotation.dayTypes;

/** The same periods every school day (weekly, no weekday overrides). */
export const isUniformWeekly = (schedule: BellSchedule): boolean =>
  schedule.rotation.kind === 'weekly' && scheduleDayTypes(schedule).length === 1;

export interface SchoolCalendar {
  schoolId: string;
  instructionalDays: ReadonlySet<LocalDate>;
  /** Instructional days with an early release (subset of instructionalDays). */
  earlyReleaseDays?: ReadonlySet<LocalDate>;
}

/** Sorted instructional days, cached per calendar object (a rotation needs the index of a day among them). */
const sortedDays = new WeakMap<SchoolCalendar, LocalDate[]>();
const daysOf = (calendar: SchoolCalendar): LocalDate[] => {
  let days = sortedDays.get(calendar);
  if (!days) {
    days = [...calendar.instructionalDays].sort();
    sortedDays.set(calendar, days);
  }
  return days;
};

/** The day type a school runs on `date`, or null when the day is not instructional (or precedes the anchor). */
export const dayTypeOn = (schedule: BellSchedule, calendar: SchoolCalendar, date: LocalDate): string | null => {
  if (!calendar.instructionalDays.has(date)) return null;
  const rotation = schedule.rotation;
  if (rotation.kind === 'weekly') return dayTypesForWeekday(schedule, isoWeekday(date))[0] ?? WEEKLY_DAY_TYPE;
  const days = daysOf(calendar);
  const anchor = days.indexOf(rotation.anchorDate);
  const index = days.indexOf(date);
  if (anchor < 0 || index < anchor || rotation.dayTypes.length === 0) return null;
  return rotation.dayTypes[(index - anchor) % rotation.dayTypes.length] ?? null;
};

export const findPeriod = (schedule: BellSchedule, dayType: string, code: string): Period | undefined =>
  schedule.periods[dayType]?.find((p) => p.code === code);

/** The period as it runs on `date`: the early-release version on an early-release day, when the school has one. */
export const periodOn = (
  schedule: BellSchedule,
  calendar: SchoolCalendar,
  date: LocalDate,
  code: string,
): Period | undefined => {
  const dayType = dayTypeOn(schedule, calendar, date);
  if (dayType === null) return undefined;
  if (schedule.earlyRelease && calendar.earlyReleaseDays?.has(date))
    return schedule.earlyRelease.find((p) => p.code === code);
  return findPeriod(schedule, dayType, code);
};

export const periodMinutes = (period: Period): number => minutesOf(period.end) - minutesOf(period.start);

/** Problems with a bell schedule itself (empty list when it is usable). */
export const bellScheduleProblems = (schedule: BellSchedule): string[] => {
  const problems: string[] = [];
  const types = scheduleDayTypes(schedule);
  if (schedule.rotation.kind === 'weekly')
    for (const key of Object.keys(schedule.periods))
      if (key !== WEEKLY_DAY_TYPE && !WEEKDAY_KEY.test(key))
        problems.push(`a weekly schedule has '*' and weekday (1–7) periods only, not day type ${key}`);
  if (types.length === 0) problems.push('a rotating schedule needs at least one day type');
  for (const type of types) {
    const periods = schedule.periods[type];
    if (!periods || periods.length === 0) {
      problems.push(`day type ${type} has no periods`);
      continue;
    }
    for (const p of periods)
      if (periodMinutes(p) <= 0) problems.push(`period ${p.code} on day type ${type} ends before it starts`);
  }
  return problems;
};

/**
 * The day types that actually fall on each ISO weekday between `from` and `to` (inclusive), on the school's
 * instructional days: resolves a rotation over a horizon. Weekly schedules give '*' on every weekday with an
 * instructional day. Keys are weekdays as strings ('1' = Monday); a weekday with no instructional day is absent.
 */
export const dayTypesByWeekday = (
  schedule: BellSchedule,
  calendar: SchoolCalendar,
  from: LocalDate,
  to: LocalDate,
): Record<string, string[]> => {
  const out: Record<string, Set<string>> = {};
  for (const date of daysOf(calendar)) {
    if (date < from || date > to) continue;
    const type = dayTypeOn(schedule, calendar, date);
    if (type === null) continue;
    const weekday = String(isoWeekday(date));
    (out[weekday] ??= new Set()).add(type);
  }
  return Object.fromEntries(Object.entries(out).map(([d, types]) => [d, [...types].sort()]));
};
