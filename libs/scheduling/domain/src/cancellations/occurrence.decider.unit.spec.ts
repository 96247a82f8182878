import { uid, VENDOR } from '../testing.builders';
import { ScheduleConflictError } from '../conflicts/schedule-conflict';
import {
  decideCancellation,
  evolveOccurrence,
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
