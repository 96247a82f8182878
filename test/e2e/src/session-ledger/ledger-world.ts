/**
 * Test world for the session-ledger e2e suites: a district, two vendors and the reference facts enrollment and
 * scheduling would publish, produced on their real topics as those services would (binary CloudEvents).
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Producer } from 'kafkajs';
import {
  contractsTesting,
  DISTRICT_CONFIGURED_V1,
  ENROLLMENT_ORGANISATION_TOPIC,
  ENROLLMENT_STUDENTS_TOPIC,
  ENROLLMENT_TUTORS_TOPIC,
  ENROLLMENT_VENDORS_TOPIC,
  ENROLMENT_CHANGED_V1,
  PROGRAM_DEFINED_V1,
  SCHOOL_CALENDAR_SET_V1,
  STUDENT_ROSTERED_V1,
  TUTOR_REGISTERED_V1,
  validateInternalEvent,
  VENDOR_REGISTERED_V1,
  SessionDeliveredV1,
  InternalEventType,
} from '@tutoring/shared/contracts';
import { encodeBinary } from '@tutoring/shared/messaging';

export const world = () => {
  const district = randomUUID();
  const vendorA = randomUUID();
  const vendorB = randomUUID();
  const school = randomUUID();
  const program = randomUUID();
  const tutorA = randomUUID();
  const ana = randomUUID(); // enrolled with A, consent granted
  const ben = randomUUID(); // enrolled with A, consent refused: not billable
  return { district, vendorA, vendorB, school, program, tutorA, ana, ben };
};
export type World = ReturnType<typeof world>;

/** Tuesday 2026-11-03, 10:00–10:45 in Chicago (CST): an instructional day within plausible hours. */
export const aSession = (w: World, sessionId: string, over: Partial<SessionDeliveredV1> = {}): SessionDeliveredV1 =>
  contractsTesting.aSessionDelivered({
    sessionId,
    vendorId: w.vendorA,
    districtId: w.district,
    tutorId: w.tutorA,
    groupId: null,
    scheduledSessionId: null,
    subject: 'math',
    startedAt: '2026-11-03T10:00:00-06:00',
    endedAt: '2026-11-03T10:45:00-06:00',
    attendance: [
      { studentId: w.ana, status: 'present', minutes: 45 },
      { studentId: w.ben, status: 'present', minutes: 45 },
    ],
    notes: [],
    ...over,
  });

export const referenceEvents = (
  w: World,
): { topic: string; type: InternalEventType | typeof VENDOR_REGISTERED_V1; key: string; data: unknown }[] => {
  const enrolment = (studentId: string, consent: string) => ({
    enrolmentId: randomUUID(),
    districtId: w.district,
    studentId,
    schoolId: w.school,
    programId: w.program,
    vendorId: w.vendorA,
    status: 'enrolled',
    consent,
    startDate: '2026-09-01',
    endDate: null,
    reason: null,
    contactPreferences: { language: 'en', channel: 'none' },
    changedAt: '2026-09-01T08:00:00-05:00',
  });
  const student = (studentId: string) => ({
    studentId,
    districtId: w.district,
    schoolId: w.school,
    grade: '4',
    flags: { economicallyDisadvantaged: false, multilingualLearner: false, iep: false },
    active: true,
  });
  return [
    {
      topic: ENROLLMENT_ORGANISATION_TOPIC,
      type: DISTRICT_CONFIGURED_V1,
      key: w.district,
      data: { districtId: w.district, timeZone: 'America/Chicago' },
    },
    {
      topic: ENROLLMENT_ORGANISATION_TOPIC,
      type: SCHOOL_CALENDAR_SET_V1,
      key: w.district,
      data: {
        districtId: w.district,
        schoolId: w.school,
        schoolYear: '2026-2027',
        instructionalDays: ['2026-11-02', '2026-11-03', '2026-11-04'],
        earlyReleaseDays: [],
      },
    },
    {
      topic: ENROLLMENT_ORGANISATION_TOPIC,
      type: PROGRAM_DEFINED_V1,
      key: w.district,
      data: {
        programId: w.program,
        districtId: w.district,
        name: 'Grade 4 math',
        subject: 'math',
        gradeBand: { from: '3', to: '5' },
        target: { sessionsPerWeek: 3, minutesPerSession: 30, weeks: 10 },
        maxGroupSize: 4,
        startDate: '2026-09-01',
        endDate: '2027-06-15',
        consentMode: 'opt_in',
        vendorIds: [w.vendorA],
        plausibleHours: { from: '07:00', to: '18:00' },
      },
    },
    { topic: ENROLLMENT_STUDENTS_TOPIC, type: STUDENT_ROSTERED_V1, key: w.ana, data: student(w.ana) },
    { topic: ENROLLMENT_STUDENTS_TOPIC, type: STUDENT_ROSTERED_V1, key: w.ben, data: student(w.ben) },
    { topic: ENROLLMENT_STUDENTS_TOPIC, type: ENROLMENT_CHANGED_V1, key: w.ana, data: enrolment(w.ana, 'granted') },
    { topic: ENROLLMENT_STUDENTS_TOPIC, type: ENROLMENT_CHANGED_V1, key: w.ben, data: enrolment(w.ben, 'refused') },
    {
      topic: ENROLLMENT_TUTORS_TOPIC,
      type: TUTOR_REGISTERED_V1,
      key: w.tutorA,
      data: {
        tutorId: w.tutorA,
        districtId: w.district,
        vendorId: w.vendorA,
        clearedUntil: '2027-06-30',
        subjects: ['math'],
        gradeBands: [{ from: '3', to: '5' }],
        credentials: [],
        availability: [],
        maxGroups: 4,
        active: true,
      },
    },
  ];
};

export const vendorRegistrations = (w: World) =>
  [w.vendorA, w.vendorB].map((vendorId) => ({
    topic: ENROLLMENT_VENDORS_TOPIC,
    type: VENDOR_REGISTERED_V1,
    key: vendorId,
    data: contractsTesting.aVendorRegistered({
      vendorId,
      districtId: w.district,
      name: `Vendor ${vendorId.slice(0, 4)}`,
    }),
  }));

export const connectProducer = async (brokers: string): Promise<Producer> => {
  const producer = new Kafka({
    clientId: 'e2e-as-enrollment',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  }).producer();
  await producer.connect();
  return producer;
};

/** Publishes as the producing service would: binary CloudEvents, districtid set, the schema checked first. */
export const publishAsService = async (
  producer: Producer,
  district: string,
  events: { topic: string; type: string; key: string; data: unknown }[],
): Promise<void> => {
  for (const e of events) {
    if (e.type !== VENDOR_REGISTERED_V1) {
      const valid = validateInternalEvent(e.type, e.data);
      if (!valid.ok) throw new Error(`test event ${e.type} is invalid: ${JSON.stringify(valid.errors)}`);
    }
    const service = e.topic.split('.')[1] ?? 'enrollment';
    const { headers, value } = encodeBinary({
      specversion: '1.0',
      id: randomUUID(),
      source: `urn:tutoring:service:${service}`,
      type: e.type,
      time: new Date().toISOString(),
      districtid: district,
      datacontenttype: 'application/json',
      data: e.data,
    });
    await producer.send({ topic: e.topic, messages: [{ key: e.key, value, headers }] });
  }
};
