// Notifications' own calendar rules (quiet hours, the week a digest reports on), on top of the shared zone arithmetic
// (@tutoring/shared/time). No clock: every instant comes in as an argument.
import { addDays, isoWeekOf, localToInstant, minuteOfDayOf, toLocal, weekBounds } from '@tutoring/shared/time';

/**
 * The earliest instant ≥ now outside the quiet window, in the recipient's zone. A window may wrap midnight
 * (20:00–07:00). Resolution is one minute. The window ends when the local clock reaches its end, so a DST change
 * during the wait moves the release with the clock: never an hour early, inside the window, when DST ends; and at
 * the jump itself when DST starts inside the skipped hour (the clock passes the end without showing it).
 */
export const endOfQuietHours = (now: Date, zone: string, quiet: { from: string; to: string } | null): Date => {
  if (!quiet) return now;
  const from = minuteOfDayOf(quiet.from);
  const to = minuteOfDayOf(quiet.to);
  if (from === to) return now;
  const { date: today, minuteOfDay: local } = toLocal(now, zone);
  const inside = from < to ? local >= from && local < to : local >= from || local < to;
  if (!inside) return now;
  const day = to > local ? today : addDays(today, 1);
  let end = new Date(localToInstant(day, to, zone)).getTime();
  // In the hour skipped when DST starts the clock never shows `to`: the window ends when the clock jumps past it.
  for (;;) {
    const before = toLocal(new Date(end - 60_000), zone);
    if (before.date !== day || before.minuteOfDay < to) break;
    end -= 60_000;
  }
  if (end > now.getTime()) return new Date(end);
  // Inside the hour repeated when DST ends, after its first pass: the end's first (daylight) instant has gone by,
  // and the clock shows it again as many minutes from now as it reads.
  const again = new Date(now.getTime() + (to - local) * 60_000);
  again.setUTCSeconds(0, 0);
  return again;
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
