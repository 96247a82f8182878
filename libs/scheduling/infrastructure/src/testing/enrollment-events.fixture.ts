// Enrollment's events as enrollment publishes them (validated against enrollment's schemas by the tests that use
// them), to drive scheduling's tests from outside. Test support only.
import {
  DISTRICT_CONFIGURED_V1,
  ENROLLMENT_ORGANISATION_TOPIC,
  ENROLLMENT_STUDENTS_TOPIC,
  ENROLLMENT_TUTORS_TOPIC,
  ENROLMENT_CHANGED_V1,
  PROGRAM_DEFINED_V1,
  SCHOOL_CALENDAR_SET_V1,
  serviceSource,
  STUDENT_ROSTERED_V1,
  TUTOR_REGISTERED_V1,
  type DistrictConfiguredV1,
  type EnrolmentChangedV1,
  type InternalEventType,
  type ProgramDefinedV1,
  type SchoolCalendarSetV1,
  type StudentRosteredV1,
  type TutorRegisteredV1,
} from '@tutoring/shared/contracts';
import type { CloudEvent } from '@tutoring/shared/messaging';

export interface FixtureEvent {
  topic: string;
  key: string;
  event: CloudEvent;
}

const weekdaysBetween = (from: string, to: string, except: string[]): string[] => {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    const d = new Date(t);
    const day = d.getUTCDay();
    const iso = d.toISOString().slice(0, 10);
    if (day !== 0 && day !== 6 && !except.includes(iso)) out.push(iso);
  }
  return out;
};

/** A small district: one school (calendar with holidays), one math program, students, tutors; ids from `id()`. */
export const enrollmentWorld = (
  id: () => string,
  opts: {
    districtId?: string;
    vendorId?: string;
    students?: number;
    timeZone?: string;
    term?: { from: string; to: string };
  } = {},
) => {
  const districtId = opts.districtId ?? id();
  const vendorId = opts.vendorId ?? id();
  const schoolId = id();
  const programId = id();
  const holidays = ['2026-11-11', '2026-11-26', '2026-11-27'];
  const district: DistrictConfiguredV1 = { districtId, timeZone: opts.timeZone ?? 'America/Chicago' };
  const calendar: SchoolCalendarSetV1 = {
    districtId,
    schoolId,
    schoolYear: '2026-2027',
    instructionalDays: weekdaysBetween(opts.term?.from ?? '2026-08-24', opts.term?.to ?? '2027-06-11', holidays),
    earlyReleaseDays: [],
  };
  const program: ProgramDefinedV1 = {
    programId,
    districtId,
    name: 'Grade 3-5 math',
    subject: 'math',
    gradeBand: { from: '3', to: '5' },
    target: { sessionsPerWeek: 3, minutesPerSession: 30, weeks: 10 },
    maxGroupSize: 4,
    startDate: opts.term?.from ?? '2026-09-01',
    endDate: opts.term?.to ?? '2027-05-28',
    consentMode: 'opt_in',
    vendorIds: [vendorId],
    plausibleHours: { from: '06:00', to: '20:00' },
  };
  const students: StudentRosteredV1[] = Array.from({ length: opts.students ?? 6 }, (_, i) => ({
    studentId: id(),
    districtId,
    schoolId,
    grade: String(3 + (i % 3)),
    flags: { economicallyDisadvantaged: i % 2 === 0, multilingualLearner: false, iep: false },
    active: true,
  }));
  const enrolments: EnrolmentChangedV1[] = students.map((s) => ({
    enrolmentId: id(),
    districtId,
    studentId: s.studentId,
    schoolId,
    programId,
    vendorId,
    status: 'enrolled',
    consent: 'granted',
    startDate: '2026-09-01',
    endDate: null,
    reason: null,
    contactPreferences: { language: 'en', channel: 'none' },
    changedAt: '2026-09-01T12:00:00Z',
  }));
  const tutor = (overrides: Partial<TutorRegisteredV1> = {}): TutorRegisteredV1 => ({
    tutorId: id(),
    districtId,
    vendorId,
    clearedUntil: opts.term?.to ?? '2027-08-31',
    subjects: ['math'],
    gradeBands: [{ from: '3', to: '5' }],
    credentials: [],
    availability: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, from: '07:30', to: '15:30' })),
    maxGroups: 3,
    active: true,
    ...overrides,
  });
  const tutors = [tutor(), tutor(), tutor({ clearedUntil: null })];
  const ce = (type: InternalEventType, topic: string, key: string, data: { districtId: string }): FixtureEvent => ({
    topic,
    key,
    event: {
      specversion: '1.0',
      id: id(),
      source: serviceSource('enrollment'),
      type,
      time: '2026-09-01T12:00:00Z',
      subject: key,
      datacontenttype: 'application/json',
      districtid: data.districtId,
      data,
    },
  });
  const events: FixtureEvent[] = [
    ce(DISTRICT_CONFIGURED_V1, ENROLLMENT_ORGANISATION_TOPIC, districtId, district),
    ce(SCHOOL_CALENDAR_SET_V1, ENROLLMENT_ORGANISATION_TOPIC, districtId, calendar),
    ce(PROGRAM_DEFINED_V1, ENROLLMENT_ORGANISATION_TOPIC, districtId, program),
    ...students.map((s) => ce(STUDENT_ROSTERED_V1, ENROLLMENT_STUDENTS_TOPIC, s.studentId, s)),
    ...enrolments.map((e) => ce(ENROLMENT_CHANGED_V1, ENROLLMENT_STUDENTS_TOPIC, e.studentId, e)),
    ...tutors.map((t) => ce(TUTOR_REGISTERED_V1, ENROLLMENT_TUTORS_TOPIC, t.tutorId, t)),
  ];
  return {
    districtId,
    vendorId,
    schoolId,
    programId,
    district,
    calendar,
    program,
    students,
    enrolments,
    tutors,
    events,
    holidays,
  };
};
