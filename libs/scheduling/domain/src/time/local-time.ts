// Local dates and wall-clock times of a district, converted to instants with its IANA zone. Pure: Intl only.

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

export const addDays = (date: LocalDate, days: number): LocalDate => {
  const [y, mo, d] = parseDate(date);
  return new Date(Date.UTC(y, mo - 1, d + days)).toISOString().slice(0, 10);
};

/** Every date from `from` to `to`, both inclusive. */
export const datesBetween = (from: LocalDate, to: LocalDate): LocalDate[] => {
  const out: LocalDate[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
};

const formatters = new Map<string, Intl.DateTimeFormat>();
const formatterFor = (zone: string): Intl.DateTimeFormat => {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
};

/** Offset of `zone` from UTC at instant `epochMs`, in minutes (e.g. -360 for America/Chicago in winter). */
export const zoneOffsetMinutes = (zone: string, epochMs: number): number => {
  const parts = Object.fromEntries(
    formatterFor(zone)
      .formatToParts(new Date(epochMs))
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(
    Number(parts['year']),
    Number(parts['month']) - 1,
    Number(parts['day']),
    Number(parts['hour']),
    Number(parts['minute']),
    Number(parts['second']),
  );
  return Math.round((asUtc - Math.floor(epochMs / 1000) * 1000) / 60_000);
};

/** True when `zone` is an IANA zone this runtime knows. */
export const isKnownZone = (zone: string): boolean => {
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
};

/**
 * The instant a local wall-clock time happens in `zone`, as RFC 3339 with the zone's offset at that instant,
 * e.g. 2026-11-02T09:00:00-06:00. Converges in two steps across DST changes (school hours never fall in a gap).
 */
export const zonedTimestamp = (date: LocalDate, time: LocalTime, zone: string): string => {
  const [y, mo, d] = parseDate(date);
  const wall = Date.UTC(y, mo - 1, d) + minutesOf(time) * 60_000;
  let offset = zoneOffsetMinutes(zone, wall);
  const second = zoneOffsetMinutes(zone, wall - offset * 60_000);
  if (second !== offset) offset = second;
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${date}T${time}:00${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
};

/** Epoch milliseconds of an RFC 3339 timestamp. */
export const epochOf = (timestamp: string): number => Date.parse(timestamp);

/** The local calendar date in `zone` at instant `epochMs`. */
export const localDateAt = (epochMs: number, zone: string): LocalDate => {
  const parts = Object.fromEntries(
    formatterFor(zone)
      .formatToParts(new Date(epochMs))
      .map((p) => [p.type, p.value]),
  );
  return `${parts['year']}-${parts['month']}-${parts['day']}`;
};
