// JSON Schemas (draft-07) of internal events, one file per producing context. The producer validates what it
// publishes; a consumer validates what it reads (validateInternalEvent) before anything else touches it.
import type { JsonSchema } from '../../schemas/common.schema';
import type { InternalEventType } from '../internal-events';
import { ENROLLMENT_EVENT_SCHEMAS } from './enrollment.schemas';
import { LEDGER_EVENT_SCHEMAS } from './ledger.schemas';
import { NOTIFICATIONS_EVENT_SCHEMAS } from './notifications.schemas';
import { SCHEDULING_EVENT_SCHEMAS } from './scheduling.schemas';

/** A type without a schema here is not yet published by its producer. */
export const INTERNAL_EVENT_SCHEMAS: Partial<Record<InternalEventType, JsonSchema>> = Object.freeze({
  ...ENROLLMENT_EVENT_SCHEMAS,
  ...SCHEDULING_EVENT_SCHEMAS,
  ...LEDGER_EVENT_SCHEMAS,
  ...NOTIFICATIONS_EVENT_SCHEMAS,
});
