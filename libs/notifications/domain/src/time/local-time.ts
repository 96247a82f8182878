// Notifications' own calendar rules (quiet hours, the week a digest reports on), on top of the shared zone arithmetic
// (@tutoring/shared/time). No clock: every instant comes in as an argument.
import { addDays, isoWeekOf, minuteOfDayOf, toLocal, weekBounds } from '@tutoring/shared/time';

/**
 * The earliest instant ≥ now outside the quiet window, in the recipient's zone. A window may wrap midnight
 * (20:00–07:00). Resolution is one minute; a DST jump inside the wait shifts it by that hour (accepted).
 */
export const endOfQuietHours = (now: Date, zone: string, quiet: { from: string; to: string } | null): Date => {
  if (!quiet) return now;
  const from = minuteOfDayOf(quiet.from);
  const to = minuteOfDayOf(quiet.to);
  if (from === to) return now;
  const local = toLocal(now, zone).minuteOfDay;
  const inside = from < to ? local >= from && local < to : local >= from || local < to;
  if (!inside) return now;
  const wait = (to - local + 1440) % 1440;
  const start = new Date(now.getTime() + wait * 60_000);
  start.setUTCSeconds(0, 0);
  return start;
};

/** The last ISO week that has fully ended at `now` in `zone`: the one weekly digests report on. */
export const lastCompletedWeek = (now: Date, zone: string): { isoWeek: string; from: string; to: string } => {
  const today = toLocal(now, zone).date;
  const previous = addDays(weekBounds(today).from, -7);
  return { isoWeek: isoWeekOf(previous), ...weekBounds(previous) };
};

/** The week weekly digests report on at `now`: the last completed one, once `delayHours` have passed since it ended. */
export const weekToReport = (
  now: Date,
  zone: string,
  delayHours: number,
): { isoWeek: string; from: string; to: string } =>
  lastCompletedWeek(new Date(now.getTime() - delayHours * 3_600_000), zone);
