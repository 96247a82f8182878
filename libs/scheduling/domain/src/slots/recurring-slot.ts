// Recurring slots (e.g. Monday, Wednesday, Friday, period 3, 30 minutes) and their materialisation into planned
// occurrences over a horizon: only on the school's instructional days, at the period's local start time on the
// day type the school runs that day, converted to an instant with the district's IANA zone.
import { dayTypeOn, periodOn, type BellSchedule, type SchoolCalendar } from '../calendar/bell-schedule';
import { datesBetween, isoWeekday, minutesOf, timeOf, zonedTimestamp, type LocalDate } from '../time/local-time';

export interface RecurringSlot {
  slotId: string;
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  weekdays: number[];
  /** Period code in the school's bell schedule. */
  period: string;
  minutes: number;
  /** On a rotating schedule, the day types the slot runs on (e.g. ['A']); null = every day type. */
  dayTypes: string[] | null;
  /** Where the students are supervised: a room, or a virtual link supervised in a room. */
  location: string;
  /** The supervising adult (staff id) present with the students. */
  supervisorId: string;
}

export interface PlannedOccurrence {
  /** Stable natural key: one occurrence per group, slot and date (re-materialising never duplicates). */
  key: string;
  slotId: string;
  date: LocalDate;
  startsAt: string;
  endsAt: string;
}

export interface MaterialiseInput {
  slots: RecurringSlot[];
  schedule: BellSchedule;
  calendar: SchoolCalendar;
  timeZone: string;
  /** Horizon, inclusive, already clipped to the program's and the group's dates by the caller if needed. */
  from: LocalDate;
  to: LocalDate;
}

/** Where and when a slot meets on `date`, or null when it does not meet that day. */
export const slotTimeOn = (
  slot: RecurringSlot,
  schedule: BellSchedule,
  calendar: SchoolCalendar,
  date: LocalDate,
): { start: number; end: number } | null => {
  if (!slot.weekdays.includes(isoWeekday(date))) return null;
  const dayType = dayTypeOn(schedule, calendar, date);
  if (dayType === null) return null;
  if (slot.dayTypes && !slot.dayTypes.includes(dayType)) return null;
  const period = periodOn(schedule, calendar, date, slot.period);
  if (!period) return null;
  const start = minutesOf(period.start);
  return { start, end: start + slot.minutes };
};

/** Planned occurrences of the slots over the horizon, in date then start order. */
export const materialiseOccurrences = (input: MaterialiseInput): PlannedOccurrence[] => {
  const out: PlannedOccurrence[] = [];
  for (const date of datesBetween(input.from, input.to)) {
    for (const slot of input.slots) {
      const time = slotTimeOn(slot, input.schedule, input.calendar, date);
      if (!time) continue;
      out.push({
        key: `${slot.slotId}:${date}`,
        slotId: slot.slotId,
        date,
        startsAt: zonedTimestamp(date, timeOf(time.start), input.timeZone),
        endsAt: zonedTimestamp(date, timeOf(time.end), input.timeZone),
      });
    }
  }
  return out.sort((a, b) => (a.date === b.date ? a.startsAt.localeCompare(b.startsAt) : a.date.localeCompare(b.date)));
};
