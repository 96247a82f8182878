// The roster facts session-ledger needs to judge a line billable, published as enrollment would publish them
// (each validated against enrollment's own JSON Schema first), so the e2e can run before enrollment emits them.
import { randomUUID } from 'node:crypto';
import {
  DISTRICT_CONFIGURED_V1,
  ENROLLMENT_ORGANISATION_TOPIC,
  ENROLLMENT_STUDENTS_TOPIC,
  ENROLLMENT_TUTORS_TOPIC,
  ENROLMENT_CHANGED_V1,
  PROGRAM_DEFINED_V1,
  SCHOOL_CALENDAR_SET_V1,
  STUDENT_ROSTERED_V1,
  TUTOR_REGISTERED_V1,
  validateInternalEvent,
  type InternalEventDataMap,
  type InternalEventType,
} from '@tutoring/shared/contracts';
import type { ConsoleRecord } from '../console-producer';

export interface World {
  districtId: string;
  schoolId: string;
  programId: string;
  vendorId: string;
  tutorId: string;
  studentIds: string[];
}

/** Weekdays of Sep–Dec 2026 (the calendar of the e2e school). */
const weekdays = (): string[] => {
  const days: string[] = [];
  for (
    let d = new Date(Date.UTC(2026, 8, 1));
    d < new Date(Date.UTC(2027, 0, 1));
    d = new Date(d.getTime() + 86_400_000)
  ) {
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) days.push(d.toISOString().slice(0, 10));
  }
  return days;
};

const record = <T extends InternalEventType>(type: T, key: string, data: InternalEventDataMap[T]): ConsoleRecord => {
  const checked = validateInternalEvent(type, data);
  if (!checked.ok) throw new Error(`${type} does not match enrollment's schema: ${JSON.stringify(checked.errors)}`);
  return {
    key,
    headers: {
      ce_specversion: '1.0',
      ce_id: randomUUID(),
      ce_source: 'urn:tutoring:service:enrollment',
      ce_type: type,
      ce_time: '2026-08-20T12:00:00Z',
      ce_districtid: (data as { districtId: string }).districtId,
      'content-type': 'application/json',
    },
    value: JSON.stringify(data),
  };
};

export const referenceRecords = (w: World): Map<string, ConsoleRecord[]> => {
  const d = w.districtId;
  return new Map([
    [
      ENROLLMENT_ORGANISATION_TOPIC,
      [
        record(DISTRICT_CONFIGURED_V1, d, { districtId: d, timeZone: 'America/Chicago' }),
        record(SCHOOL_CALENDAR_SET_V1, d, {
          districtId: d,
          schoolId: w.schoolId,
          schoolYear: '2026-2027',
          instructionalDays: weekdays(),
          earlyReleaseDays: [],
        }),
        record(PROGRAM_DEFINED_V1, d, {
          programId: w.programId,
          districtId: d,
          name: 'Grade 4 math HDT',
          subject: 'math',
          gradeBand: { from: '3', to: '5' },
          target: { sessionsPerWeek: 3, minutesPerSession: 30, weeks: 10 },
          maxGroupSize: 4,
          startDate: '2026-09-01',
          endDate: '2027-06-30',
          consentMode: 'opt_in',
          vendorIds: [w.vendorId],
          plausibleHours: { from: '06:00', to: '20:00' },
        }),
      ],
    ],
    [
      ENROLLMENT_STUDENTS_TOPIC,
      w.studentIds.flatMap((studentId) => [
        record(STUDENT_ROSTERED_V1, studentId, {
          studentId,
          districtId: d,
          schoolId: w.schoolId,
          grade: '4',
          flags: { economicallyDisadvantaged: true, multilingualLearner: false, iep: false },
          active: true,
        }),
        record(ENROLMENT_CHANGED_V1, studentId, {
          enrolmentId: randomUUID(),
          districtId: d,
          studentId,
          schoolId: w.schoolId,
          programId: w.programId,
          vendorId: w.vendorId,
          status: 'enrolled',
          consent: 'granted',
          startDate: '2026-09-01',
          endDate: null,
          reason: null,
          contactPreferences: { language: 'en', channel: 'none' },
          changedAt: '2026-08-20T12:00:00Z',
        }),
      ]),
    ],
    [
      ENROLLMENT_TUTORS_TOPIC,
      [
        record(TUTOR_REGISTERED_V1, w.tutorId, {
          tutorId: w.tutorId,
          districtId: d,
          vendorId: w.vendorId,
          clearedUntil: '2027-06-30',
          subjects: ['math'],
          gradeBands: [{ from: '3', to: '5' }],
          credentials: [],
          availability: [{ weekday: 1, from: '08:00', to: '17:00' }],
          maxGroups: 4,
          active: true,
        }),
      ],
    ],
  ]);
};
