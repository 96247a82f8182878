// JSON Schemas of the internal events ledger publishes. Owned by ledger; consumers validate against them.
import type { JsonSchema } from '../../schemas/common.schema';
import type { InternalEventType } from '../internal-events';

export const LEDGER_EVENT_SCHEMAS: Partial<Record<InternalEventType, JsonSchema>> = {};
