// Keeps scheduling's local copies of enrollment's facts (districts' zones, calendars, programs, students,
// enrolments, tutors). Each message is validated against enrollment's schema, then applied once, in a
// transaction scoped to the event's district, together with the processed-message record.
import type { DataSource } from 'typeorm';
import {
  deadLetterTopic,
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
  type EnrolmentChangedV1,
  type InternalEventData,
  type SchoolCalendarSetV1,
} from '@tutoring/shared/contracts';
import {
  decodeCloudEvent,
  DeadLetterPublisher,
  processOnce,
  type FieldError,
  type IncomingMessage,
  type MessageBatchHandler,
  type MessagingLogger,
} from '@tutoring/shared/messaging';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import type { SchedulingStore } from '@tutoring/scheduling/infrastructure';
import type { EntityManager } from 'typeorm';

export const ENROLLMENT_TOPICS = [ENROLLMENT_ORGANISATION_TOPIC, ENROLLMENT_STUDENTS_TOPIC, ENROLLMENT_TUTORS_TOPIC];
const CONSUMER = 'scheduling.reference';

type Apply = (store: SchedulingStore, m: EntityManager, data: InternalEventData) => Promise<void>;
const APPLY: Record<string, Apply> = {
  [DISTRICT_CONFIGURED_V1]: (s, m, d) => s.reference.upsertDistrict(m, d as never),
  [SCHOOL_CALENDAR_SET_V1]: (s, m, d) => s.reference.upsertCalendar(m, d as never),
  [PROGRAM_DEFINED_V1]: (s, m, d) => s.reference.upsertProgram(m, d as never),
  [STUDENT_ROSTERED_V1]: (s, m, d) => s.reference.upsertStudent(m, d as never),
  [ENROLMENT_CHANGED_V1]: (s, m, d) => s.reference.upsertEnrolment(m, d as never),
  [TUTOR_REGISTERED_V1]: (s, m, d) => s.reference.upsertTutor(m, d as never),
};

/** Enrolment states in which a student stays in their groups. */
const SERVED = (e: EnrolmentChangedV1): boolean =>
  e.status === 'enrolled' && (e.consent === 'granted' || e.consent === 'not_opted_out');

export interface StudentRemoval {
  removeStudentFromProgram(
    districtId: string,
    studentId: string,
    programId: string,
    reason: string,
    at: string,
  ): Promise<number>;
}

/** What a school calendar change sets in motion: the school's planned occurrences follow the new calendar. */
export interface ScheduleFollower extends StudentRemoval {
  /** Realigns from today (the service's clock, not the event's time: a replayed old event never touches the past). */
  realignSchoolIn(m: EntityManager, districtId: string, schoolId: string, by: string): Promise<number>;
}

export class EnrollmentEventsHandler implements MessageBatchHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: SchedulingStore,
    private readonly removal: ScheduleFollower,
    private readonly deadLetters: (topic: string) => DeadLetterPublisher,
    private readonly logger: MessagingLogger,
  ) {}

  private async deadLetter(message: IncomingMessage, errors: FieldError[]): Promise<void> {
    this.logger.error(
      { topic: message.topic, offset: message.offset, errors },
      'invalid enrollment event: dead-lettered',
    );
    await this.deadLetters(deadLetterTopic(message.topic)).publish(message, { errors, stage: CONSUMER });
  }

  async handleBatch(messages: IncomingMessage[]): Promise<void> {
    for (const message of messages) {
      const decoded = decodeCloudEvent(message);
      if (!decoded.ok) {
        await this.deadLetter(message, decoded.errors);
        continue;
      }
      const apply = APPLY[decoded.event.type];
      if (!apply) continue; // consent, assessments, …: not scheduling's business
      const validated = validateInternalEvent(decoded.event.type, decoded.event.data);
      if (!validated.ok) {
        await this.deadLetter(message, validated.errors);
        continue;
      }
      const data = validated.value as InternalEventData & { districtId: string };
      // A student no longer served leaves their groups first (idempotent), so a redelivery after a crash redoes it.
      if (decoded.event.type === ENROLMENT_CHANGED_V1) {
        const e = data as EnrolmentChangedV1;
        if (!SERVED(e))
          await this.removal.removeStudentFromProgram(
            e.districtId,
            e.studentId,
            e.programId,
            `enrolment ${e.status}, consent ${e.consent}`,
            e.changedAt,
          );
      }
      await inTenantTransaction(this.dataSource, data.districtId, async (m) => {
        if (!(await processOnce(m, this.store.schema, CONSUMER, decoded.event.id))) return;
        await apply(this.store, m, data);
        // A closure day added (or a school day restored) after occurrences were planned: they follow, atomically.
        if (decoded.event.type === SCHOOL_CALENDAR_SET_V1) {
          const c = data as SchoolCalendarSetV1;
          await this.removal.realignSchoolIn(m, c.districtId, c.schoolId, 'enrollment');
        }
      });
    }
  }
}
