import fc from 'fast-check';
import {
  addDays,
  isKnownTimeZone,
  isoWeekOf,
  isoWeekRange,
  isoWeeksInYear,
  localToInstant,
  minuteOfDayOf,
  toLocal,
  weekBounds,
} from './local-time';

describe('toLocal: an instant on the local clock of a zone', () => {
  it('gives the local date, not the UTC one, late in the evening (string or Date)', () => {
    // 2026-11-04T02:30Z is still Nov 3rd, 20:30 in Chicago (CST).
    const expected = { date: '2026-11-03', minuteOfDay: 20 * 60 + 30 };
    expect(toLocal('2026-11-04T02:30:00Z', 'America/Chicago')).toEqual(expected);
    expect(toLocal(new Date('2026-11-04T02:30:00Z'), 'America/Chicago')).toEqual(expected);
  });

  it('at the end of DST (Chicago, Sunday 2026-11-01, 02:00 CDT → 01:00 CST) reads 01:30 twice, an hour apart', () => {
    expect(toLocal('2026-11-01T06:30:00Z', 'America/Chicago')).toEqual({ date: '2026-11-01', minuteOfDay: 90 });
    expect(toLocal('2026-11-01T07:30:00Z', 'America/Chicago')).toEqual({ date: '2026-11-01', minuteOfDay: 90 });
    // The day is 25 hours long: 05:30Z on Nov 2nd is still Nov 1st, 23:30 CST.
    expect(toLocal('2026-11-02T05:30:00Z', 'America/Chicago')).toEqual({
      date: '2026-11-01',
      minuteOfDay: 23 * 60 + 30,
    });
  });

  it('at the start of DST (Chicago, Sunday 2026-03-08, 02:00 CST → 03:00 CDT) jumps from 01:59 to 03:00', () => {
    expect(toLocal('2026-03-08T07:59:00Z', 'America/Chicago')).toEqual({ date: '2026-03-08', minuteOfDay: 60 + 59 });
    expect(toLocal('2026-03-08T08:00:00Z', 'America/Chicago')).toEqual({ date: '2026-03-08', minuteOfDay: 3 * 60 });
  });

  it('handles the southern hemisphere and half-hour zones', () => {
    // Santiago leaves DST on Sunday 2026-04-05 (00:00 -03 → 23:00 -04 on the 4th).
    expect(toLocal('2026-04-05T02:30:00Z', 'America/Santiago')).toEqual({
      date: '2026-04-04',
      minuteOfDay: 23 * 60 + 30,
    });
    expect(toLocal('2026-11-18T18:00:00Z', 'Asia/Kolkata')).toEqual({ date: '2026-11-18', minuteOfDay: 23 * 60 + 30 });
  });

  it('knows real zones and refuses invented ones', () => {
    expect([isKnownTimeZone('Europe/Paris'), isKnownTimeZone('UTC')]).toEqual([true, true]);
    expect(isKnownTimeZone('Mars/Olympus_Mons')).toBe(false);
  });

  it('reads HH:MM and HH:MM:SS as minutes since midnight', () => {
    expect([minuteOfDayOf('00:00'), minuteOfDayOf('07:30'), minuteOfDayOf('23:59:59')]).toEqual([0, 450, 1439]);
  });
});

describe('localToInstant: a local wall clock to an instant with its offset', () => {
  it('gives the offset of that day in the zone', () => {
    expect(localToInstant('2026-11-03', 10 * 60, 'America/Chicago')).toBe('2026-11-03T10:00:00-06:00');
    expect(localToInstant('2026-10-30', 10 * 60, 'America/Chicago')).toBe('2026-10-30T10:00:00-05:00');
    expect(localToInstant('2026-11-03', 0, 'UTC')).toBe('2026-11-03T00:00:00+00:00');
    expect(localToInstant('2026-11-18', 23 * 60 + 30, 'Asia/Kolkata')).toBe('2026-11-18T23:30:00+05:30');
  });

  it('takes the daylight instant in the repeated hour, and reads the skipped hour forward', () => {
    expect(localToInstant('2026-11-01', 90, 'America/Chicago')).toBe('2026-11-01T01:30:00-05:00');
    expect(localToInstant('2026-03-08', 150, 'America/Chicago')).toBe('2026-03-08T03:30:00-05:00');
  });

  it('property: round-trips with toLocal for every minute outside a skipped hour', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: dayIndex('2025-01-01'), max: dayIndex('2027-12-31') }),
        fc.integer({ min: 0, max: 1439 }),
        fc.constantFrom('America/Chicago', 'America/New_York', 'Europe/Madrid', 'America/Santiago', 'UTC'),
        (day, minute, zone) => {
          const date = new Date(day * 86_400_000).toISOString().slice(0, 10);
          const back = toLocal(localToInstant(date, minute, zone), zone);
          const skipped = back.date !== date || back.minuteOfDay !== minute;
          // Only a wall time that does not exist (spring forward) may come back different, and then one hour later.
          return !skipped || (back.date === date && back.minuteOfDay === minute + 60);
        },
      ),
      { numRuns: 400 },
    );
  });
});

const dayIndex = (date: string): number => Date.parse(`${date}T00:00:00Z`) / 86_400_000;

describe('ISO weeks', () => {
  it('labels dates across year ends by the year of their Thursday', () => {
    expect([
      isoWeekOf('2026-11-18'),
      isoWeekOf('2027-01-01'),
      isoWeekOf('2026-12-28'),
      isoWeekOf('2025-12-29'),
    ]).toEqual(['2026-W47', '2026-W53', '2026-W53', '2026-W01']);
  });

  it('gives Monday to Sunday of a week, by a date in it or by its label', () => {
    expect(weekBounds('2026-11-18')).toEqual({ from: '2026-11-16', to: '2026-11-22' });
    expect(isoWeekRange('2026-W45')).toEqual({ from: '2026-11-02', to: '2026-11-08' });
    expect(isoWeekRange('2026-W01')).toEqual({ from: '2025-12-29', to: '2026-01-04' });
    expect(isoWeekRange('2026-W53')).toEqual({ from: '2026-12-28', to: '2027-01-03' });
  });

  it('refuses weeks that do not exist', () => {
    expect([isoWeeksInYear(2025), isoWeeksInYear(2026)]).toEqual([52, 53]);
    expect(isoWeekRange('2025-W53')).toBeNull();
    expect(isoWeekRange('2026-W00')).toBeNull();
    expect(isoWeekRange('2026-45')).toBeNull();
  });

  it('property: a date lies in the week of its label, and the label and the date agree on its bounds', () => {
    fc.assert(
      fc.property(fc.integer({ min: dayIndex('2020-01-01'), max: dayIndex('2035-12-31') }), (day) => {
        const date = new Date(day * 86_400_000).toISOString().slice(0, 10);
        const range = isoWeekRange(isoWeekOf(date));
        return (
          range !== null &&
          range.from <= date &&
          date <= range.to &&
          JSON.stringify(range) === JSON.stringify(weekBounds(date))
        );
      }),
      { numRuns: 500 },
    );
  });

  it('adds days as calendar days, across month, year and DST changes', () => {
    expect([
      addDays('2026-10-31', 1),
      addDays('2026-12-31', 1),
      addDays('2026-03-01', -1),
      addDays('2026-11-01', 7),
    ]).toEqual(['2026-11-01', '2027-01-01', '2026-02-28', '2026-11-08']);
  });
});
