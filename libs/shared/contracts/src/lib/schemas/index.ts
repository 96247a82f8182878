import { type EventType } from '../event-types';
import type { JsonSchema } from './common.schema';
import { sessionAcceptedSchema, sessionRejectedSchema } from './feedback.schemas';
import { statementApprovedSchema, statementIssuedSchema } from './payout.schemas';
import { sessionCorrectedSchema, sessionDeliveredSchema, sessionVoidedSchema } from './session.schemas';
import { vendorRegisteredSchema } from './vendor.schemas';

export type { JsonSchema } from './common.schema';
export { JSON_SCHEMA_DIALECT } from './common.schema';
export * from './feedback.schemas';
export * from './payout.schemas';
export * from './session.schemas';
export * from './vendor.schemas';

/** The normative JSON Schema (draft-07) of each event type's `data`. */
export const EVENT_SCHEMAS: Readonly<Record<EventType, JsonSchema>> = Object.freeze({
  'org.tutoring.session.delivered.v1': sessionDeliveredSchema,
  'org.tutoring.session.corrected.v1': sessionCorrectedSchema,
  'org.tutoring.session.voided.v1': sessionVoidedSchema,
  'org.tutoring.session.accepted.v1': sessionAcceptedSchema,
  'org.tutoring.session.rejected.v1': sessionRejectedSchema,
  'org.tutoring.payout.statement-issued.v1': statementIssuedSchema,
  'org.tutoring.payout.statement-approved.v1': statementApprovedSchema,
  'org.tutoring.vendor.registered.v1': vendorRegisteredSchema,
});
