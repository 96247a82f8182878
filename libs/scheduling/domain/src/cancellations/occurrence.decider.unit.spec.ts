import { calendar, SCHOOL, uid, VENDOR, weeklyBell } from '../testing.builders';
import { ScheduleConflictError } from '../conflicts/schedule-conflict';
import {
  decideCancellation,
  evolveOccurrence,
  oneOffClashes,
  planOneOff,
  type CancelOccurrence,
  type OccurrenceState,
} from './occurrence.decider';

const occurrence: OccurrenceState = {
  occurrenceId: uid(50),
  groupId: uid(10),
  vendorId: VENDOR,
  date: '2026-11-04',
  startsAt: '2026-11-04T09:00:00-06:00',
  endsAt: '2026-11-04T09:30:00-06:00',
  studentIds: [uid(1), uid(2), uid(3)],
  cancelledStudentIds: [],
};
const cancel = (data: Partial<CancelOccurrence['data']>): CancelOccurrence => ({
  type: 'CancelOccurrence',
  data: {
    reason: 'closure',
    accountable: null,
    studentIds: null,
    note: null,
    at: '2026-11-03T10:00:00Z',
    by: 'user-1',
    ...data,
  },
});

describe('cancellations', () => {
  it('cancels the whole occurrence with the accountable party derived from the reason', () => {
    expect(decideCancellation(cancel({ reason: 'closure' }), occurrence)[0]?.data).toMatchObject({
      accountable: 'district',
      studentIds: occurrence.studentIds,
    });
    expect(decideCancellation(cancel({ reason: 'tutor_absence' }), occurrence)[0]?.data.accountable).toBe('vendor');
    expect(decideCancellation(cancel({ reason: 'testing_day' }), occurrence)[0]?.data.accountable).toBe('district');
  });

  it('lets the caller name the accountable party, and requires it for "other"', () => {
    expect(
      decideCancellation(cancel({ reason: 'other', accountable: 'vendor', note: 'platform outage' }), occurrence)[0]
        ?.data,
    ).toMatchObject({
      accountable: 'vendor',
      note: 'platform outage',
    });
    expect(() => decideCancellation(cancel({ reason: 'other' }), occurrence)).toThrow(
      'a cancellation for reason "other" must say who is accountable: district or vendor',
    );
  });

  it('cancels some students (absence known ahead), then the rest, then refuses a third time', () => {
    const first = decideCancellation(cancel({ reason: 'student_absence', studentIds: [uid(2)] }), occurrence);
    const after = first.reduce(evolveOccurrence, occurrence);
    expect(after.cancelledStudentIds).toEqual([uid(2)]);
    const again = () => decideCancellation(cancel({ reason: 'student_absence', studentIds: [uid(2)] }), after);
    expect(again).toThrow(ScheduleConflictError);
    expect(again).toThrow(`students ${uid(2)} are not planned in occurrence ${uid(50)}`);
    const rest = decideCancellation(cancel({ reason: 'closure' }), after);
    expect(rest[0]?.data.studentIds).toEqual([uid(1), uid(3)]);
    const all = rest.reduce(evolveOccurrence, after);
    expect(() => decideCancellation(cancel({}), all)).toThrow(`occurrence ${uid(50)} is already cancelled`);
  });
});

describe('a one-off (make-up) session', () => {
  const booked = { ...occurrence, tutorId: uid(100) }; // 09:00–09:30 with students 1, 2, 3
  const at = (start: string, end: string) => ({
    tutorId: uid(101),
    studentIds: [uid(7)],
    date: '2026-11-04',
    startsAt: `2026-11-04T${start}:00-06:00`,
    endsAt: `2026-11-04T${end}:00-06:00`,
  });

  it('clashes with a session of the same tutor at an overlapping time, named', () => {
    expect(oneOffClashes({ ...at('09:15', '09:45'), tutorId: uid(100) }, [booked])).toEqual([
      {
        code: 'tutor_double_booked',
        message: `tutor ${uid(100)} is double-booked: group ${uid(10)} meets at the same time, 2026-11-04 09:00–09:30`,
      },
    ]);
  });

  it('clashes with a session a student is in, unless that student’s attendance there was cancelled', () => {
    expect(oneOffClashes({ ...at('09:00', '09:30'), studentIds: [uid(2), uid(7)] }, [booked])).toEqual([
      {
        code: 'student_double_booked',
        message: `student ${uid(2)} is already in group ${uid(10)} at the same time: 2026-11-04 09:00–09:30`,
      },
    ]);
    expect(
      oneOffClashes({ ...at('09:00', '09:30'), studentIds: [uid(2)] }, [{ ...booked, cancelledStudentIds: [uid(2)] }]),
    ).toEqual([]);
  });

  it('must fit its period on that day', () => {
    const cal = calendar('2026-11-23', '2026-11-27');
    const plan = (minutes: number) =>
      planOneOff({
        schoolId: SCHOOL,
        date: '2026-11-24',
        period: 'P3',
        minutes,
        schedule: weeklyBell(),
        calendar: cal,
        timeZone: 'America/Chicago',
      });
    expect(plan(45).endsAt).toBe('2026-11-24T10:45:00-06:00');
    expect(() => plan(50)).toThrow('a 50-minute session does not fit period P3 on 2026-11-24 (45 minutes)');
  });

  it('does not clash back to back, or with a session of other people', () => {
    expect(oneOffClashes({ ...at('09:30', '10:00'), tutorId: uid(100), studentIds: [uid(1)] }, [booked])).toEqual([]);
    expect(oneOffClashes(at('09:00', '09:30'), [booked])).toEqual([]);
  });
});
