import fc from 'fast-check';
import { EXCEPTION_CODES } from './exception-codes';
import { isAttended, ReferenceFacts, reviewSession, SessionUnderReview } from './billable-line.rules';

const STUDENTS = ['s1', 's2', 's3', 's4', 's5'];
const status = fc.constantFrom('present', 'late', 'left_early', 'absent_excused', 'absent_unexcused' as const);

const sessionArb: fc.Arbitrary<SessionUnderReview> = fc
  .record({
    startMs: fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }),
    duration: fc.integer({ min: 1, max: 240 }),
    students: fc.uniqueArray(fc.constantFrom(...STUDENTS), { minLength: 1, maxLength: 5 }),
    statuses: fc.array(status, { minLength: 5, maxLength: 5 }),
    minutes: fc.array(fc.integer({ min: 0, max: 260 }), { minLength: 5, maxLength: 5 }),
    vendor: fc.constantFrom('v1', 'v2'),
  })
  .map((r) => ({
    vendorId: r.vendor,
    sessionId: 'x',
    tutorId: 't',
    subject: 'math',
    startedAt: new Date(r.startMs).toISOString(),
    endedAt: new Date(r.startMs + r.duration * 60_000).toISOString(),
    attendance: r.students.map((studentId, i) => ({ studentId, status: r.statuses[i]!, minutes: r.minutes[i]! })),
  }));

const factsArb: fc.Arbitrary<ReferenceFacts> = fc.record({
  timeZone: fc.constantFrom(null, 'America/Chicago', 'America/New_York', 'UTC', 'Europe/Paris'),
  tutor: fc.option(
    fc.record({
      vendorId: fc.constantFrom('v1', 'v2'),
      clearedUntil: fc.option(fc.constantFrom('2026-06-30', '2027-12-31'), { nil: null }),
    }),
    { nil: null },
  ),
  enrolments: fc.array(
    fc.record({
      studentId: fc.constantFrom(...STUDENTS),
      programId: fc.constant('p'),
      vendorId: fc.constantFrom('v1', 'v2', null),
      schoolId: fc.constant('sch'),
      status: fc.constantFrom('enrolled', 'withdrawn', 'invited'),
      consent: fc.constantFrom('granted', 'refused', 'not_opted_out', 'pending'),
      startDate: fc.option(fc.constantFrom('2026-01-01', '2026-09-01'), { nil: null }),
      endDate: fc.option(fc.constantFrom('2026-06-30', '2027-06-30'), { nil: null }),
    }),
    { maxLength: 6 },
  ),
  programs: fc.constant([
    {
      programId: 'p',
      subject: 'math',
      maxGroupSize: 3,
      startDate: '2026-01-01',
      endDate: '2026-12-31',
      plausibleFrom: '06:00',
      plausibleTo: '20:00',
      vendorIds: ['v1'],
    },
  ]),
  students: fc.constant(STUDENTS.map((studentId) => ({ studentId, schoolId: 'sch' }))),
  schoolDays: fc.constant([]),
  otherSessions: fc.constant([]),
});

describe('billable-line rules (properties)', () => {
  it('never flags an absent line, bills exactly the attended lines with minutes and no exception, and uses only known codes', () => {
    fc.assert(
      fc.property(sessionArb, factsArb, (session, facts) => {
        const review = reviewSession(session, facts);
        expect(review.verdicts.map((v) => v.studentId)).toEqual(session.attendance.map((l) => l.studentId));
        for (const [i, v] of review.verdicts.entries()) {
          const line = session.attendance[i]!;
          if (!isAttended(line.status))
            expect(v).toEqual({ studentId: line.studentId, billable: false, exceptionCodes: [] });
          expect(v.billable).toBe(isAttended(line.status) && line.minutes > 0 && v.exceptionCodes.length === 0);
          for (const code of v.exceptionCodes) expect(EXCEPTION_CODES).toContain(code);
          expect(new Set(v.exceptionCodes).size).toBe(v.exceptionCodes.length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same verdicts whatever the order of the reference rows', () => {
    fc.assert(
      fc.property(sessionArb, factsArb, (session, facts) => {
        const reversed = {
          ...facts,
          enrolments: [...facts.enrolments].reverse(),
          students: [...facts.students].reverse(),
        };
        expect(reviewSession(session, reversed)).toEqual(reviewSession(session, facts));
      }),
      { numRuns: 200 },
    );
  });
});
