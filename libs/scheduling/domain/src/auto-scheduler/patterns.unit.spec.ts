import { dayTypesByWeekday, type BellSchedule } from '../calendar/bell-schedule';
import { calendar, SCHOOL, weeklyBell } from '../testing.builders';
import type { AutoScheduleInput } from './auto-schedule.types';
import { fits, patternKey, rotatingPatterns, schoolPatterns, weeklyPatterns } from './patterns';

const abBell: BellSchedule = {
  schoolId: SCHOOL,
  rotation: { kind: 'rotating', dayTypes: ['A', 'B'], anchorDate: '2027-01-04' },
  periods: {
    A: [
      { code: 'P1', start: '08:00', end: '09:20' },
      { code: 'P2', start: '09:30', end: '10:50' },
    ],
    B: [{ code: 'P1', start: '08:00', end: '09:20' }],
  },
};

describe('resolving a rotation over a horizon (day types per weekday)', () => {
  it('on a weekly schedule every weekday with a school day is "*"', () => {
    const types = dayTypesByWeekday(weeklyBell(), calendar('2027-01-04', '2027-01-15'), '2027-01-04', '2027-01-15');
    expect(types).toEqual({ '1': ['*'], '2': ['*'], '3': ['*'], '4': ['*'], '5': ['*'] });
  });

  it('A/B over five-day weeks: in one week Monday is only A; over two weeks every weekday is both A and B', () => {
    const cal = calendar('2027-01-04', '2027-01-15');
    expect(dayTypesByWeekday(abBell, cal, '2027-01-04', '2027-01-08')).toEqual({
      '1': ['A'],
      '2': ['B'],
      '3': ['A'],
      '4': ['B'],
      '5': ['A'],
    });
    expect(dayTypesByWeekday(abBell, cal, '2027-01-04', '2027-01-15')).toEqual({
      '1': ['A', 'B'],
      '2': ['A', 'B'],
      '3': ['A', 'B'],
      '4': ['A', 'B'],
      '5': ['A', 'B'],
    });
  });

  it('follows the calendar: a holiday is no day type, and a weekday with no school day in the horizon is absent', () => {
    // Four-day weeks (every Friday off): Mon A, Tue B, Wed A, Thu B every week — the rotation stays in step.
    const fridays = ['2027-01-08', '2027-01-15', '2027-01-22'];
    const cal = calendar('2027-01-04', '2027-01-22', fridays);
    expect(dayTypesByWeekday(abBell, cal, '2027-01-04', '2027-01-22')).toEqual({
      '1': ['A'],
      '2': ['B'],
      '3': ['A'],
      '4': ['B'],
    });
  });
});

describe('meeting patterns', () => {
  it('weekly: the same period on sessionsPerWeek weekdays, one cell per day', () => {
    const ps = weeklyPatterns([1, 2, 3, 4, 5], ['P1', 'P2'], 3);
    expect(ps).toHaveLength(20);
    expect(ps[0]).toEqual({
      id: 0,
      weekdays: [1, 2, 3],
      period: 'P1',
      periodsByDayType: null,
      cells: ['1:P1', '2:P1', '3:P1'],
    });
  });

  it('rotating: a period per day type falling on the weekdays; every (day type, weekday) that occurs is a cell', () => {
    const ps = rotatingPatterns(
      [1, 2, 3, 4, 5],
      { periods: { A: ['P1', 'P2'], B: ['P1'] }, dayTypesOn: { '1': ['A', 'B'], '3': ['A', 'B'], '5': ['A', 'B'] } },
      3,
    );
    // Only Mon/Wed/Fri ever meet (no day type on Tue/Thu); A has 2 periods, B has 1 (no P2 on B days).
    expect(ps.map((p) => patternKey(p))).toEqual(['1,3,5/A=P1,B=P1', '1,3,5/A=P2,B=P1']);
    expect(ps[1]!.cells).toEqual(['A/1:P2', 'B/1:P1', 'A/3:P2', 'B/3:P1', 'A/5:P2', 'B/5:P1']);
    // A student free in P2 on A days only (B days: class) does not fit: on the Mondays that are B days they are busy.
    expect(fits(ps[1]!, new Set(['A/1:P2', 'A/3:P2', 'A/5:P2']))).toBe(false);
    expect(fits(ps[1]!, new Set(ps[1]!.cells))).toBe(true);
  });

  it('rotating: only the day types that really fall on the chosen weekdays need a period', () => {
    const ps = rotatingPatterns(
      [1, 2, 3, 4],
      { periods: { A: ['P1', 'P2'], B: ['P1'] }, dayTypesOn: { '1': ['A'], '2': ['B'], '3': ['A'], '4': ['B'] } },
      2,
    );
    const monWed = ps.filter((p) => p.weekdays.join() === '1,3');
    expect(monWed.map((p) => p.periodsByDayType)).toEqual([{ A: 'P1' }, { A: 'P2' }]);
    expect(monWed[1]!.cells).toEqual(['A/1:P2', 'A/3:P2']);
  });

  it('a school uses rotating patterns when it is on a rotating schedule, weekly ones otherwise', () => {
    const input = {
      program: { sessionsPerWeek: 3 },
      weekdays: [1, 2, 3, 4, 5],
      periodsBySchool: { w: ['P1'], r: ['P1', 'P2'] },
      rotatingSchools: {
        r: { periods: { A: ['P1'], B: ['P2'] }, dayTypesOn: { '1': ['A', 'B'], '2': ['A', 'B'], '3': ['A', 'B'] } },
      },
    } as unknown as AutoScheduleInput;
    expect(schoolPatterns(input, 'w').every((p) => p.periodsByDayType === null)).toBe(true);
    expect(schoolPatterns(input, 'r').map((p) => patternKey(p))).toEqual(['1,2,3/A=P1,B=P2']);
  });
});
