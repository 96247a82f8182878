// JSON Schemas of the internal events enrollment publishes. Owned by enrollment; consumers validate against them.
import type { JsonSchema } from '../../schemas/common.schema';
import type { InternalEventType } from '../internal-events';

export const ENROLLMENT_EVENT_SCHEMAS: Partial<Record<InternalEventType, JsonSchema>> = {};
