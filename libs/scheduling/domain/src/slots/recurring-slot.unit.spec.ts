import { calendar, slot, weeklyBell, SCHOOL } from '../testing.builders';
import { materialiseOccurrences } from './recurring-slot';
import { zonedTimestamp } from '../time/local-time';
import { bellScheduleProblems, dayTypesByWeekday } from '../calendar/bell-schedule';

const CHICAGO = 'America/Chicago';

describe('materialising recurring slots', () => {
  it('follows the school calendar: no occurrence on a holiday', () => {
    // Thanksgiving week 2026: Wed 25 is a school day, Thu 26 and Fri 27 are holidays.
    const occurrences = materialiseOccurrences({
      slots: [slot({ weekdays: [1, 3, 4, 5] })],
      schedule: weeklyBell(),
      calendar: calendar('2026-11-23', '2026-11-27', ['2026-11-26', '2026-11-27']),
      timeZone: CHICAGO,
      from: '2026-11-23',
      to: '2026-11-27',
    });
    expect(occurrences.map((o) => o.date)).toEqual(['2026-11-23', '2026-11-25']);
  });

  it('converts local period times with the district zone across the end of daylight saving time', () => {
    // DST ends in the US on Sunday 2026-11-01: 09:00 local is 14:00Z before, 15:00Z after.
    const occurrences = materialiseOccurrences({
      slots: [slot()],
      schedule: weeklyBell(),
      calendar: calendar('2026-10-26', '2026-11-06'),
      timeZone: CHICAGO,
      from: '2026-10-26',
      to: '2026-11-06',
    });
    expect(occurrences.map((o) => o.startsAt)).toEqual([
      '2026-10-26T09:00:00-05:00',
      '2026-10-28T09:00:00-05:00',
      '2026-10-30T09:00:00-05:00',
      '2026-11-02T09:00:00-06:00',
      '2026-11-04T09:00:00-06:00',
      '2026-11-06T09:00:00-06:00',
    ]);
    expect(new Date(occurrences[2]!.startsAt).toISOString()).toBe('2026-10-30T14:00:00.000Z');
    expect(new Date(occurrences[3]!.startsAt).toISOString()).toBe('2026-11-02T15:00:00.000Z');
    expect(occurrences[3]!.endsAt).toBe('2026-11-02T09:30:00-06:00');
  });

  it('runs a rotating A/B schedule on instructional days only, so a holiday does not break the rotation', () => {
    const schedule = weeklyBell({
      rotation: { kind: 'rotating', dayTypes: ['A', 'B'], anchorDate: '2026-11-09' },
      periods: {
        A: [{ code: 'P2', start: '09:00', end: '09:50' }],
        B: [{ code: 'P2', start: '10:30', end: '11:20' }],
      },
    });
    // Wed 2026-11-11 is a holiday: Mon A, Tue B, Thu A, Fri B.
    const occurrences = materialiseOccurrences({
      slots: [slot({ weekdays: [1, 2, 3, 4, 5], dayTypes: ['A'] })],
      schedule,
      calendar: calendar('2026-11-09', '2026-11-13', ['2026-11-11']),
      timeZone: CHICAGO,
      from: '2026-11-09',
      to: '2026-11-13',
    });
    expect(occurrences.map((o) => [o.date, o.startsAt.slice(11, 16)])).toEqual([
      ['2026-11-09', '09:00'],
      ['2026-11-12', '09:00'],
    ]);
    const both = materialiseOccurrences({
      slots: [slot({ weekdays: [2, 5], dayTypes: null })],
      schedule,
      calendar: calendar('2026-11-09', '2026-11-13', ['2026-11-11']),
      timeZone: CHICAGO,
      from: '2026-11-09',
      to: '2026-11-13',
    });
    expect(both.map((o) => o.startsAt.slice(11, 16))).toEqual(['10:30', '10:30']);
  });

  it('gives each occurrence a stable key, so re-materialising an overlapping horizon never duplicates', () => {
    const base = {
      slots: [slot()],
      schedule: weeklyBell(),
      calendar: calendar('2026-11-02', '2026-11-20'),
      timeZone: CHICAGO,
    };
    const first = materialiseOccurrences({ ...base, from: '2026-11-02', to: '2026-11-13' });
    const rolled = materialiseOccurrences({ ...base, from: '2026-11-09', to: '2026-11-20' });
    const keys = new Set([...first, ...rolled].map((o) => o.key));
    expect(keys.size).toBe(9);
    expect(SCHOOL).toBeDefined();
  });

  it('handles southern-hemisphere and positive offsets', () => {
    expect(zonedTimestamp('2026-04-06', '10:00', 'Australia/Sydney')).toBe('2026-04-06T10:00:00+10:00');
    expect(zonedTimestamp('2026-03-30', '10:00', 'Australia/Sydney')).toBe('2026-03-30T10:00:00+11:00');
  });

  it('runs the shortened periods on early-release days, and skips a period that does not meet then', () => {
    const cal = { ...calendar('2026-11-23', '2026-11-25'), earlyReleaseDays: new Set(['2026-11-25']) };
    const schedule = weeklyBell({ earlyRelease: [{ code: 'P2', start: '08:40', end: '09:10' }] });
    const occurrences = materialiseOccurrences({
      slots: [slot({ weekdays: [1, 2, 3] }), slot({ slotId: 'p3', weekdays: [3], period: 'P3' })],
      schedule,
      calendar: cal,
      timeZone: CHICAGO,
      from: '2026-11-23',
      to: '2026-11-25',
    });
    expect(occurrences.map((o) => [o.slotId, o.date, o.startsAt.slice(11, 16)])).toEqual([
      ['mwf-p2', '2026-11-23', '09:00'],
      ['mwf-p2', '2026-11-24', '09:00'],
      ['mwf-p2', '2026-11-25', '08:40'],
    ]);
    // without early-release periods the normal schedule runs
    expect(
      materialiseOccurrences({
        slots: [slot({ weekdays: [3] })],
        schedule: weeklyBell(),
        calendar: cal,
        timeZone: CHICAGO,
        from: '2026-11-25',
        to: '2026-11-25',
      })[0]?.startsAt,
    ).toBe('2026-11-25T09:00:00-06:00');
  });

  it('runs a weekday’s own periods when a weekly schedule has them (late-start Wednesday), the rest of the week as usual', () => {
    const lateWednesday = weeklyBell({
      periods: {
        ...weeklyBell().periods,
        '3': [
          { code: 'P1', start: '09:00', end: '09:40' },
          { code: 'P2', start: '10:00', end: '10:40' },
        ],
      },
    });
    expect(bellScheduleProblems(lateWednesday)).toEqual([]);
    const occurrences = materialiseOccurrences({
      slots: [slot()],
      schedule: lateWednesday,
      calendar: calendar('2026-11-16', '2026-11-20'),
      timeZone: CHICAGO,
      from: '2026-11-16',
      to: '2026-11-20',
    });
    expect(occurrences.map((o) => o.startsAt)).toEqual([
      zonedTimestamp('2026-11-16', '09:00', CHICAGO),
      zonedTimestamp('2026-11-18', '10:00', CHICAGO),
      zonedTimestamp('2026-11-20', '09:00', CHICAGO),
    ]);
    expect(dayTypesByWeekday(lateWednesday, calendar('2026-11-16', '2026-11-20'), '2026-11-16', '2026-11-20')).toEqual({
      '1': ['*'],
      '2': ['*'],
      '3': ['3'],
      '4': ['*'],
      '5': ['*'],
    });
    // A slot only for the usual days skips Wednesday; a weekly schedule knows no A/B day types.
    expect(
      materialiseOccurrences({
        slots: [slot({ dayTypes: ['*'] })],
        schedule: lateWednesday,
        calendar: calendar('2026-11-16', '2026-11-20'),
        timeZone: CHICAGO,
        from: '2026-11-16',
        to: '2026-11-20',
      }).map((o) => o.date),
    ).toEqual(['2026-11-16', '2026-11-20']);
    expect(bellScheduleProblems(weeklyBell({ periods: { ...weeklyBell().periods, A: [] } }))).toContain(
      "a weekly schedule has '*' and weekday (1–7) periods only, not day type A",
    );
  });
});
