// CloudEvents binary-mode Kafka headers, as an AsyncAPI (draft-07 compatible) schema per message.
import { CE_SPECVERSION, CONTENT_TYPE_JSON } from '../event-types';
import { TRACEPARENT_PATTERN, UUID_PATTERN } from '../limits';

const UUID_BODY = UUID_PATTERN.slice(1, -1);
export const VENDOR_SOURCE_PATTERN = `^urn:tutoring:vendor:${UUID_BODY}$`;
export const SERVICE_SOURCE_PATTERN = '^urn:tutoring:service:[a-z][a-z-]*$';

export interface HeaderSpec {
  type: string;
  sourcePattern: string;
  sourceDescription: string;
  subjectDescription: string;
}

export const cloudEventHeaders = ({ type, sourcePattern, sourceDescription, subjectDescription }: HeaderSpec) => ({
  type: 'object',
  description: 'CloudEvents 1.0 binary content mode: attributes as ce_-prefixed Kafka headers, value = data JSON',
  required: ['ce_specversion', 'ce_id', 'ce_source', 'ce_type', 'ce_time', 'content-type', 'districtid'],
  properties: {
    ce_specversion: { type: 'string', const: CE_SPECVERSION },
    ce_id: {
      type: 'string',
      minLength: 1,
      maxLength: 256,
      description: 'Idempotency key: same id + same data is a no-op, same id + different data is a conflict',
    },
    ce_source: { type: 'string', pattern: sourcePattern, description: sourceDescription },
    ce_type: { type: 'string', const: type },
    ce_time: { type: 'string', format: 'date-time', description: 'When the event happened (RFC 3339 with offset)' },
    ce_subject: { type: 'string', description: subjectDescription },
    'content-type': { type: 'string', const: CONTENT_TYPE_JSON },
    districtid: { type: 'string', pattern: UUID_PATTERN, description: 'Tenant: the district UUID' },
    traceparent: { type: 'string', pattern: TRACEPARENT_PATTERN, description: 'W3C trace context' },
  },
});
