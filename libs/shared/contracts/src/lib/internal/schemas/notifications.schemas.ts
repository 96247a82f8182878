// JSON Schemas of the internal events notifications publishes. Owned by notifications; consumers validate against them.
import type { JsonSchema } from '../../schemas/common.schema';
import type { InternalEventType } from '../internal-events';

export const NOTIFICATIONS_EVENT_SCHEMAS: Partial<Record<InternalEventType, JsonSchema>> = {};
