// The auto-scheduler on small hand-built cases, solved by the real HiGHS (WASM, no I/O): every hard rule kept,
// every student it cannot place explained with the right reason.
import type { AutoScheduleInput, AutoScheduleStudent, AutoScheduleTutor } from '@tutoring/scheduling/domain';
import { autoScheduleWithHighs, greedyBaselineSchedule } from './highs-auto-scheduler';

const SCHOOL = 'school-a';
const V1 = 'vendor-1';
const MWF_P1 = ['1:P1', '3:P1', '5:P1'];
const TTH_P2 = ['2:P2', '4:P2', '5:P2'];

const student = (id: string, free: string[], overrides: Partial<AutoScheduleStudent> = {}): AutoScheduleStudent => ({
  studentId: id,
  schoolId: SCHOOL,
  grade: '4',
  vendorId: V1,
  free,
  ...overrides,
});
const tutor = (id: string, cells: string[], overrides: Partial<AutoScheduleTutor> = {}): AutoScheduleTutor => ({
  tutorId: id,
  vendorId: V1,
  schoolIds: [SCHOOL],
  subjects: ['math'],
  gradeBands: [{ from: '3', to: '5' }],
  clearedUntil: '2027-12-31',
  active: true,
  maxGroups: 1,
  available: { [SCHOOL]: cells },
  ...overrides,
});
const input = (students: AutoScheduleStudent[], tutors: AutoScheduleTutor[], maxGroupSize = 2): AutoScheduleInput => ({
  program: {
    programId: 'p',
    subject: 'math',
    maxGroupSize,
    sessionsPerWeek: 3,
    minutesPerSession: 30,
    endDate: '2027-06-11',
  },
  weekdays: [1, 2, 3, 4, 5],
  periodsBySchool: { [SCHOOL]: ['P1', 'P2'] },
  students,
  tutors,
});

describe('auto-scheduler (HiGHS)', () => {
  it('groups students by vendor and grade band with one tutor per group, within size', async () => {
    const result = await autoScheduleWithHighs(
      input(
        [student('s1', MWF_P1), student('s2', MWF_P1), student('s3', MWF_P1), student('k1', MWF_P1, { grade: '1' })],
        [tutor('t1', MWF_P1), tutor('t2', MWF_P1, { gradeBands: [{ from: 'K', to: '5' }] })],
      ),
    );
    expect(result.groups.every((g) => g.studentIds.length <= 2)).toBe(true);
    expect(result.placed).toBe(3);
    // a 1st grader is never grouped with 4th graders
    for (const g of result.groups) expect(g.studentIds.includes('k1') ? g.studentIds : ['k1']).toEqual(['k1']);
    expect(result.unplaced).toHaveLength(1);
    expect(result.unplaced[0]?.reason).toBe('capacity_exhausted');
  });

  it('beats first-fit where first-fit takes the wrong tutor', async () => {
    // t1 can teach at both times, t2 only at P1: first-fit gives s-early's P1 group to t1, leaving P2 without a tutor.
    const data = input(
      [student('a', [...MWF_P1]), student('b', [...TTH_P2])],
      [tutor('t1', [...MWF_P1, ...TTH_P2]), tutor('t2', MWF_P1)],
    );
    const greedy = greedyBaselineSchedule(data);
    const milp = await autoScheduleWithHighs(data);
    expect(greedy.placed).toBe(1);
    expect(milp.placed).toBe(2);
    expect(milp.gap).toBeLessThan(0.01);
    expect(new Set(milp.groups.map((g) => g.tutorId)).size).toBe(2);
  });

  it('uses tutors who teach only some grades of the band, for those grades', async () => {
    const data = input(
      [student('g3', MWF_P1, { grade: '3' }), student('g5', MWF_P1, { grade: '5' })],
      [
        tutor('t34', MWF_P1, { gradeBands: [{ from: '3', to: '4' }] }),
        tutor('t5', MWF_P1, { gradeBands: [{ from: '5', to: '5' }] }),
      ],
    );
    const result = await autoScheduleWithHighs(data);
    expect(result.placed).toBe(2);
    expect(result.groups.map((g) => [g.tutorId, g.studentIds]).sort()).toEqual([
      ['t34', ['g3']],
      ['t5', ['g5']],
    ]);
  });

  it('explains each student it cannot place', async () => {
    const result = await autoScheduleWithHighs(
      input(
        [
          student('no-vendor', MWF_P1, { vendorId: null }),
          student('no-free', ['1:P1', '2:P2']),
          student('no-tutor', MWF_P1, { grade: '8' }),
          student('no-overlap', TTH_P2),
        ],
        [
          tutor('t1', MWF_P1),
          tutor('uncleared', TTH_P2, { clearedUntil: '2026-12-31' }),
          tutor('ela', TTH_P2, { subjects: ['ela'] }),
        ],
      ),
    );
    const reasons = Object.fromEntries(result.unplaced.map((u) => [u.studentId, u.reason]));
    expect(reasons).toEqual({
      'no-vendor': 'not_enrolled_with_vendor',
      'no-free': 'no_free_pattern',
      'no-tutor': 'no_qualified_tutor',
      'no-overlap': 'no_tutor_in_free_periods',
    });
    expect(result.unplaced.find((u) => u.studentId === 'no-tutor')?.explanation).toBe(
      'no active tutor of vendor vendor-1 serving this school is cleared through 2027-06-11 and qualified for math grade 8',
    );
    expect(result.groups).toEqual([]);
  });

  it('never double-books a tutor serving two schools (solved one after the other)', async () => {
    const shared = tutor('t1', MWF_P1, {
      schoolIds: [SCHOOL, 'school-b'],
      available: { [SCHOOL]: MWF_P1, 'school-b': MWF_P1 },
      maxGroups: 2,
    });
    const data = input([student('a', MWF_P1), student('b', MWF_P1, { schoolId: 'school-b' })], [shared]);
    data.periodsBySchool['school-b'] = ['P1', 'P2'];
    const result = await autoScheduleWithHighs(data);
    expect(result.placed).toBe(1);
    expect(result.unplaced[0]?.reason).toBe('capacity_exhausted');
  });

  it('on an A/B school, meets only where the period exists and everyone is free on every day type of its weekdays', async () => {
    // A/B alternating over five-day weeks: every weekday is sometimes A, sometimes B. B days have no P2.
    const cellsOf = (days: number[], a: string, b: string) => days.flatMap((d) => [`A/${d}:${a}`, `B/${d}:${b}`]);
    const both = cellsOf([1, 3, 5], 'P2', 'P1'); // A days P2, B days P1, Mon/Wed/Fri
    const aOnly = [1, 3, 5].map((d) => `A/${d}:P2`); // free in P2 on A days, in class on B days
    const data = input(
      [student('ab1', both), student('ab2', both), student('a-only', aOnly)],
      [tutor('t1', [...both, ...[1, 3, 5].map((d) => `B/${d}:P2`)])],
      4,
    );
    data.rotatingSchools = {
      [SCHOOL]: {
        periods: { A: ['P1', 'P2'], B: ['P1'] },
        dayTypesOn: { '1': ['A', 'B'], '2': ['A', 'B'], '3': ['A', 'B'], '4': ['A', 'B'], '5': ['A', 'B'] },
      },
    };
    const result = await autoScheduleWithHighs(data);
    expect(result.groups).toEqual([
      {
        schoolId: SCHOOL,
        vendorId: V1,
        tutorId: 't1',
        gradeBand: '3-5',
        studentIds: ['ab1', 'ab2'],
        weekdays: [1, 3, 5],
        period: 'P2',
        periodsByDayType: { A: 'P2', B: 'P1' },
        cells: both,
      },
    ]);
    expect(result.unplaced).toEqual([expect.objectContaining({ studentId: 'a-only', reason: 'no_free_pattern' })]);
    expect(result.unplaced[0]?.explanation).toContain('on every day type (A/B)');
    // The first-fit baseline keeps the same rule.
    expect(greedyBaselineSchedule(data).groups.map((g) => g.periodsByDayType)).toEqual([{ A: 'P2', B: 'P1' }]);
  });
});
