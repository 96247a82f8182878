import { validateInternalEvent, type InternalEventDataMap, type InternalEventType } from '@tutoring/shared/contracts';
import type { CloudEvent, OutboxMessage } from '@tutoring/shared/messaging';

export const ENROLLMENT_SOURCE = 'urn:tutoring:service:enrollment';

export class InvalidOutgoingEvent extends Error {}

/**
 * An internal event as an outbox message, validated against the schema other services validate with: enrollment
 * never publishes what its consumers would refuse (nor a field the schema does not know, such as a name).
 */
export function internalMessage<T extends InternalEventType>(
  topic: string,
  key: string,
  type: T,
  data: InternalEventDataMap[T],
  meta: { id: string; time: string; districtId: string },
): OutboxMessage {
  const checked = validateInternalEvent(type, data);
  if (!checked.ok) {
    throw new InvalidOutgoingEvent(
      `${type} refused by its schema: ${checked.errors.map((e) => `${e.path} ${e.code}`).join('; ')}`,
    );
  }
  const event: CloudEvent = {
    specversion: '1.0',
    id: meta.id,
    source: ENROLLMENT_SOURCE,
    type,
    time: meta.time,
    subject: key,
    datacontenttype: 'application/json',
    districtid: meta.districtId,
    data,
  };
  return { topic, key, event };
}
