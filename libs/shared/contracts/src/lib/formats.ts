// Format checks shared by the JSON Schema validator (registered as ajv formats) and the class-validator
// decorators, so both paths give the same verdict on the same string.
import { UUID_PATTERN } from './limits';

const UUID_RE = new RegExp(UUID_PATTERN);
// RFC 3339 date-time with a mandatory offset. Leap seconds (:60) are refused: they cannot be ordered
// reliably and no vendor clock reports them.
const TIMESTAMP_RE =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export const isUuid = (value: string): boolean => UUID_RE.test(value);

const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysInMonth = (year: number, month: number): number =>
  month === 2 && isLeapYear(year) ? 29 : (DAYS[month - 1] ?? 0);

const validDate = (year: number, month: number, day: number): boolean =>
  month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);

/** Epoch milliseconds of an RFC 3339 timestamp with offset, or null when it is not one. */
export const timestampToEpochMs = (value: string): number | null => {
  const m = TIMESTAMP_RE.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (!validDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return null;
  const offsetHours = m[10] === undefined ? 0 : Number(m[10]);
  const offsetMinutes = m[11] === undefined ? 0 : Number(m[11]);
  if (offsetHours > 23 || offsetMinutes > 59) return null;
  const sign = m[9] === '-' ? -1 : 1;
  const millis = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0').slice(0, 3));
  // setUTCFullYear, unlike Date.UTC, does not map years 0..99 to 1900..1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  return date.getTime() - sign * (offsetHours * 60 + offsetMinutes) * 60_000;
};

export const isTimestamp = (value: string): boolean => timestampToEpochMs(value) !== null;

/** Local calendar date YYYY-MM-DD (no time, no zone). */
export const isLocalDate = (value: string): boolean => {
  const m = DATE_RE.exec(value);
  return m !== null && validDate(Number(m[1]), Number(m[2]), Number(m[3]));
};
