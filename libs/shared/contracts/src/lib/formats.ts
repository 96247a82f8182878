// Format checks shared by the JSON Schema validator (registered as ajv formats) and the class-validator
// decorators, so both paths give the same verdict on the same string.
import { UUID_PATTERN } from './limits';

const UUID_RE = new RegExp(UUID_PATTERN);
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export const isUuid = (value: string): boolean => UUID_RE.test(value);

const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysInMonth = (year: number, month: number): number =>
  month === 2 && isLeapYear(year) ? 29 : (DAYS[month - 1] ?? 0);

const validDate = (year: number, month: number, day: number): boolean =>
  month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);

/** The number written by `count` ASCII digits of `s` from `from`, or -1 if one of them is not a digit. */
const digitsAt = (s: string, from: number, count: number): number => {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = s.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) return -1;
    n = n * 10 + d;
  }
  return n;
};

/** Days from 1970-01-01 to a proleptic Gregorian date (year 0..9999), in integer arithmetic. */
const daysFromCivil = (year: number, month: number, day: number): number => {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
};

// Character codes of the separators.
const DASH = 0x2d; // -
const COLON = 0x3a; // :
const DOT = 0x2e; // .
const PLUS = 0x2b; // +
const UPPER_T = 0x54;
const LOWER_T = 0x74;
const UPPER_Z = 0x5a;
const LOWER_Z = 0x7a;

/**
 * Epoch milliseconds of an RFC 3339 timestamp with a mandatory offset, or null when it is not one:
 * `YYYY-MM-DDTHH:MM:SS[.fraction of 1-9 digits](Z|+HH:MM|-HH:MM)`, `T` and `Z` in either case. Leap seconds (:60) are
 * refused: they cannot be ordered reliably and no vendor clock reports them. Fractions beyond milliseconds are
 * truncated. Read character by character, without a regular expression or a Date: every session event's times go
 * through here several times on the ingest path, so it allocates nothing.
 */
export const timestampToEpochMs = (value: string): number | null => {
  const length = value.length;
  if (length < 20) return null;
  const t = value.charCodeAt(10);
  if (value.charCodeAt(4) !== DASH || value.charCodeAt(7) !== DASH || (t !== UPPER_T && t !== LOWER_T)) return null;
  if (value.charCodeAt(13) !== COLON || value.charCodeAt(16) !== COLON) return null;
  const year = digitsAt(value, 0, 4);
  const month = digitsAt(value, 5, 2);
  const day = digitsAt(value, 8, 2);
  const hour = digitsAt(value, 11, 2);
  const minute = digitsAt(value, 14, 2);
  const second = digitsAt(value, 17, 2);
  if (year < 0 || !validDate(year, month, day) || hour < 0 || hour > 23 || minute < 0 || minute > 59) return null;
  if (second < 0 || second > 59) return null;
  let i = 19;
  let millis = 0;
  if (value.charCodeAt(i) === DOT) {
    const start = ++i;
    while (i < length && digitsAt(value, i, 1) >= 0) i++;
    const count = i - start;
    if (count < 1 || count > 9) return null;
    millis = digitsAt(value, start, Math.min(count, 3)) * 10 ** Math.max(3 - count, 0);
  }
  let offsetMinutes = 0;
  const zone = value.charCodeAt(i);
  if (zone === UPPER_Z || zone === LOWER_Z) {
    if (i + 1 !== length) return null;
  } else if (zone === PLUS || zone === DASH) {
    if (i + 6 !== length || value.charCodeAt(i + 3) !== COLON) return null;
    const hours = digitsAt(value, i + 1, 2);
    const minutes = digitsAt(value, i + 4, 2);
    if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return null;
    offsetMinutes = (zone === DASH ? -1 : 1) * (hours * 60 + minutes);
  } else return null;
  const minutesOfDay = hour * 60 + minute - offsetMinutes;
  return (daysFromCivil(year, month, day) * 86_400 + minutesOfDay * 60 + second) * 1000 + millis;
};

export const isTimestamp = (value: string): boolean => timestampToEpochMs(value) !== null;

/** Local calendar date YYYY-MM-DD (no time, no zone). */
export const isLocalDate = (value: string): boolean => {
  const m = DATE_RE.exec(value);
  return m !== null && validDate(Number(m[1]), Number(m[2]), Number(m[3]));
};
