// JSON Schemas of the internal events notifications publishes. Owned by notifications; consumers validate against them.
import {
  boundedString,
  enumOf,
  eventSchema,
  object,
  timestamp,
  uuid,
  type JsonSchema,
} from '../../schemas/common.schema';
import { NOTIFICATION_SENT_V1, type InternalEventType } from '../internal-events';

export const NOTIFICATION_SENT_V1_SCHEMA: JsonSchema = eventSchema(
  NOTIFICATION_SENT_V1,
  object('A notification left the service on one channel (ids only: no address, no text)', {
    notificationId: uuid('Deterministic id of the notification (rule + source + recipient + channel)'),
    districtId: uuid('District (tenant)'),
    rule: boundedString('Rule that decided it, e.g. dosage_below_target', 1, 64),
    channel: enumOf(['email', 'webhook', 'sms', 'inbox'], 'Channel it was sent on'),
    recipientId: boundedString(
      'Pseudonymous recipient id: user subject, vendor id, teacher id, or enrolment id for a family',
      1,
      200,
    ),
    sentAt: timestamp('When the channel accepted it'),
  }),
);

export const NOTIFICATIONS_EVENT_SCHEMAS: Partial<Record<InternalEventType, JsonSchema>> = {
  [NOTIFICATION_SENT_V1]: NOTIFICATION_SENT_V1_SCHEMA,
};
