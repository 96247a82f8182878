// JSON Schemas of the internal events scheduling publishes. Owned by scheduling; consumers validate against them.
import type { JsonSchema } from '../../schemas/common.schema';
import type { InternalEventType } from '../internal-events';

export const SCHEDULING_EVENT_SCHEMAS: Partial<Record<InternalEventType, JsonSchema>> = {};
