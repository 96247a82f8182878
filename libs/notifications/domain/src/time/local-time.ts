// Calendar arithmetic in an IANA zone without a clock: every instant comes in as an argument.

export interface LocalParts {
  date: string; // YYYY-MM-DD
  minutes: number; // minutes since local midnight
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const formatter = (zone: string): Intl.DateTimeFormat => {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(zone, f);
  }
  return f;
};

export const isTimeZone = (zone: string): boolean => {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
};

export const localParts = (instant: Date, zone: string): LocalParts => {
  const parts = Object.fromEntries(
    formatter(zone)
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return {
    date: `${parts['year']}-${parts['month']}-${parts['day']}`,
    minutes: Number(parts['hour']) * 60 + Number(parts['minute']),
  };
};

const toMinutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * The earliest instant ≥ now outside the quiet window, in the recipient's zone. A window may wrap midnight
 * (20:00–07:00). Resolution is one minute; a DST jump inside the wait shifts it by that hour (accepted).
 */
export const endOfQuietHours = (now: Date, zone: string, quiet: { from: string; to: string } | null): Date => {
  if (!quiet) return now;
  const from = toMinutes(quiet.from);
  const to = toMinutes(quiet.to);
  if (from === to) return now;
  const local = localParts(now, zone).minutes;
  const inside = from < to ? local >= from && local < to : local >= from || local < to;
  if (!inside) return now;
  const wait = (to - local + 1440) % 1440;
  const start = new Date(now.getTime() + wait * 60_000);
  start.setUTCSeconds(0, 0);
  return start;
};

const dayNumber = (date: string): number =>
  Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000;
const fromDayNumber = (n: number): string => new Date(n * 86_400_000).toISOString().slice(0, 10);

export const addDays = (date: string, days: number): string => fromDayNumber(dayNumber(date) + days);

/** ISO 8601 week label of a local date, e.g. 2026-W48. */
export const isoWeekOf = (date: string): string => {
  const n = dayNumber(date);
  const weekday = ((new Date(n * 86_400_000).getUTCDay() + 6) % 7) + 1; // 1 = Monday
  const thursday = n + 4 - weekday;
  const year = new Date(thursday * 86_400_000).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1) / 86_400_000) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
};

/** Monday and Sunday (inclusive) of the ISO week containing `date`. */
export const weekBounds = (date: string): { from: string; to: string } => {
  const n = dayNumber(date);
  const weekday = ((new Date(n * 86_400_000).getUTCDay() + 6) % 7) + 1;
  return { from: fromDayNumber(n - weekday + 1), to: fromDayNumber(n - weekday + 7) };
};

/** The last ISO week that has fully ended at `now` in `zone`: the one weekly digests report on. */
export const lastCompletedWeek = (now: Date, zone: string): { isoWeek: string; from: string; to: string } => {
  const today = localParts(now, zone).date;
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
