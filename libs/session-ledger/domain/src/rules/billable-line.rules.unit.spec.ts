import { exceptionsOf, isAttended, ReferenceFacts, reviewSession, SessionUnderReview } from './billable-line.rules';
import { ExceptionCode } from './exception-codes';

const VENDOR = 'v-1';
const OTHER_VENDOR = 'v-2';
const PROGRAM = 'p-1';
const SCHOOL = 'sch-1';
const ANA = 'stu-ana';
const BEN = 'stu-ben';
const CY = 'stu-cy';

// Tuesday 2026-11-03 in Chicago (CST, UTC-6): 10:00–10:45 local.
const aSession = (over: Partial<SessionUnderReview> = {}): SessionUnderReview => ({
  vendorId: VENDOR,
  sessionId: 's-1',
  tutorId: 't-1',
  subject: 'math',
  startedAt: '2026-11-03T16:00:00Z',
  endedAt: '2026-11-03T16:45:00Z',
  attendance: [{ studentId: ANA, status: 'present', minutes: 45 }],
  ...over,
});

const enrolled = (studentId: string, over: Partial<ReferenceFacts['enrolments'][number]> = {}) => ({
  studentId,
  programId: PROGRAM,
  vendorId: VENDOR,
  schoolId: SCHOOL,
  status: 'enrolled',
  consent: 'granted',
  startDate: '2026-09-01',
  endDate: null,
  ...over,
});

/** A world in which Ana, Ben and Cy are all billable for the default session. */
const aWorld = (over: Partial<ReferenceFacts> = {}): ReferenceFacts => ({
  timeZone: 'America/Chicago',
  tutor: { vendorId: VENDOR, clearedUntil: '2027-06-30' },
  enrolments: [enrolled(ANA), enrolled(BEN), enrolled(CY)],
  programs: [
    {
      programId: PROGRAM,
      subject: 'math',
      maxGroupSize: 3,
      startDate: '2026-09-01',
      endDate: '2027-06-15',
      plausibleFrom: '07:00',
      plausibleTo: '18:00',
      vendorIds: [VENDOR],
    },
  ],
  students: [ANA, BEN, CY].map((studentId) => ({ studentId, schoolId: SCHOOL })),
  schoolDays: ['2026-11-02', '2026-11-03', '2026-11-04'].map((day) => ({ schoolId: SCHOOL, day })),
  otherSessions: [],
  ...over,
});

const given = (world: ReferenceFacts) => ({
  when: (session: SessionUnderReview) => ({
    then: (expected: Record<string, ExceptionCode[]>) => {
      const review = reviewSession(session, world);
      const actual = Object.fromEntries(review.verdicts.map((v) => [v.studentId, v.exceptionCodes]));
      expect(actual).toEqual(expected);
      for (const v of review.verdicts) {
        const line = session.attendance.find((l) => l.studentId === v.studentId);
        expect(v.billable).toBe(v.exceptionCodes.length === 0 && isAttended(line!.status) && line!.minutes > 0);
      }
      return review;
    },
  }),
});

describe('billable-line rules', () => {
  it('bills a line that passes every rule, with the local date of the district', () => {
    const review = given(aWorld())
      .when(aSession())
      .then({ [ANA]: [] });
    expect(review).toEqual({
      localDate: '2026-11-03',
      verdicts: [{ studentId: ANA, billable: true, exceptionCodes: [] }],
    });
  });

  it('never bills nor flags an absent line', () => {
    const review = given(aWorld({ enrolments: [] }))
      .when(
        aSession({
          attendance: [
            { studentId: ANA, status: 'absent_unexcused', minutes: 0 },
            { studentId: BEN, status: 'absent_excused', minutes: 0 },
          ],
        }),
      )
      .then({ [ANA]: [], [BEN]: [] });
    expect(review.verdicts.every((v) => !v.billable)).toBe(true);
  });

  it('flags a student not enrolled with this vendor (enrolled with another one)', () => {
    given(aWorld({ enrolments: [enrolled(ANA, { vendorId: OTHER_VENDOR })] }))
      .when(aSession())
      .then({ [ANA]: ['not_enrolled'] });
  });

  it('flags a session before the enrolment start or after its end', () => {
    given(aWorld({ enrolments: [enrolled(ANA, { startDate: '2026-11-04' })] }))
      .when(aSession())
      .then({ [ANA]: ['not_enrolled'] });
    given(aWorld({ enrolments: [enrolled(ANA, { status: 'withdrawn', endDate: '2026-11-02' })] }))
      .when(aSession())
      .then({ [ANA]: ['not_enrolled'] });
    given(aWorld({ enrolments: [enrolled(ANA, { status: 'withdrawn', endDate: '2026-11-03' })] }))
      .when(aSession())
      .then({ [ANA]: [] });
  });

  it('flags a student whose program does not list the vendor, or is not running on the date', () => {
    const program = aWorld().programs[0]!;
    given(aWorld({ programs: [{ ...program, vendorIds: [OTHER_VENDOR] }] }))
      .when(aSession())
      .then({ [ANA]: ['not_enrolled'] });
    given(aWorld({ programs: [{ ...program, startDate: '2026-12-01' }] }))
      .when(aSession())
      .then({ [ANA]: ['not_enrolled'] });
  });

  it('flags a student without consent, and accepts an opt-out program student who did not opt out', () => {
    given(aWorld({ enrolments: [enrolled(ANA, { consent: 'refused' })] }))
      .when(aSession())
      .then({ [ANA]: ['no_consent'] });
    given(aWorld({ enrolments: [enrolled(ANA, { consent: 'not_opted_out' })] }))
      .when(aSession())
      .then({ [ANA]: [] });
  });

  it('flags a session on a day that is not instructional in the school calendar', () => {
    given(aWorld({ schoolDays: [{ schoolId: SCHOOL, day: '2026-11-02' }] }))
      .when(aSession())
      .then({ [ANA]: ['not_instructional_day'] });
  });

  it('flags a session outside the program plausible local hours', () => {
    // 05:30–06:15 Chicago time
    given(aWorld())
      .when(aSession({ startedAt: '2026-11-03T11:30:00Z', endedAt: '2026-11-03T12:15:00Z' }))
      .then({ [ANA]: ['outside_plausible_hours'] });
    // 17:30–18:15 ends after 18:00
    given(aWorld())
      .when(aSession({ startedAt: '2026-11-03T23:30:00Z', endedAt: '2026-11-04T00:15:00Z' }))
      .then({ [ANA]: ['outside_plausible_hours'] });
  });

  it('flags a tutor of another vendor, and a tutor whose clearance lapsed before the date', () => {
    given(aWorld({ tutor: { vendorId: OTHER_VENDOR, clearedUntil: '2027-01-01' } }))
      .when(aSession())
      .then({ [ANA]: ['tutor_not_of_vendor'] });
    given(aWorld({ tutor: null }))
      .when(aSession())
      .then({ [ANA]: ['tutor_not_of_vendor'] });
    given(aWorld({ tutor: { vendorId: VENDOR, clearedUntil: '2026-11-02' } }))
      .when(aSession())
      .then({ [ANA]: ['tutor_not_cleared'] });
    given(aWorld({ tutor: { vendorId: VENDOR, clearedUntil: null } }))
      .when(aSession())
      .then({ [ANA]: ['tutor_not_cleared'] });
    given(aWorld({ tutor: { vendorId: VENDOR, clearedUntil: '2026-11-03' } }))
      .when(aSession())
      .then({ [ANA]: [] });
  });

  it('flags every attended line of a group larger than the program maximum; absent students do not count', () => {
    const four = [ANA, BEN, CY, 'stu-dee'].map((studentId) => ({ studentId, status: 'present' as const, minutes: 45 }));
    given(aWorld({ enrolments: [ANA, BEN, CY, 'stu-dee'].map((s) => enrolled(s)) }))
      .when(aSession({ attendance: four }))
      .then({
        [ANA]: ['group_too_large'],
        [BEN]: ['group_too_large'],
        [CY]: ['group_too_large'],
        'stu-dee': ['group_too_large'],
      });
    given(aWorld({ enrolments: [ANA, BEN, CY, 'stu-dee'].map((s) => enrolled(s)) }))
      .when(
        aSession({ attendance: [...four.slice(0, 3), { studentId: 'stu-dee', status: 'absent_excused', minutes: 0 }] }),
      )
      .then({ [ANA]: [], [BEN]: [], [CY]: [], 'stu-dee': [] });
  });

  it('flags minutes above the session duration', () => {
    given(aWorld())
      .when(aSession({ attendance: [{ studentId: ANA, status: 'present', minutes: 46 }] }))
      .then({ [ANA]: ['minutes_exceed_duration'] });
  });

  it('flags an overlapping session of the same student, from any vendor, but not the session itself', () => {
    const other = {
      vendorId: OTHER_VENDOR,
      sessionId: 'x-9',
      studentId: ANA,
      tutorId: 't-9',
      startsAt: '2026-11-03T16:30:00Z',
      endsAt: '2026-11-03T17:00:00Z',
    };
    given(aWorld({ otherSessions: [other] }))
      .when(aSession())
      .then({ [ANA]: ['overlapping_session'] });
    given(aWorld({ otherSessions: [{ ...other, startsAt: '2026-11-03T16:45:00Z' }] }))
      .when(aSession())
      .then({ [ANA]: [] });
    given(aWorld({ otherSessions: [{ ...other, vendorId: VENDOR, sessionId: 's-1' }] }))
      .when(aSession())
      .then({ [ANA]: [] });
  });

  it('flags a duplicate: same vendor, tutor, student and start under another sessionId', () => {
    const twin = {
      vendorId: VENDOR,
      sessionId: 's-twin',
      studentId: ANA,
      tutorId: 't-1',
      startsAt: '2026-11-03T10:00:00-06:00',
      endsAt: '2026-11-03T16:45:00Z',
    };
    given(aWorld({ otherSessions: [twin] }))
      .when(aSession())
      .then({ [ANA]: ['duplicate_session'] });
  });

  it('without the district zone, flags every attended line and still checks what needs no date', () => {
    const review = given(aWorld({ timeZone: null, tutor: null }))
      .when(aSession())
      .then({ [ANA]: ['district_time_zone_unknown', 'tutor_not_of_vendor'] });
    expect(review.localDate).toBeNull();
  });

  it('lists exceptions for the feedback with a message per code', () => {
    const review = reviewSession(
      aSession({
        attendance: [
          { studentId: ANA, status: 'present', minutes: 45 },
          { studentId: BEN, status: 'late', minutes: 30 },
        ],
      }),
      aWorld({ enrolments: [enrolled(ANA)] }),
    );
    expect(exceptionsOf(review.verdicts)).toEqual([
      { studentId: BEN, code: 'not_enrolled', message: expect.stringContaining('not enrolled') },
    ]);
  });
});
