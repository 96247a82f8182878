import { contractsTesting, SCHOOL_CALENDAR_SET_V1, TUTOR_REGISTERED_V1 } from '@tutoring/shared/contracts';
import { isReferenceEventType, referenceUpdateOf, schoolYearRange } from './reference-updates';

const { TEST_IDS } = contractsTesting;

describe('reference updates from enrollment and scheduling events', () => {
  it('replaces a school year of calendar days, flagging early releases', () => {
    const update = referenceUpdateOf(SCHOOL_CALENDAR_SET_V1, {
      districtId: TEST_IDS.districtId,
      schoolId: TEST_IDS.tutorId,
      schoolYear: '2026-2027',
      instructionalDays: ['2026-09-01', '2026-09-02', '2026-09-02'],
      earlyReleaseDays: ['2026-09-02'],
    });
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
    expect(referenceUpdateOf(TUTOR_REGISTERED_V1, tutor)).toEqual({
      kind: 'tutor',
      tutorId: TEST_IDS.tutorId,
      districtId: TEST_IDS.districtId,
      vendorId: TEST_IDS.vendorId,
      clearedUntil: null,
    });
  });

  it('ignores event types the rules do not need', () => {
    expect(isReferenceEventType('org.tutoring.enrollment.assessment-recorded.v1')).toBe(false);
    expect(isReferenceEventType('org.tutoring.scheduling.group-formed.v1')).toBe(false);
    expect(isReferenceEventType(TUTOR_REGISTERED_V1)).toBe(true);
  });
});
