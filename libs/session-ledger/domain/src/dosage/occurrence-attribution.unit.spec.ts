import {
  attributeOccurrence,
  matchSessions,
  PlannedOccurrence,
  ReportedSession,
  studentSchedule,
} from './occurrence-attribution';
import type { CancellationFact } from './occurrence-cancellations';

const ANA = 'a0000000-0000-4000-8000-000000000001';
const BEN = 'a0000000-0000-4000-8000-000000000002';
const V1 = 'v0000000-0000-4000-8000-000000000001';
const V2 = 'v0000000-0000-4000-8000-000000000002';
const G1 = 'g0000000-0000-4000-8000-000000000001';

const occ = (id: string, date: string, startsAt: string, endsAt: string, over: Partial<PlannedOccurrence> = {}) =>
  ({
    occurrenceId: id,
    vendorId: V1,
    groupId: G1,
    date,
    startsAt,
    endsAt,
    studentIds: [ANA, BEN],
    cancellations: [],
    ...over,
  }) satisfies PlannedOccurrence;

const cancel = (
  eventId: string,
  accountable: 'district' | 'vendor',
  reason: string,
  studentIds: string[],
  cancelledAt: string | null = '2026-10-20T12:00:00Z',
): CancellationFact => ({ eventId, accountable, reason, studentIds, cancelledAt });

const session = (sessionId: string, startedAt: string, endedAt: string, over: Partial<ReportedSession> = {}) =>
  ({
    vendorId: V1,
    sessionId,
    groupId: G1,
    scheduledSessionId: null,
    startedAt,
    endedAt,
    localDate: startedAt.slice(0, 10),
    lines: [
      { studentId: ANA, status: 'present', minutes: 30 },
      { studentId: BEN, status: 'absent_excused', minutes: 0 },
    ],
    ...over,
  }) satisfies ReportedSession;

// Chicago, the week DST ends (2026-W44: Mon Oct 26 – Sun Nov 1, CDT −05:00 until Nov 1 02:00, then CST −06:00).
const MON = occ('o-mon', '2026-10-26', '2026-10-26T10:00:00-05:00', '2026-10-26T10:30:00-05:00');
const WED = occ('o-wed', '2026-10-28', '2026-10-28T10:00:00-05:00', '2026-10-28T10:30:00-05:00');
const FRI = occ('o-fri', '2026-10-30', '2026-10-30T10:00:00-05:00', '2026-10-30T10:30:00-05:00');
const SAT = occ('o-sat', '2026-10-31', '2026-10-31T10:00:00-05:00', '2026-10-31T10:30:00-05:00');
const NEXT_MON = occ('o-mon2', '2026-11-02', '2026-11-02T10:00:00-06:00', '2026-11-02T10:30:00-06:00');

describe('matching reported sessions to planned occurrences', () => {
  it('matches a session naming its occurrence, even far from the planned time', () => {
    const s = session('s1', '2026-10-26T15:00:00-05:00', '2026-10-26T15:30:00-05:00', { scheduledSessionId: 'o-mon' });
    const m = matchSessions(ANA, [MON, WED], [s]);
    expect(m.get('o-mon')).toMatchObject({ by: 'scheduled_session_id', session: { sessionId: 's1' } });
    expect(m.has('o-wed')).toBe(false);
  });

  it('matches by overlapping time, same vendor and group, largest overlap first, each side once', () => {
    const a = session('a', '2026-10-28T10:20:00-05:00', '2026-10-28T10:50:00-05:00');
    const b = session('b', '2026-10-28T10:00:00-05:00', '2026-10-28T10:30:00-05:00');
    const other = session('c', '2026-10-30T10:00:00-05:00', '2026-10-30T10:30:00-05:00', { vendorId: V2 });
    const otherGroup = session('d', '2026-10-30T10:00:00-05:00', '2026-10-30T10:30:00-05:00', { groupId: 'g-x' });
    const m = matchSessions(ANA, [WED, FRI], [a, b, other, otherGroup]);
    expect(m.get('o-wed')).toMatchObject({ by: 'time_overlap', session: { sessionId: 'b' } });
    expect(m.has('o-fri')).toBe(false);
  });

  it('never matches by time a session that names another occurrence, nor one without the student', () => {
    const named = session('n', '2026-10-28T10:00:00-05:00', '2026-10-28T10:30:00-05:00', {
      scheduledSessionId: 'o-elsewhere',
    });
    const withoutAna = session('w', '2026-10-28T10:00:00-05:00', '2026-10-28T10:30:00-05:00', {
      lines: [{ studentId: BEN, status: 'present', minutes: 30 }],
    });
    expect(matchSessions(ANA, [WED], [named, withoutAna]).size).toBe(0);
  });
});

describe('attributing each occurrence of a student', () => {
  const later = new Date('2026-12-01T00:00:00Z');

  it('delivered when the student attended, even if the occurrence was cancelled', () => {
    const cancelled = { ...MON, cancellations: [cancel('c1', 'district', 'closure', [])] };
    const s = session('s', MON.startsAt, MON.endsAt);
    expect(attributeOccurrence(ANA, cancelled, { session: s, by: 'time_overlap' }, later)).toBe('delivered');
    expect(attributeOccurrence(ANA, cancelled, undefined, later)).toBe('cancelled_by_district');
  });

  it('cancelled by whoever is accountable, only for the students it covers', () => {
    const c = { ...MON, cancellations: [cancel('c1', 'vendor', 'tutor_absence', [BEN])] };
    expect(attributeOccurrence(BEN, c, undefined, later)).toBe('cancelled_by_vendor');
    expect(attributeOccurrence(ANA, c, undefined, later)).toBe('not_reported');
  });

  it("each student's miss answered by their own cancellation: ahead for one, then the tutor's absence", () => {
    const cara = 'a0000000-0000-4000-8000-000000000003';
    // Ana's absence known ahead (district); later the tutor is absent for everyone still planned (vendor).
    const o = {
      ...MON,
      studentIds: [ANA, BEN, cara],
      cancellations: [
        cancel('c2', 'vendor', 'tutor_absence', [BEN, cara], '2026-10-25T18:00:00Z'),
        cancel('c1', 'district', 'student_absence', [ANA], '2026-10-20T12:00:00Z'),
      ],
    };
    expect([ANA, BEN, cara].map((s) => attributeOccurrence(s, o, undefined, later))).toEqual([
      'cancelled_by_district',
      'cancelled_by_vendor',
      'cancelled_by_vendor',
    ]);
    // A whole-occurrence cancellation that also lists Ana wins for her too, whatever the arrival order.
    const whole = cancel('c3', 'vendor', 'closure', [ANA, BEN], '2026-10-19T12:00:00Z');
    for (const cancellations of [
      [o.cancellations[1] as CancellationFact, whole],
      [whole, o.cancellations[1] as CancellationFact],
    ])
      expect(attributeOccurrence(ANA, { ...o, cancellations }, undefined, later)).toBe('cancelled_by_vendor');
  });

  it('student absent when the session was reported with the student absent or at 0 minutes', () => {
    const s = session('s', MON.startsAt, MON.endsAt, {
      lines: [
        { studentId: ANA, status: 'present', minutes: 0 },
        { studentId: BEN, status: 'absent_unexcused', minutes: 0 },
      ],
    });
    expect(attributeOccurrence(BEN, MON, { session: s, by: 'time_overlap' }, later)).toBe('student_absent');
    expect(attributeOccurrence(ANA, MON, { session: s, by: 'time_overlap' }, later)).toBe('student_absent');
  });

  it('not reported 24 real hours after the end, across the end of daylight saving time', () => {
    // Ends Sat Oct 31 10:30 CDT = 15:30Z; 24 h later is Sun Nov 1 09:30 CST (the wall clock went back an hour).
    expect(attributeOccurrence(ANA, SAT, undefined, new Date('2026-11-01T15:29:59Z'))).toBe('pending');
    expect(attributeOccurrence(ANA, SAT, undefined, new Date('2026-11-01T15:30:00Z'))).toBe('not_reported');
    expect(attributeOccurrence(ANA, SAT, undefined, new Date('2026-11-01T09:30:00-06:00'))).toBe('not_reported');
  });
});

describe("a student's scheduled versus delivered per week", () => {
  it('keeps a student cancelled ahead as scheduled when a re-plan leaves them out', () => {
    // Scheduling re-published the plan after a group change without Ana, whose attendance was cancelled ahead.
    const replanned = {
      ...MON,
      studentIds: [BEN],
      cancellations: [cancel('c1', 'district', 'student_absence', [ANA])],
    };
    const view = studentSchedule(ANA, [replanned], [], new Date('2026-12-01T00:00:00Z'));
    expect(view.occurrences.map((o) => o.outcome)).toEqual(['cancelled_by_district']);
    expect(view.weeks[0]).toMatchObject({ scheduled: 1, cancelledByDistrict: 1 });
    // Not planned and named by no cancellation: not scheduled.
    expect(studentSchedule(ANA, [{ ...MON, studentIds: [BEN] }], [], new Date()).occurrences).toEqual([]);
  });

  it('sums each week of the DST-end week and the next, every occurrence attributed once', () => {
    const sessions = [
      session('mon', MON.startsAt, MON.endsAt, { scheduledSessionId: 'o-mon' }),
      session('wed', '2026-10-28T10:05:00-05:00', '2026-10-28T10:35:00-05:00', {
        lines: [{ studentId: ANA, status: 'absent_excused', minutes: 0 }],
      }),
      // Sunday Nov 1, 23:30 CST = Nov 2 05:30Z: still the local date Nov 1, week 44, unscheduled.
      session('sun', '2026-11-01T23:30:00-06:00', '2026-11-02T00:00:00-06:00', {
        groupId: null,
        localDate: '2026-11-01',
      }),
    ];
    const fri = { ...FRI, cancellations: [cancel('c1', 'vendor', 'tutor_absence', [])] };
    const now = new Date('2026-11-02T20:00:00Z'); // Monday after: Saturday's is due, next Monday's is not.
    const view = studentSchedule(ANA, [NEXT_MON, SAT, fri, WED, MON], sessions, now);
    expect(view.weeks).toEqual([
      {
        isoWeek: '2026-W44',
        scheduled: 4,
        delivered: 1,
        cancelledByDistrict: 0,
        cancelledByVendor: 1,
        studentAbsent: 1,
        notReported: 1,
        pending: 0,
        unscheduledDelivered: 1,
      },
      {
        isoWeek: '2026-W45',
        scheduled: 1,
        delivered: 0,
        cancelledByDistrict: 0,
        cancelledByVendor: 0,
        studentAbsent: 0,
        notReported: 0,
        pending: 1,
        unscheduledDelivered: 0,
      },
    ]);
    expect(view.occurrences.map((o) => [o.occurrenceId, o.outcome, o.sessionId, o.matchedBy])).toEqual([
      ['o-mon', 'delivered', 'mon', 'scheduled_session_id'],
      ['o-wed', 'student_absent', 'wed', 'time_overlap'],
      ['o-fri', 'cancelled_by_vendor', null, null],
      ['o-sat', 'not_reported', null, null],
      ['o-mon2', 'pending', null, null],
    ]);
  });

  it('ignores occurrences planned for other students', () => {
    const forBen = { ...MON, studentIds: [BEN] };
    expect(studentSchedule(ANA, [forBen], [], new Date('2026-12-01T00:00:00Z'))).toEqual({
      weeks: [],
      occurrences: [],
    });
  });
});
