import { reviewSession } from './billable-line.rules';
import { isKnownTimeZone, isoWeekRange, localToInstant, toLocal } from './local-time';

describe('local date and time in the district zone', () => {
  it('gives the local date, not the UTC one, late in the evening', () => {
    // 2026-11-04T02:30Z is still Nov 3rd, 20:30 in Chicago (CST).
    expect(toLocal('2026-11-04T02:30:00Z', 'America/Chicago')).toEqual({
      date: '2026-11-03',
      minuteOfDay: 20 * 60 + 30,
    });
  });

  it('crosses the end of daylight saving time (Sunday 2026-11-01, 02:00 CDT → 01:00 CST)', () => {
    // 06:30Z = 01:30 CDT (first pass), 07:30Z = 01:30 CST (second pass): both on Nov 1st, same local clock.
    expect(toLocal('2026-11-01T06:30:00Z', 'America/Chicago')).toEqual({ date: '2026-11-01', minuteOfDay: 90 });
    expect(toLocal('2026-11-01T07:30:00Z', 'America/Chicago')).toEqual({ date: '2026-11-01', minuteOfDay: 90 });
    // 05:30Z on Nov 1st = 00:30 CDT; 05:30Z on Nov 2nd = 23:30 CST on Nov 1st.
    expect(toLocal('2026-11-01T05:30:00Z', 'America/Chicago').date).toBe('2026-11-01');
    expect(toLocal('2026-11-02T05:30:00Z', 'America/Chicago')).toEqual({
      date: '2026-11-01',
      minuteOfDay: 23 * 60 + 30,
    });
  });

  it('crosses the start of daylight saving time (Sunday 2026-03-08, 02:00 CST → 03:00 CDT)', () => {
    expect(toLocal('2026-03-08T07:59:00Z', 'America/Chicago')).toEqual({ date: '2026-03-08', minuteOfDay: 60 + 59 });
    expect(toLocal('2026-03-08T08:00:00Z', 'America/Chicago')).toEqual({ date: '2026-03-08', minuteOfDay: 3 * 60 });
  });

  it('judges plausible hours by the local clock on both sides of the DST change', () => {
    const facts = {
      timeZone: 'America/New_York',
      tutor: { vendorId: 'v', clearedUntil: '2027-01-01' },
      enrolments: [],
      programs: [],
      students: [],
      schoolDays: [],
      otherSessions: [],
    };
    const at = (startedAt: string, endedAt: string) =>
      reviewSession(
        {
          vendorId: 'v',
          sessionId: 's',
          tutorId: 't',
          subject: 'math',
          startedAt,
          endedAt,
          attendance: [{ studentId: 'a', status: 'present', minutes: 30 }],
        },
        facts,
      ).verdicts[0]?.exceptionCodes.includes('outside_plausible_hours');
    // 11:30Z: Friday Oct 30 = 07:30 EDT (plausible); Monday Nov 2 = 06:30 EST (plausible); 10:30Z Nov 2 = 05:30 EST (not).
    expect(at('2026-10-30T11:30:00Z', '2026-10-30T12:00:00Z')).toBe(false);
    expect(at('2026-11-02T11:30:00Z', '2026-11-02T12:00:00Z')).toBe(false);
    expect(at('2026-11-02T10:30:00Z', '2026-11-02T11:00:00Z')).toBe(true);
    // 00:30Z Nov 3 = 19:30 EST Nov 2 → ends 20:00: plausible; 00:30Z Oct 31 = 20:30 EDT Oct 30: not.
    expect(at('2026-11-03T00:30:00Z', '2026-11-03T01:00:00Z')).toBe(false);
    expect(at('2026-10-31T00:30:00Z', '2026-10-31T01:00:00Z')).toBe(true);
  });

  it('knows real zones and refuses invented ones', () => {
    expect(isKnownTimeZone('Europe/Paris')).toBe(true);
    expect(isKnownTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});

describe('localToInstant (local wall clock → instant with offset)', () => {
  it('gives the offset of the day in the zone', () => {
    expect(localToInstant('2026-11-03', 10 * 60, 'America/Chicago')).toBe('2026-11-03T10:00:00-06:00');
    expect(localToInstant('2026-10-30', 10 * 60, 'America/Chicago')).toBe('2026-10-30T10:00:00-05:00');
    expect(localToInstant('2026-11-03', 0, 'UTC')).toBe('2026-11-03T00:00:00+00:00');
  });

  it('takes the daylight instant in the repeated hour, and reads the skipped hour forward', () => {
    expect(localToInstant('2026-11-01', 90, 'America/Chicago')).toBe('2026-11-01T01:30:00-05:00');
    expect(localToInstant('2026-03-08', 150, 'America/Chicago')).toBe('2026-03-08T03:30:00-05:00');
  });

  it('round-trips with toLocal', () => {
    for (const [date, minute] of [
      ['2026-11-01', 0],
      ['2026-11-01', 23 * 60 + 59],
      ['2026-03-08', 12 * 60],
    ] as const) {
      expect(toLocal(localToInstant(date, minute, 'America/New_York'), 'America/New_York')).toEqual({
        date,
        minuteOfDay: minute,
      });
    }
  });
});

describe('isoWeekRange', () => {
  it('gives Monday to Sunday of an ISO week, across year ends', () => {
    expect(isoWeekRange('2026-W45')).toEqual({ from: '2026-11-02', to: '2026-11-08' });
    expect(isoWeekRange('2026-W01')).toEqual({ from: '2025-12-29', to: '2026-01-04' });
    expect(isoWeekRange('2026-W53')).toEqual({ from: '2026-12-28', to: '2027-01-03' });
  });
  it('refuses weeks that do not exist', () => {
    expect(isoWeekRange('2025-W53')).toBeNull();
    expect(isoWeekRange('2026-W00')).toBeNull();
    expect(isoWeekRange('2026-45')).toBeNull();
  });
});
