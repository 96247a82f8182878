// Maps scheduling's state to its published events (internal contract) and queues each twice: on the scheduling
// topic for the platform, and on the owning vendor's assignments topic (a vendor only ever sees its own).
import {
  GROUP_FORMED_V1,
  OCCURRENCE_CANCELLED_V1,
  OCCURRENCE_PLANNED_V1,
  SCHEDULING_TOPIC,
  serviceSource,
  validateInternalEvent,
  vendorAssignmentsTopic,
  type GroupFormedV1,
  type InternalEventType,
  type OccurrenceCancelledV1,
  type OccurrencePlannedV1,
} from '@tutoring/shared/contracts';
import type { OutboxMessage } from '@tutoring/shared/messaging';
import type { OccurrenceCancelled, ScheduledGroup } from '@tutoring/scheduling/domain';
import type { OccurrenceRow } from '@tutoring/scheduling/infrastructure';

const SOURCE = serviceSource('scheduling');

export class InvalidOutgoingEvent extends Error {}

const messages = <T>(
  type: InternalEventType,
  data: T & { districtId: string; vendorId: string },
  key: string,
  id: () => string,
  time: string,
): OutboxMessage[] => {
  const checked = validateInternalEvent(type, data);
  if (!checked.ok)
    throw new InvalidOutgoingEvent(`${type} does not match its schema: ${JSON.stringify(checked.errors)}`);
  const event = (eventId: string) => ({
    specversion: '1.0' as const,
    id: eventId,
    source: SOURCE,
    type,
    time,
    subject: key,
    datacontenttype: 'application/json',
    districtid: data.districtId,
    data,
  });
  return [
    { topic: SCHEDULING_TOPIC, key, event: event(id()) },
    { topic: vendorAssignmentsTopic(data.vendorId), key, event: event(id()) },
  ];
};

export const groupFormedData = (g: ScheduledGroup, tutorChangeReason: string | null): GroupFormedV1 => ({
  groupId: g.groupId,
  districtId: g.districtId,
  programId: g.programId,
  schoolId: g.schoolId,
  vendorId: g.vendorId,
  tutorId: g.tutorId,
  studentIds: g.studentIds,
  tutorChangeReason,
  version: g.version,
});

export const groupMessages = (
  g: ScheduledGroup,
  tutorChangeReason: string | null,
  id: () => string,
  time: string,
): OutboxMessage[] => messages(GROUP_FORMED_V1, groupFormedData(g, tutorChangeReason), g.groupId, id, time);

/** The planned occurrence as published: students whose attendance was cancelled ahead are not listed. */
export const occurrencePlannedData = (o: OccurrenceRow): OccurrencePlannedV1 => ({
  occurrenceId: o.occurrenceId,
  districtId: o.districtId,
  groupId: o.groupId,
  programId: o.programId,
  schoolId: o.schoolId,
  vendorId: o.vendorId,
  tutorId: o.tutorId,
  studentIds: o.studentIds.filter((s) => !o.cancelledStudentIds.includes(s)),
  date: o.date,
  startsAt: o.startsAt,
  endsAt: o.endsAt,
});

export const occurrenceMessages = (o: OccurrenceRow, id: () => string, time: string): OutboxMessage[] =>
  messages(OCCURRENCE_PLANNED_V1, occurrencePlannedData(o), o.groupId, id, time);

export const cancellationMessages = (districtId: string, c: OccurrenceCancelled, id: () => string): OutboxMessage[] => {
  const data: OccurrenceCancelledV1 = {
    occurrenceId: c.data.occurrenceId,
    districtId,
    groupId: c.data.groupId,
    vendorId: c.data.vendorId,
    reason: c.data.reason,
    accountable: c.data.accountable,
    studentIds: c.data.studentIds,
    note: c.data.note,
  };
  return messages(OCCURRENCE_CANCELLED_V1, data, c.data.groupId, id, c.data.at);
};
