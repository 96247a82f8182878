/**
 * Weeks are ISO weeks (Monday first, week 1 holds the year's first Thursday) of the session's LOCAL date in the
 * district's IANA zone. The zone matters only to turn an instant into a local date; after that it is calendar
 * arithmetic on plain dates, so the week in which daylight saving time ends is 7 days like any other.
 */
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const dayNumber = (localDate: string): number => {
  const m = LOCAL_DATE.exec(localDate);
  if (!m) throw new Error(`not a local date (YYYY-MM-DD): ${localDate}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000;
};

const fromDayNumber = (day: number): string => new Date(day * 86_400_000).toISOString().slice(0, 10);

/** ISO weekday, 1 = Monday … 7 = Sunday. */
export const isoWeekday = (localDate: string): number => {
  const dow = (dayNumber(localDate) + 4) % 7; // 1970-01-01 was a Thursday (4)
  return dow === 0 ? 7 : dow;
};

/** Monday of the ISO week holding `localDate`. */
export const isoWeekStart = (localDate: string): string =>
  fromDayNumber(dayNumber(localDate) - isoWeekday(localDate) + 1);

/** e.g. `2026-W45`. */
export const isoWeekOf = (localDate: string): string => {
  const thursday = dayNumber(localDate) - isoWeekday(localDate) + 4;
  const year = new Date(thursday * 86_400_000).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1) / 86_400_000) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
};

/** Local calendar date of an instant (RFC 3339 with offset) in an IANA zone. */
export const localDateIn = (instant: string, timeZone: string): string => {
  const at = new Date(instant);
  if (Number.isNaN(at.getTime())) throw new Error(`not an instant: ${instant}`);
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(at);
  const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
};

/** Payment period of a local date: the calendar month, `YYYY-MM` (contract periods are whole months). */
export const paymentPeriodOf = (localDate: string): string => {
  if (!LOCAL_DATE.test(localDate)) throw new Error(`not a local date (YYYY-MM-DD): ${localDate}`);
  return localDate.slice(0, 7);
};

/** Distinct ISO weeks among `localDates` (e.g. a school's instructional days), ascending. */
export const isoWeeksOf = (localDates: Iterable<string>): string[] =>
  [...new Set([...localDates].map(isoWeekOf))].sort();
