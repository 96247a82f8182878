/**
 * Wall-clock date and time of an instant in an IANA zone. Pure (the zone database is data, not a clock): the
 * local date decides the school day, the enrolment and the clearance that apply; the local time the plausible hours.
 */
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

/** Whether the runtime knows the zone (an unknown zone must not silently become UTC). */
export const isKnownTimeZone = (zone: string): boolean => {
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
};

export const toLocal = (instant: string, zone: string): LocalDateTime => {
  const parts = Object.fromEntries(
    formatterFor(zone)
      .formatToParts(new Date(instant))
      .map((p) => [p.type, p.value]),
  );
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

const wallClockMs = (instantMs: number, zone: string): number => {
  const parts = Object.fromEntries(
    formatterFor(zone)
      .formatToParts(new Date(instantMs))
      .map((p) => [p.type, p.value]),
  );
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
  const first = offsetAt(wall - 12 * 3_600_000);
  const second = offsetAt(wall + 12 * 3_600_000);
  // Try the earlier offset first (daylight, at the end of DST), then the later one.
  const offset = [first, second].find((o) => wallClockMs(wall - o * 60_000, zone) === wall) ?? first;
  const instant = new Date(wall - offset * 60_000);
  const local = new Date(instant.getTime() + offsetAt(instant.getTime()) * 60_000).toISOString().slice(0, 19);
  return `${local}${offsetLabel(offsetAt(instant.getTime()))}`;
};

/** Monday and Sunday (local dates, inclusive) of an ISO week "YYYY-Www"; null when the label is not a real week. */
export const isoWeekRange = (week: string): { from: string; to: string } | null => {
  const m = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!m) return null;
  const year = Number(m[1]);
  const n = Number(m[2]);
  const jan4 = Date.UTC(year, 0, 4);
  const monday1 = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * 86_400_000;
  const weeksInYear = isoWeekRange.lastWeek(year);
  if (n < 1 || n > weeksInYear) return null;
  const from = monday1 + (n - 1) * 7 * 86_400_000;
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { from: day(from), to: day(from + 6 * 86_400_000) };
};
/** 53 when Dec 28th (always in the last ISO week) falls in week 53. */
isoWeekRange.lastWeek = (year: number): number => {
  const dec28 = Date.UTC(year, 11, 28);
  const jan4 = Date.UTC(year, 0, 4);
  const monday1 = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * 86_400_000;
  return Math.floor((dec28 - monday1) / (7 * 86_400_000)) + 1;
};
