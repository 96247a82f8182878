import fc from 'fast-check';
import { registerTutor, tutorClearanceOn, TutorSnapshot, weeklyAvailableMinutes } from './tutor.rules';

const tutor = (over: Partial<TutorSnapshot> = {}): TutorSnapshot => ({
  tutorId: 't-1',
  districtId: 'd-1',
  vendorId: 'v-1',
  clearedUntil: '2027-06-30',
  subjects: ['math', 'ela', 'math'],
  gradeBands: [{ from: '6', to: '8' }],
  credentials: ['hit-microcredential'],
  availability: [
    { weekday: 3, from: '13:00', to: '15:00' },
    { weekday: 1, from: '08:00', to: '12:00' },
  ],
  maxGroups: 4,
  active: true,
  ...over,
});

describe('tutor rules', () => {
  it('registers a tutor of a known vendor, normalising subjects and sorting availability', () => {
    const t = registerTutor(tutor(), new Set(['v-1']));
    expect(t.subjects).toEqual(['ela', 'math']);
    expect(t.availability.map((w) => w.weekday)).toEqual([1, 3]);
    expect(weeklyAvailableMinutes(t)).toBe(360);
  });

  it.each([
    ['unknown_vendor', tutor({ vendorId: 'v-x' })],
    ['invalid_grade_band', tutor({ gradeBands: [{ from: '8', to: '6' }] })],
    ['invalid_weekday', tutor({ availability: [{ weekday: 0, from: '08:00', to: '09:00' }] })],
    ['invalid_window', tutor({ availability: [{ weekday: 1, from: '10:00', to: '09:00' }] })],
    [
      'overlapping_windows',
      tutor({
        availability: [
          { weekday: 1, from: '08:00', to: '10:00' },
          { weekday: 1, from: '09:30', to: '11:00' },
        ],
      }),
    ],
    ['invalid_date', tutor({ clearedUntil: '2027-02-30' })],
  ])('refuses %s', (code, input) => {
    expect(() => registerTutor(input, new Set(['v-1']))).toThrow(expect.objectContaining({ code }));
  });

  it('reports a tutor as not cleared, expired or inactive on a date', () => {
    expect(tutorClearanceOn(tutor(), '2027-06-30')).toEqual({ cleared: true });
    expect(tutorClearanceOn(tutor(), '2027-07-01')).toEqual({
      cleared: false,
      reason: 'clearance_expired',
      clearedUntil: '2027-06-30',
    });
    expect(tutorClearanceOn(tutor({ clearedUntil: null }), '2026-09-01')).toEqual({
      cleared: false,
      reason: 'not_cleared',
      clearedUntil: null,
    });
    expect(tutorClearanceOn(tutor({ active: false }), '2026-09-01')).toMatchObject({
      cleared: false,
      reason: 'tutor_inactive',
    });
  });

  it('is cleared exactly on the dates up to clearedUntil (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 3000 }), (a, b) => {
        const day = (n: number) => new Date(Date.UTC(2025, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
        expect(tutorClearanceOn(tutor({ clearedUntil: day(a) }), day(b)).cleared).toBe(b <= a);
      }),
    );
  });
});
