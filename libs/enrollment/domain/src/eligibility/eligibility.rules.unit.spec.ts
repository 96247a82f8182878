import fc from 'fast-check';
import type { TutorSnapshot } from '../tutors/tutor.rules';
import { programCapacity, rankEligible, type CandidateStudent, type EligibilityProgram } from './eligibility.rules';

const program: EligibilityProgram = {
  subject: 'math',
  gradeBand: { from: '6', to: '8' },
  target: { sessionsPerWeek: 3, minutesPerSession: 30 },
  maxGroupSize: 4,
  startDate: '2026-09-08',
  vendorIds: ['v-1'],
};
const tutor = (over: Partial<TutorSnapshot> = {}): TutorSnapshot => ({
  tutorId: 't',
  districtId: 'd',
  vendorId: 'v-1',
  clearedUntil: '2027-06-30',
  subjects: ['math'],
  gradeBands: [{ from: '6', to: '8' }],
  credentials: [],
  availability: [{ weekday: 1, from: '08:00', to: '11:00' }], // 180 min = 2 groups of 90 min/week
  maxGroups: 5,
  active: true,
  ...over,
});
const none = { economicallyDisadvantaged: false, multilingualLearner: false, iep: false };
const student = (id: string, grade: string, flags = none): CandidateStudent => ({
  studentId: id,
  schoolId: 'sc',
  grade,
  flags,
  active: true,
});

describe('eligibility and capacity', () => {
  it('keeps grades 6–8 below the BOY math threshold, ranks by need then lowest score, with reasons', () => {
    const students = [
      student('a', '7'),
      student('b', '7', { ...none, iep: true }),
      student('c', '6', { ...none, economicallyDisadvantaged: true }),
      student('d', '8', { ...none, multilingualLearner: true }),
      student('e', '5', { ...none, economicallyDisadvantaged: true }),
      student('f', '7'),
      student('g', '7'),
    ];
    const scores = new Map([
      ['a', { percentile: 10, scaleScore: 180 }],
      ['b', { percentile: 35, scaleScore: 200 }],
      ['c', { percentile: 39, scaleScore: 205 }],
      ['d', { percentile: 20, scaleScore: 190 }],
      ['e', { percentile: 5, scaleScore: 170 }],
      ['f', { percentile: 40, scaleScore: 210 }],
    ]);
    const result = rankEligible(
      program,
      { maxPercentile: 40 },
      students,
      scores,
      [tutor({ maxGroups: 1 })],
      'BOY math',
    );
    expect(result.ranked.map((r) => r.studentId)).toEqual(['c', 'd', 'b', 'a']);
    expect(result.excluded).toEqual({ notInGradeBand: 1, noScore: 1, aboveThreshold: 1, inactive: 0 });
    expect(result.capacity).toEqual({ tutors: 1, groups: 1, seats: 4, groupMinutesPerWeek: 90 });
    expect(result.ranked[0]?.reasons).toEqual([
      'grade 6 within 6–8',
      'BOY math percentile 39 < 40',
      'need: economically disadvantaged',
      'within capacity (4 seats)',
    ]);
  });

  it('counts only cleared tutors of the program vendors who teach the subject and grades', () => {
    const tutors = [
      tutor(),
      tutor({ clearedUntil: '2026-09-01' }),
      tutor({ vendorId: 'v-2' }),
      tutor({ subjects: ['ela'] }),
      tutor({ gradeBands: [{ from: 'K', to: '3' }] }),
      tutor({ availability: [{ weekday: 1, from: '08:00', to: '09:00' }] }),
    ];
    expect(programCapacity(program, tutors)).toEqual({ tutors: 1, groups: 2, seats: 8, groupMinutesPerWeek: 90 });
  });

  it('serves exactly min(seats, eligible) students, the highest ranked (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 6 }), (n, tutorCount) => {
        const students = Array.from({ length: n }, (_, i) => student(`s${String(i).padStart(2, '0')}`, '7'));
        const scores = new Map(students.map((s, i) => [s.studentId, { percentile: i % 39, scaleScore: 100 + i }]));
        const tutors = Array.from({ length: tutorCount }, () => tutor());
        const { ranked, capacity } = rankEligible(program, { maxPercentile: 40 }, students, scores, tutors, 'BOY math');
        const served = ranked.filter((r) => r.served);
        expect(served).toHaveLength(Math.min(capacity.seats, n));
        expect(served.every((r, i) => r.rank === i + 1)).toBe(true);
        for (let i = 1; i < ranked.length; i++)
          expect((ranked[i]?.percentile ?? 0) >= (ranked[i - 1]?.percentile ?? 0)).toBe(true);
      }),
    );
  });
});
