// Wall-clock dates and times of instants in IANA zones, and ISO weeks. Pure: no clock (every instant is an argument);
// the runtime's zone database is data. Local dates are 'YYYY-MM-DD', local times minutes since local midnight.

export interface LocalDateTime {
  /** YYYY-MM-DD */
  date: string;
  /** Minutes since local midnight, 0..1439 */
  minuteOfDay: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

const formatterFor = (zone: string): Intl.DateTimeFormat => {
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

/**
 * `Intl` formatting is the slowest step of a session's review (≈ 3 % of the ingest's CPU), and a district's sessions
 * start at a few bell times: the parts of an exact instant in a zone are remembered (a pure function of both; the
 * memo is emptied when it reaches its bound).
 */
const PARTS_MEMO_LIMIT = 50_000;
const partsMemo = new Map<string, Readonly<Record<string, string>>>();

const partsAt = (instantMs: number, zone: string): Readonly<Record<string, string>> => {
  const key = `${zone} ${instantMs}`;
  let parts = partsMemo.get(key);
  if (!parts) {
    parts = Object.fromEntries(
      formatterFor(zone)
        .formatToParts(new Date(instantMs))
        .map((p) => [p.type, p.value]),
    );
    if (partsMemo.size >= PARTS_MEMO_LIMIT) partsMemo.clear();
    partsMemo.set(key, parts);
  }
  return parts;
};

/** Whether the runtime knows the zone (an unknown zone must not silently become UTC). */
export const isKnownTimeZone = (zone: string): boolean => {
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
};

/** Local date and minute of day of an instant (RFC 3339 string or Date) in `zone`. */
export const toLocal = (instant: string | Date, zone: string): LocalDateTime => {
  const parts = partsAt(new Date(instant).getTime(), zone);
  return {
    date: `${parts['year']}-${parts['month']}-${parts['day']}`,
    minuteOfDay: Number(parts['hour']) * 60 + Number(parts['minute']),
  };
};

/** "HH:MM" or "HH:MM:SS" → minutes since midnight. */
export const minuteOfDayOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
};

/** The local wall clock at an instant, read as if it were UTC (milliseconds, minute resolution). */
const wallClockMs = (instantMs: number, zone: string): number => {
  const parts = partsAt(instantMs, zone);
  return Date.UTC(
    Number(parts['year']),
    Number(parts['month']) - 1,
    Number(parts['day']),
    Number(parts['hour']),
    Number(parts['minute']),
  );
};

const offsetLabel = (offsetMin: number): string => {
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
};

/**
 * The instant (RFC 3339 with the zone's offset) at which the local clock of `zone` shows `date` `minuteOfDay`.
 * In the repeated hour at the end of DST the first (daylight) instant is taken; in the skipped hour at its start,
 * the clock is read forward (02:30 becomes 03:30).
 */
export const localToInstant = (date: string, minuteOfDay: number, zone: string): string => {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, mo - 1, d, Math.floor(minuteOfDay / 60), minuteOfDay % 60);
  const offsetAt = (ms: number) => Math.round((wallClockMs(ms, zone) - ms) / 60_000);
  const before = offsetAt(wall - 12 * 3_600_000);
  const after = offsetAt(wall + 12 * 3_600_000);
  // The earlier offset first (daylight, at the end of DST), then the later one.
  const offset = [before, after].find((o) => wallClockMs(wall - o * 60_000, zone) === wall) ?? before;
  const instant = wall - offset * 60_000;
  const actual = offsetAt(instant);
  return `${new Date(instant + actual * 60_000).toISOString().slice(0, 19)}${offsetLabel(actual)}`;
};

const DAY_MS = 86_400_000;
const dayNumber = (date: string): number =>
  Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
const dateOfDayNumber = (n: number): string => new Date(n * DAY_MS).toISOString().slice(0, 10);
/** 1 = Monday … 7 = Sunday */
const isoWeekdayOfDayNumber = (n: number): number => ((new Date(n * DAY_MS).getUTCDay() + 6) % 7) + 1;

/** A local date `days` later (or earlier, when negative). */
export const addDays = (date: string, days: number): string => dateOfDayNumber(dayNumber(date) + days);

/** ISO 8601 week label of a local date, e.g. 2026-W48 (the week belongs to the year of its Thursday). */
export const isoWeekOf = (date: string): string => {
  const n = dayNumber(date);
  const thursday = n + 4 - isoWeekdayOfDayNumber(n);
  const year = new Date(thursday * DAY_MS).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1) / DAY_MS) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
};

/** Monday and Sunday (inclusive) of the ISO week containing `date`. */
export const weekBounds = (date: string): { from: string; to: string } => {
  const n = dayNumber(date);
  const monday = n - isoWeekdayOfDayNumber(n) + 1;
  return { from: dateOfDayNumber(monday), to: dateOfDayNumber(monday + 6) };
};

const mondayOfWeek1 = (year: number): number => {
  const jan4 = Date.UTC(year, 0, 4) / DAY_MS;
  return jan4 - isoWeekdayOfDayNumber(jan4) + 1;
};

/** Number of ISO weeks in a year: 53 when Dec 28th (always in the last ISO week) falls in week 53. */
export const isoWeeksInYear = (year: number): number =>
  Math.floor((Date.UTC(year, 11, 28) / DAY_MS - mondayOfWeek1(year)) / 7) + 1;

/** Monday and Sunday (local dates, inclusive) of an ISO week "YYYY-Www"; null when the label is not a real week. */
export const isoWeekRange = (week: string): { from: string; to: string } | null => {
  const m = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!m) return null;
  const year = Number(m[1]);
  const n = Number(m[2]);
  if (n < 1 || n > isoWeeksInYear(year)) return null;
  const monday = mondayOfWeek1(year) + (n - 1) * 7;
  return { from: dateOfDayNumber(monday), to: dateOfDayNumber(monday + 6) };
};
