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
