// Internal events that cross service boundaries: enrollment → others on tutoring.enrollment.vendors.v1.
import { MAX_VENDOR_NAME_LENGTH } from '../limits';
import { VENDOR_REGISTERED_V1 } from '../event-types';
import { boundedString, deepFreeze, eventSchema, object, timestamp, uuid, type JsonSchema } from './common.schema';

export const vendorRegisteredSchema: JsonSchema = eventSchema(
  VENDOR_REGISTERED_V1,
  object('A district registered a tutoring vendor (an organisation, not a person)', {
    vendorId: uuid('Vendor'),
    districtId: uuid('District that registered it'),
    name: boundedString('Organisation name', 1, MAX_VENDOR_NAME_LENGTH),
    registeredAt: timestamp('When it was registered'),
  }),
);

/**
 * Placeholder for tutoring.vendor.<vendorId>.assignments.v1, owned by scheduling and not fixed yet.
 * Known fields only; open to additions until scheduling defines the v1 event types.
 */
export const vendorAssignmentPlaceholderSchema: JsonSchema = deepFreeze({
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'vendor assignment (draft placeholder)',
  description:
    'Draft: assigned students, groups, tutors and scheduled occurrences. Only the student fields are known so far.',
  type: 'object',
  properties: {
    studentId: uuid('Pseudonymous student id'),
    grade: { type: 'string', pattern: '^(PK|K|[1-9]|1[0-2])$', description: 'Grade level: PK, K, 1..12' },
    schoolId: uuid('School'),
  },
  additionalProperties: true,
});
