// Statement periods are calendar months in local dates (YYYY-MM-DD strings compare correctly as text).
import type { LocalDate } from '@tutoring/shared/contracts';

/** 'YYYY-MM' */
export type Month = string;

export const monthOf = (date: LocalDate): Month => date.slice(0, 7);

/** First and last day of a month. Pure calendar arithmetic (no clock). */
export const monthBounds = (month: Month): { start: LocalDate; end: LocalDate } => {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new RangeError(`not a month: ${month}`);
  const year = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  const days = new Date(Date.UTC(year, m, 0)).getUTCDate();
  return { start: `${month}-01`, end: `${month}-${String(days).padStart(2, '0')}` };
};

export const within = (date: LocalDate, from: LocalDate, to: LocalDate): boolean => date >= from && date <= to;
