import fc from 'fast-check';
import {
  byPrecedence,
  CancellationFact,
  cancellationFor,
  isWholeOccurrence,
  mergeCancellations,
  scheduledStudents,
} from './occurrence-cancellations';

const [ANA, BEN, CARA] = ['s-ana', 's-ben', 's-cara'];
const fact = (
  eventId: string,
  reason: string,
  accountable: 'district' | 'vendor',
  studentIds: string[],
  cancelledAt: string | null,
): CancellationFact => ({ eventId, reason, accountable, studentIds, cancelledAt });

const aheadAna = fact('e1', 'student_absence', 'district', [ANA], '2026-10-20T12:00:00Z');
const tutorOut = fact('e2', 'tutor_absence', 'vendor', [BEN, CARA], '2026-10-26T07:00:00Z');

describe('the cancellations of one occurrence', () => {
  it('tells whole-occurrence cancellations (no student listed, or a reason that stops the session) from others', () => {
    expect(isWholeOccurrence(tutorOut)).toBe(true);
    expect(isWholeOccurrence(fact('e', 'closure', 'district', [ANA], null))).toBe(true);
    expect(isWholeOccurrence(fact('e', 'testing_day', 'district', [ANA], null))).toBe(true);
    expect(isWholeOccurrence(fact('e', 'other', 'district', [], null))).toBe(true);
    expect(isWholeOccurrence(aheadAna)).toBe(false);
    expect(isWholeOccurrence(fact('e', 'other', 'district', [ANA], null))).toBe(false);
  });

  it("answers each student's miss by their own cancellation", () => {
    expect(cancellationFor(ANA, [aheadAna, tutorOut])).toBe(aheadAna);
    expect(cancellationFor(BEN, [aheadAna, tutorOut])).toBe(tutorOut);
    expect(cancellationFor('s-dan', [aheadAna, tutorOut])).toBeNull();
    // One listing nobody covers every scheduled student.
    const all = fact('e3', 'other', 'vendor', [], '2026-10-01T00:00:00Z');
    expect(cancellationFor('s-dan', [aheadAna, all])).toBe(all);
  });

  it('a whole-occurrence cancellation wins over an earlier or later cancellation of the student alone', () => {
    const closure = fact('e3', 'closure', 'district', [ANA, BEN], '2026-10-19T00:00:00Z');
    const lateAhead = fact('e4', 'student_absence', 'district', [BEN], '2026-10-25T00:00:00Z');
    const tutorAna = fact('e5', 'tutor_absence', 'vendor', [ANA], '2026-10-26T00:00:00Z');
    expect(cancellationFor(BEN, [lateAhead, closure])).toBe(closure);
    expect(cancellationFor(ANA, [aheadAna, tutorAna])).toBe(tutorAna);
    // Same scope: the latest, then the greatest event id; a cancellation without a time counts as the earliest.
    expect(cancellationFor(ANA, [closure, tutorAna])).toBe(tutorAna);
    const again = fact('e9', 'student_absence', 'vendor', [ANA], '2026-10-20T12:00:00Z');
    expect(cancellationFor(ANA, [again, aheadAna])).toBe(again);
    const untimed = fact('e0', 'student_absence', 'vendor', [ANA], null);
    expect(cancellationFor(ANA, [untimed, aheadAna])).toBe(aheadAna);
    expect(byPrecedence(aheadAna, aheadAna)).toBe(0);
  });

  it('does not depend on the order the cancellations arrived in (any permutation, any redelivery)', () => {
    const pool = fc.constantFrom(ANA, BEN, CARA);
    const factArb = fc.record({
      eventId: fc.constantFrom('e1', 'e2', 'e3', 'e4', 'e5', 'e6'),
      reason: fc.constantFrom('closure', 'testing_day', 'tutor_absence', 'student_absence', 'other'),
      accountable: fc.constantFrom('district' as const, 'vendor' as const),
      studentIds: fc.uniqueArray(pool, { maxLength: 3 }),
      cancelledAt: fc.option(fc.constantFrom('2026-10-20T12:00:00Z', '2026-10-21T12:00:00Z', 'not a time')),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(factArb, { selector: (c) => c.eventId, maxLength: 6 }),
        fc.func(fc.integer()),
        (facts, rank) => {
          const shuffled = [...facts].sort((a, b) => rank(a.eventId) - rank(b.eventId));
          const redelivered = mergeCancellations(shuffled, [...facts].reverse());
          expect(redelivered).toHaveLength(facts.length);
          for (const s of [ANA, BEN, CARA, 's-dan'])
            expect(cancellationFor(s, redelivered)?.eventId).toBe(cancellationFor(s, facts)?.eventId);
          expect(new Set(scheduledStudents([BEN], shuffled))).toEqual(new Set(scheduledStudents([BEN], facts)));
        },
      ),
    );
  });

  it('keeps each event once and the first copy of it', () => {
    const copy = { ...aheadAna, reason: 'other' };
    expect(mergeCancellations([aheadAna], [copy, tutorOut])).toEqual([aheadAna, tutorOut]);
  });

  it('counts as scheduled the students of the latest plan and every student a cancellation names', () => {
    // The plan re-published after a group change leaves out Ana, cancelled ahead.
    expect(scheduledStudents([BEN, CARA], [aheadAna, tutorOut])).toEqual([BEN, CARA, ANA]);
    expect(scheduledStudents([BEN], [])).toEqual([BEN]);
  });
});
