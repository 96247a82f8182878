// Local dates and wall-clock times of a district, converted to instants with its IANA zone. Pure. The zone
// arithmetic and date stepping are the shared ones (@tutoring/shared/time); what stays here is scheduling's own:
// validated 'HH:MM' times, ISO weekdays of a date, date ranges.
import { addDays, localToInstant, toLocal } from '@tutoring/shared/time';

export { addDays };

/** 'YYYY-MM-DD' */
export type LocalDate = string;
/** 'HH:MM', 24-hour */
export type LocalTime = string;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

const parseDate = (date: LocalDate): [number, number, number] => {
  const m = DATE.exec(date);
  if (!m) throw new Error(`not a local date: ${date}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
};

/** Minutes since midnight of an 'HH:MM' time. */
export const minutesOf = (time: LocalTime): number => {
  const m = TIME.exec(time);
  if (!m) throw new Error(`not a local time: ${time}`);
  return Number(m[1]) * 60 + Number(m[2]);
};

export const timeOf = (minutes: number): LocalTime =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export const isoWeekday = (date: LocalDate): number => {
  const [y, mo, d] = parseDate(date);
  const day = new Date(Date.UTC(y, mo - 1, d)).getUTCDay();
  return day === 0 ? 7 : day;
};

/** Every date from `from` to `to`, both inclusive. */
export const datesBetween = (from: LocalDate, to: LocalDate): LocalDate[] => {
  const out: LocalDate[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
};

/**
 * The instant a local wall-clock time happens in `zone`, as RFC 3339 with the zone's offset at that instant,
 * e.g. 2026-11-02T09:00:00-06:00 (the shared conversion: in the repeated hour at the end of DST the first, daylight
 * instant; school hours never fall in the skipped hour).
 */
export const zonedTimestamp = (date: LocalDate, time: LocalTime, zone: string): string => {
  parseDate(date);
  return localToInstant(date, minutesOf(time), zone);
};

/** Epoch milliseconds of an RFC 3339 timestamp. */
export const epochOf = (timestamp: string): number => Date.parse(timestamp);

/** The local calendar date in `zone` at instant `epochMs`. */
export const localDateAt = (epochMs: number, zone: string): LocalDate => toLocal(new Date(epochMs), zone).date;
