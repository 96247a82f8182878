import {
  DISTRICT_CONFIGURED_V1,
  ENROLMENT_CHANGED_V1,
  InternalEventDataMap,
  OCCURRENCE_CANCELLED_V1,
  OCCURRENCE_PLANNED_V1,
  PROGRAM_DEFINED_V1,
  SCHOOL_CALENDAR_SET_V1,
  STUDENT_ROSTERED_V1,
  TUTOR_REGISTERED_V1,
} from '@tutoring/shared/contracts';

/**
 * The reference facts the billable-line rules need, as the ledger keeps them: one row per entity, the latest
 * snapshot wins. Pure mapping from an enrollment or scheduling event (already validated) to the rows to upsert.
 */
export type ReferenceUpdate =
  | { kind: 'district'; districtId: string; timeZone: string }
  | {
      kind: 'calendar';
      districtId: string;
      schoolId: string;
      /** Inclusive range the calendar replaces: days in it that are absent are not instructional. */
      from: string;
      to: string;
      days: { day: string; earlyRelease: boolean }[];
    }
  | {
      kind: 'program';
      programId: string;
      districtId: string;
      subject: string;
      maxGroupSize: number;
      targetSessionsPerWeek: number;
      targetMinutesPerSession: number;
      startDate: string;
      endDate: string;
      plausibleFrom: string;
      plausibleTo: string;
      vendorIds: string[];
    }
  | { kind: 'student'; studentId: string; districtId: string; schoolId: string; grade: string }
  | {
      kind: 'enrolment';
      enrolmentId: string;
      districtId: string;
      studentId: string;
      programId: string;
      vendorId: string | null;
      schoolId: string;
      status: string;
      consent: string;
      startDate: string | null;
      endDate: string | null;
    }
  | { kind: 'tutor'; tutorId: string; districtId: string; vendorId: string; clearedUntil: string | null }
  | {
      kind: 'occurrence_planned';
      occurrenceId: string;
      districtId: string;
      groupId: string;
      vendorId: string;
      programId: string;
      schoolId: string;
      tutorId: string;
      date: string;
      startsAt: string;
      endsAt: string;
      studentIds: string[];
    }
  | {
      /** One cancellation, kept as a fact of its own (several per occurrence; the event id makes it idempotent). */
      kind: 'occurrence_cancelled';
      eventId: string;
      /** The event's time (when scheduling cancelled), null if it carried none: orders cancellations of one scope. */
      cancelledAt: string | null;
      occurrenceId: string;
      districtId: string;
      groupId: string;
      vendorId: string;
      reason: string;
      accountable: string;
      studentIds: string[];
    };

/** The event types the ledger keeps reference facts from; every other type on those topics is not its business. */
export const REFERENCE_EVENT_TYPES = [
  DISTRICT_CONFIGURED_V1,
  SCHOOL_CALENDAR_SET_V1,
  PROGRAM_DEFINED_V1,
  STUDENT_ROSTERED_V1,
  ENROLMENT_CHANGED_V1,
  TUTOR_REGISTERED_V1,
  OCCURRENCE_PLANNED_V1,
  OCCURRENCE_CANCELLED_V1,
] as const;
export type ReferenceEventType = (typeof REFERENCE_EVENT_TYPES)[number];
export const isReferenceEventType = (type: string): type is ReferenceEventType =>
  (REFERENCE_EVENT_TYPES as readonly string[]).includes(type);

/**
 * A school year label "2026-2027" covers July 1st to June 30th; without a readable label the calendar covers the
 * span of its own days.
 */
export const schoolYearRange = (schoolYear: string, days: readonly string[]): { from: string; to: string } => {
  const m = /^(\d{4})-(\d{4})$/.exec(schoolYear);
  if (m && Number(m[2]) === Number(m[1]) + 1) return { from: `${m[1]}-07-01`, to: `${m[2]}-06-30` };
  const sorted = [...days].sort();
  return { from: sorted[0] ?? '9999-12-31', to: sorted[sorted.length - 1] ?? '0001-01-01' };
};

/** The envelope facts a reference update may need: the CloudEvent id and time. */
export interface ReferenceEventMeta {
  eventId: string;
  time?: string | null;
}

export function referenceUpdateOf<T extends ReferenceEventType>(
  type: T,
  data: InternalEventDataMap[T],
  meta: ReferenceEventMeta,
): ReferenceUpdate;
export function referenceUpdateOf(
  type: ReferenceEventType,
  data: InternalEventDataMap[ReferenceEventType],
  meta: ReferenceEventMeta,
): ReferenceUpdate {
  switch (type) {
    case DISTRICT_CONFIGURED_V1: {
      const d = data as InternalEventDataMap[typeof DISTRICT_CONFIGURED_V1];
      return { kind: 'district', districtId: d.districtId, timeZone: d.timeZone };
    }
    case SCHOOL_CALENDAR_SET_V1: {
      const d = data as InternalEventDataMap[typeof SCHOOL_CALENDAR_SET_V1];
      const early = new Set(d.earlyReleaseDays);
      return {
        kind: 'calendar',
        districtId: d.districtId,
        schoolId: d.schoolId,
        ...schoolYearRange(d.schoolYear, d.instructionalDays),
        days: [...new Set(d.instructionalDays)].map((day) => ({ day, earlyRelease: early.has(day) })),
      };
    }
    case PROGRAM_DEFINED_V1: {
      const d = data as InternalEventDataMap[typeof PROGRAM_DEFINED_V1];
      return {
        kind: 'program',
        programId: d.programId,
        districtId: d.districtId,
        subject: d.subject,
        maxGroupSize: d.maxGroupSize,
        targetSessionsPerWeek: d.target.sessionsPerWeek,
        targetMinutesPerSession: d.target.minutesPerSession,
        startDate: d.startDate,
        endDate: d.endDate,
        plausibleFrom: d.plausibleHours.from,
        plausibleTo: d.plausibleHours.to,
        vendorIds: d.vendorIds,
      };
    }
    case STUDENT_ROSTERED_V1: {
      const d = data as InternalEventDataMap[typeof STUDENT_ROSTERED_V1];
      return {
        kind: 'student',
        studentId: d.studentId,
        districtId: d.districtId,
        schoolId: d.schoolId,
        grade: d.grade,
      };
    }
    case ENROLMENT_CHANGED_V1: {
      const d = data as InternalEventDataMap[typeof ENROLMENT_CHANGED_V1];
      return {
        kind: 'enrolment',
        enrolmentId: d.enrolmentId,
        districtId: d.districtId,
        studentId: d.studentId,
        programId: d.programId,
        vendorId: d.vendorId,
        schoolId: d.schoolId,
        status: d.status,
        consent: d.consent,
        startDate: d.startDate,
        endDate: d.endDate,
      };
    }
    case TUTOR_REGISTERED_V1: {
      const d = data as InternalEventDataMap[typeof TUTOR_REGISTERED_V1];
      // An inactive tutor keeps the clearance dates it had: sessions before deactivation stay billable.
      return {
        kind: 'tutor',
        tutorId: d.tutorId,
        districtId: d.districtId,
        vendorId: d.vendorId,
        clearedUntil: d.clearedUntil,
      };
    }
    case OCCURRENCE_PLANNED_V1: {
      const d = data as InternalEventDataMap[typeof OCCURRENCE_PLANNED_V1];
      return {
        kind: 'occurrence_planned',
        occurrenceId: d.occurrenceId,
        districtId: d.districtId,
        groupId: d.groupId,
        vendorId: d.vendorId,
        programId: d.programId,
        schoolId: d.schoolId,
        tutorId: d.tutorId,
        date: d.date,
        startsAt: d.startsAt,
        endsAt: d.endsAt,
        studentIds: d.studentIds,
      };
    }
    case OCCURRENCE_CANCELLED_V1: {
      const d = data as InternalEventDataMap[typeof OCCURRENCE_CANCELLED_V1];
      return {
        kind: 'occurrence_cancelled',
        eventId: meta.eventId,
        cancelledAt: meta.time ?? null,
        occurrenceId: d.occurrenceId,
        districtId: d.districtId,
        groupId: d.groupId,
        vendorId: d.vendorId,
        reason: d.reason,
        accountable: d.accountable,
        studentIds: d.studentIds,
      };
    }
    default: {
      const _exhaustive: never = type;
      throw new Error(`not a reference event: ${String(_exhaustive)}`);
    }
  }
}
