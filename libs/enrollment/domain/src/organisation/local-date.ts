// Local calendar dates as "YYYY-MM-DD" strings, with day arithmetic on UTC epoch days (no zone involved:
// a local date is a label, not an instant). Pure.
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

export const isLocalDate = (value: string): boolean => {
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
};

export const toEpochDay = (date: string): number => {
  if (!isLocalDate(date)) throw new Error(`not a local date: ${date}`);
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
};

export const fromEpochDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** ISO weekday, 1 = Monday … 7 = Sunday. */
export const isoWeekday = (date: string): number => {
  const d = new Date(toEpochDay(date) * DAY_MS).getUTCDay();
  return d === 0 ? 7 : d;
};

export const addDays = (date: string, days: number): string => fromEpochDay(toEpochDay(date) + days);

/** Inclusive range of dates, ascending. */
export const datesBetween = (from: string, to: string): string[] => {
  const out: string[] = [];
  for (let d = toEpochDay(from); d <= toEpochDay(to); d++) out.push(fromEpochDay(d));
  return out;
};
