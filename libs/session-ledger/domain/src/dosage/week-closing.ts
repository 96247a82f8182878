/**
 * When an ISO week is over for a district: its end is the following Monday 00:00 on the district's wall clock (so the
 * week in which daylight saving time ends closes an hour later in UTC than the week before it), plus a grace for
 * late reports. Pure: the caller brings `now`.
 */
import { isoWeekOf, isoWeekStart } from '../projections/iso-week';
import { isoWeekRange, localToInstant, toLocal } from '../rules/local-time';

const DAY_MS = 86_400_000;

const addDays = (localDate: string, days: number): string =>
  new Date(Date.parse(`${localDate}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** The instant the week ends: the next Monday's local midnight in `zone`. */
export const weekEndInstant = (isoWeek: string, zone: string): Date => {
  const range = isoWeekRange(isoWeek);
  if (!range) throw new Error(`not an ISO week: ${isoWeek}`);
  return new Date(localToInstant(addDays(range.to, 1), 0, zone));
};

export const nextIsoWeek = (isoWeek: string): string => {
  const range = isoWeekRange(isoWeek);
  if (!range) throw new Error(`not an ISO week: ${isoWeek}`);
  return isoWeekOf(addDays(range.from, 7));
};

export const previousIsoWeek = (isoWeek: string): string => {
  const range = isoWeekRange(isoWeek);
  if (!range) throw new Error(`not an ISO week: ${isoWeek}`);
  return isoWeekOf(addDays(range.from, -7));
};

/** The latest ISO week whose end + grace has passed at `now` in `zone`. */
export const lastClosedWeek = (now: Date, zone: string, graceHours: number): string => {
  const shifted = new Date(now.getTime() - graceHours * 3_600_000).toISOString();
  // The week holding (now − grace) is still open; the one before it has ended at or before that instant.
  const current = isoWeekOf(isoWeekStart(toLocal(shifted, zone).date));
  return previousIsoWeek(current);
};

/**
 * The weeks to close now, oldest first: every week after `lastClosed` up to the last closed one; on a district's first
 * visit (`lastClosed` null) only the last `catchUpWeeks` weeks, so a new deployment does not warn about last spring.
 */
export const weeksToClose = (
  lastClosed: string | null,
  now: Date,
  zone: string,
  opts: { graceHours: number; catchUpWeeks: number },
): string[] => {
  const latest = lastClosedWeek(now, zone, opts.graceHours);
  const weeks: string[] = [];
  if (lastClosed === null) {
    let w = latest;
    for (let i = 0; i < Math.max(1, opts.catchUpWeeks); i++) {
      weeks.unshift(w);
      w = previousIsoWeek(w);
    }
    return weeks;
  }
  for (let w = nextIsoWeek(lastClosed); w <= latest; w = nextIsoWeek(w)) weeks.push(w);
  return weeks;
};
