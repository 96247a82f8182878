import {
  contractsTesting,
  OCCURRENCE_CANCELLED_V1,
  SCHOOL_CALENDAR_SET_V1,
  TUTOR_REGISTERED_V1,
} from '@tutoring/shared/contracts';
import { isReferenceEventType, referenceUpdateOf, schoolYearRange } from './reference-updates';

const { TEST_IDS } = contractsTesting;
const META = { eventId: 'evt-1', time: '2026-10-20T12:00:00Z' };

describe('reference updates from enrollment and scheduling events', () => {
  it('replaces a school year of calendar days, flagging early releases', () => {
    const update = referenceUpdateOf(
      SCHOOL_CALENDAR_SET_V1,
      {
        districtId: TEST_IDS.districtId,
        schoolId: TEST_IDS.tutorId,
        schoolYear: '2026-2027',
        instructionalDays: ['2026-09-01', '2026-09-02', '2026-09-02'],
        earlyReleaseDays: ['2026-09-02'],
      },
      META,
    );
    expect(update).toEqual({
      kind: 'calendar',
      districtId: TEST_IDS.districtId,
      schoolId: TEST_IDS.tutorId,
      from: '2026-07-01',
      to: '2027-06-30',
      days: [
        { day: '2026-09-01', earlyRelease: false },
        { day: '2026-09-02', earlyRelease: true },
      ],
    });
  });

  it('falls back to the span of the days for an unreadable school year label', () => {
    expect(schoolYearRange('SY26', ['2026-09-03', '2026-08-20'])).toEqual({ from: '2026-08-20', to: '2026-09-03' });
  });

  it('keeps a tutor clearance date, null meaning not cleared', () => {
    const tutor = {
      tutorId: TEST_IDS.tutorId,
      districtId: TEST_IDS.districtId,
      vendorId: TEST_IDS.vendorId,
      clearedUntil: null,
      subjects: ['math'],
      gradeBands: [],
      credentials: [],
      availability: [],
      maxGroups: 3,
      active: true,
    };
    expect(referenceUpdateOf(TUTOR_REGISTERED_V1, tutor, META)).toEqual({
      kind: 'tutor',
      tutorId: TEST_IDS.tutorId,
      districtId: TEST_IDS.districtId,
      vendorId: TEST_IDS.vendorId,
      clearedUntil: null,
    });
  });

  it('keeps a cancellation as a fact of its own, with its event id and time', () => {
    const data = {
      occurrenceId: TEST_IDS.scheduledSessionId,
      districtId: TEST_IDS.districtId,
      groupId: TEST_IDS.groupId,
      vendorId: TEST_IDS.vendorId,
      reason: 'student_absence' as const,
      accountable: 'district' as const,
      studentIds: [TEST_IDS.studentIds[0]],
      note: null,
    };
    expect(referenceUpdateOf(OCCURRENCE_CANCELLED_V1, data, META)).toEqual({
      kind: 'occurrence_cancelled',
      eventId: 'evt-1',
      cancelledAt: '2026-10-20T12:00:00Z',
      occurrenceId: data.occurrenceId,
      districtId: TEST_IDS.districtId,
      groupId: TEST_IDS.groupId,
      vendorId: TEST_IDS.vendorId,
      reason: 'student_absence',
      accountable: 'district',
      studentIds: [TEST_IDS.studentIds[0]],
    });
    expect(referenceUpdateOf(OCCURRENCE_CANCELLED_V1, data, { eventId: 'evt-2' })).toMatchObject({
      eventId: 'evt-2',
      cancelledAt: null,
    });
  });

  it('ignores event types the rules do not need', () => {
    expect(isReferenceEventType('org.tutoring.enrollment.assessment-recorded.v1')).toBe(false);
    expect(isReferenceEventType('org.tutoring.scheduling.group-formed.v1')).toBe(false);
    expect(isReferenceEventType(TUTOR_REGISTERED_V1)).toBe(true);
  });
});
