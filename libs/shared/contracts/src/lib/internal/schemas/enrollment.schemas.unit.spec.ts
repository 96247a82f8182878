import {
  ASSESSMENT_RECORDED_V1,
  DISTRICT_CONFIGURED_V1,
  ENROLMENT_CHANGED_V1,
  PROGRAM_DEFINED_V1,
  SCHOOL_CALENDAR_SET_V1,
  STUDENT_ROSTERED_V1,
  TUTOR_REGISTERED_V1,
} from '../internal-events';
import { validateInternalEvent } from '../validate-internal-event';

const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('enrollment event schemas', () => {
  it('accepts a district with an IANA zone and refuses extra fields', () => {
    const district = { districtId: id(1), timeZone: 'America/Chicago' };
    expect(validateInternalEvent(DISTRICT_CONFIGURED_V1, district).ok).toBe(true);
    expect(validateInternalEvent(DISTRICT_CONFIGURED_V1, { ...district, name: 'x' }).ok).toBe(false);
    expect(validateInternalEvent(DISTRICT_CONFIGURED_V1, { ...district, timeZone: 'chicago' }).ok).toBe(false);
  });

  it('accepts a calendar and refuses a bad date', () => {
    const calendar = {
      districtId: id(1),
      schoolId: id(2),
      schoolYear: '2026-2027',
      instructionalDays: ['2026-08-24', '2026-08-25'],
      earlyReleaseDays: ['2026-08-25'],
    };
    expect(validateInternalEvent(SCHOOL_CALENDAR_SET_V1, calendar).ok).toBe(true);
    const bad = { ...calendar, instructionalDays: ['2026-02-30'] };
    expect(validateInternalEvent(SCHOOL_CALENDAR_SET_V1, bad).ok).toBe(false);
  });

  it('accepts a program and refuses a grade outside PK..12', () => {
    const program = {
      programId: id(3),
      districtId: id(1),
      name: 'Grade 6-8 math',
      subject: 'math',
      gradeBand: { from: '6', to: '8' },
      target: { sessionsPerWeek: 3, minutesPerSession: 30, weeks: 10 },
      maxGroupSize: 4,
      startDate: '2026-09-01',
      endDate: '2027-05-28',
      consentMode: 'opt_out',
      vendorIds: [id(4)],
      plausibleHours: { from: '06:00', to: '20:00' },
    };
    expect(validateInternalEvent(PROGRAM_DEFINED_V1, program).ok).toBe(true);
    expect(validateInternalEvent(PROGRAM_DEFINED_V1, { ...program, gradeBand: { from: '06', to: '13' } }).ok).toBe(
      false,
    );
  });

  it('accepts a pseudonymous student and refuses one carrying a name', () => {
    const student = {
      studentId: id(5),
      districtId: id(1),
      schoolId: id(2),
      grade: '7',
      flags: { economicallyDisadvantaged: true, multilingualLearner: false, iep: false },
      active: true,
    };
    expect(validateInternalEvent(STUDENT_ROSTERED_V1, student).ok).toBe(true);
    expect(validateInternalEvent(STUDENT_ROSTERED_V1, { ...student, givenName: 'Ada' }).ok).toBe(false);
  });

  it('accepts an enrolment snapshot and refuses an unknown status', () => {
    const enrolment = {
      enrolmentId: id(6),
      districtId: id(1),
      studentId: id(5),
      schoolId: id(2),
      programId: id(3),
      vendorId: id(4),
      status: 'enrolled',
      consent: 'granted',
      startDate: '2026-09-08',
      endDate: null,
      reason: null,
      contactPreferences: { language: 'es', channel: 'sms' },
      changedAt: '2026-09-01T12:00:00Z',
    };
    expect(validateInternalEvent(ENROLMENT_CHANGED_V1, enrolment).ok).toBe(true);
    expect(validateInternalEvent(ENROLMENT_CHANGED_V1, { ...enrolment, status: 'graduated' }).ok).toBe(false);
    expect(validateInternalEvent(ENROLMENT_CHANGED_V1, { ...enrolment, vendorId: null, startDate: null }).ok).toBe(
      true,
    );
  });

  it('accepts a tutor and refuses a weekday 8', () => {
    const tutor = {
      tutorId: id(7),
      districtId: id(1),
      vendorId: id(4),
      clearedUntil: '2027-06-30',
      subjects: ['math'],
      gradeBands: [{ from: '6', to: '8' }],
      credentials: ['hit-microcredential'],
      availability: [{ weekday: 1, from: '08:00', to: '15:00' }],
      maxGroups: 5,
      active: true,
    };
    expect(validateInternalEvent(TUTOR_REGISTERED_V1, tutor).ok).toBe(true);
    expect(validateInternalEvent(TUTOR_REGISTERED_V1, { ...tutor, clearedUntil: null }).ok).toBe(true);
    const bad = { ...tutor, availability: [{ weekday: 8, from: '08:00', to: '15:00' }] };
    expect(validateInternalEvent(TUTOR_REGISTERED_V1, bad).ok).toBe(false);
  });

  it('accepts an assessment and refuses a percentile over 100', () => {
    const assessment = {
      assessmentId: id(8),
      districtId: id(1),
      studentId: id(5),
      schoolYear: '2026-2027',
      window: 'BOY',
      subject: 'math',
      scaleScore: 212,
      percentile: 31,
      growthPercentile: null,
    };
    expect(validateInternalEvent(ASSESSMENT_RECORDED_V1, assessment).ok).toBe(true);
    expect(validateInternalEvent(ASSESSMENT_RECORDED_V1, { ...assessment, percentile: 101 }).ok).toBe(false);
  });
});
