// JSON Schemas (draft-07) of internal events, one file per producing context. The producer validates what it
// publishes; a consumer validates what it reads (validateInternalEvent) before anything else touches it.
import type { JsonSchema } from '../../schemas/common.schema';
import type { InternalEventType } from '../internal-events';

/**
 * Filled by each producing context's schema file (enrollment.schemas.ts, scheduling.schemas.ts,
 * ledger.schemas.ts, notifications.schemas.ts). A type without a schema here is not yet published.
 */
export const INTERNAL_EVENT_SCHEMAS: Partial<Record<InternalEventType, JsonSchema>> = {};
