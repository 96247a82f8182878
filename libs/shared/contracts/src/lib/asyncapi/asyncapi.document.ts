// Builds the AsyncAPI 3.0 document from the exported JSON Schemas, so the document cannot drift from the
// code. The committed copy (libs/shared/contracts/asyncapi/asyncapi.json) is regenerated with
// `node -r ./tools/register.js libs/shared/contracts/scripts/generate-asyncapi.ts` and checked by a unit test.
import {
  SESSION_ACCEPTED_V1,
  SESSION_CORRECTED_V1,
  SESSION_DELIVERED_V1,
  SESSION_REJECTED_V1,
  SESSION_VOIDED_V1,
  STATEMENT_APPROVED_V1,
  STATEMENT_ISSUED_V1,
  VENDOR_REGISTERED_V1,
  type EventType,
} from '../event-types';
import { MAX_EVENT_BYTES } from '../limits';
import { EVENT_SCHEMAS, vendorAssignmentPlaceholderSchema, type JsonSchema } from '../schemas';
import { ENROLLMENT_VENDORS_TOPIC, FINANCE_PAYOUTS_TOPIC } from '../topics';
import { cloudEventHeaders, SERVICE_SOURCE_PATTERN, VENDOR_SOURCE_PATTERN } from './asyncapi.headers';

export const ASYNCAPI_SCHEMA_FORMAT = 'application/schema+json;version=draft-07';

type Origin = 'vendor' | 'service';
interface MessageSpec {
  type: EventType | null;
  title: string;
  origin: Origin;
  key: string;
  subject: string;
  schema: JsonSchema;
}

/** AsyncAPI message name → what it carries. A null type marks the draft assignments placeholder. */
export const ASYNCAPI_MESSAGES: Readonly<Record<string, MessageSpec>> = {
  sessionDelivered: {
    type: SESSION_DELIVERED_V1,
    title: 'Session delivered',
    origin: 'vendor',
    key: 'sessionId',
    subject: 'sessionId',
    schema: EVENT_SCHEMAS[SESSION_DELIVERED_V1],
  },
  sessionCorrected: {
    type: SESSION_CORRECTED_V1,
    title: 'Session corrected',
    origin: 'vendor',
    key: 'sessionId',
    subject: 'sessionId',
    schema: EVENT_SCHEMAS[SESSION_CORRECTED_V1],
  },
  sessionVoided: {
    type: SESSION_VOIDED_V1,
    title: 'Session voided',
    origin: 'vendor',
    key: 'sessionId',
    subject: 'sessionId',
    schema: EVENT_SCHEMAS[SESSION_VOIDED_V1],
  },
  sessionAccepted: {
    type: SESSION_ACCEPTED_V1,
    title: 'Session accepted',
    origin: 'service',
    key: 'sessionId',
    subject: 'sessionId',
    schema: EVENT_SCHEMAS[SESSION_ACCEPTED_V1],
  },
  sessionRejected: {
    type: SESSION_REJECTED_V1,
    title: 'Session rejected',
    origin: 'service',
    key: 'sessionId (or ce_id when unknown)',
    subject: 'sessionId when known',
    schema: EVENT_SCHEMAS[SESSION_REJECTED_V1],
  },
  statementIssued: {
    type: STATEMENT_ISSUED_V1,
    title: 'Payout statement issued',
    origin: 'service',
    key: 'contractId',
    subject: 'statementId',
    schema: EVENT_SCHEMAS[STATEMENT_ISSUED_V1],
  },
  statementApproved: {
    type: STATEMENT_APPROVED_V1,
    title: 'Payout statement approved',
    origin: 'service',
    key: 'contractId',
    subject: 'statementId',
    schema: EVENT_SCHEMAS[STATEMENT_APPROVED_V1],
  },
  vendorRegistered: {
    type: VENDOR_REGISTERED_V1,
    title: 'Vendor registered',
    origin: 'service',
    key: 'vendorId',
    subject: 'vendorId',
    schema: EVENT_SCHEMAS[VENDOR_REGISTERED_V1],
  },
  vendorAssignment: {
    type: null,
    title: 'Vendor assignment (draft)',
    origin: 'service',
    key: 'studentId',
    subject: 'studentId',
    schema: vendorAssignmentPlaceholderSchema,
  },
};

const message = (name: string, spec: MessageSpec) => ({
  name,
  title: spec.title,
  summary: spec.type ?? 'Draft placeholder: event types not fixed yet',
  contentType: 'application/json',
  headers: cloudEventHeaders({
    type: spec.type ?? 'org.tutoring.assignment.*.v1 (draft)',
    sourcePattern: spec.origin === 'vendor' ? VENDOR_SOURCE_PATTERN : SERVICE_SOURCE_PATTERN,
    sourceDescription:
      spec.origin === 'vendor'
        ? 'urn:tutoring:vendor:<vendorId>, must match the topic and data.vendorId'
        : 'urn:tutoring:service:<service>',
    subjectDescription: `The ${spec.subject}`,
  }),
  payload: { schemaFormat: ASYNCAPI_SCHEMA_FORMAT, schema: spec.schema },
  bindings: { kafka: { key: { type: 'string', description: `Kafka key: ${spec.key}` }, bindingVersion: '0.5.0' } },
});

const vendorIdParameter = { vendorId: { description: 'The vendor UUID (lowercase)' } };
const refs = (channel: string, names: string[]) =>
  names.map((name) => ({ $ref: `#/channels/${channel}/messages/${name}` }));
const channelMessages = (names: string[]) =>
  Object.fromEntries(names.map((name) => [name, { $ref: `#/components/messages/${name}` }]));

const CHANNELS: Record<
  string,
  { address: string; description: string; messages: string[]; action: 'send' | 'receive'; vendor: boolean }
> = {
  vendorSessions: {
    address: 'tutoring.vendor.{vendorId}.sessions.v1',
    description: 'Vendors publish what they delivered (also accepted over HTTP and DATAS CSV). Key = sessionId.',
    messages: ['sessionDelivered', 'sessionCorrected', 'sessionVoided'],
    action: 'receive',
    vendor: true,
  },
  vendorFeedback: {
    address: 'tutoring.vendor.{vendorId}.feedback.v1',
    description: 'Accept/reject feedback on every session event. Key = sessionId.',
    messages: ['sessionAccepted', 'sessionRejected'],
    action: 'send',
    vendor: true,
  },
  vendorAssignments: {
    address: 'tutoring.vendor.{vendorId}.assignments.v1',
    description: 'Draft: assigned students (pseudonymous id, grade, school), groups, tutors, scheduled occurrences.',
    messages: ['vendorAssignment'],
    action: 'send',
    vendor: true,
  },
  financePayouts: {
    address: FINANCE_PAYOUTS_TOPIC,
    description: 'Payout statements for finance. Key = contractId.',
    messages: ['statementIssued', 'statementApproved'],
    action: 'send',
    vendor: false,
  },
  enrollmentVendors: {
    address: ENROLLMENT_VENDORS_TOPIC,
    description: 'Internal, crosses service boundaries: vendors registered by enrollment. Key = vendorId.',
    messages: ['vendorRegistered'],
    action: 'send',
    vendor: false,
  },
};

const DESCRIPTION = [
  'External contracts of the tutoring platform (DESIGN.md section 4). All messages are CloudEvents 1.0 in binary',
  'content mode; ingest also accepts structured mode (application/cloudevents+json). Versioning: a changed shape is',
  'a new type and topic suffix (.v2), never an edit of v1. Dead letters go to `<source topic>.dlq` with the original',
  `message unchanged plus dlq_* headers. Maximum message size: ${MAX_EVENT_BYTES} bytes.`,
].join(' ');

export const buildAsyncApiDocument = () => ({
  asyncapi: '3.0.0',
  info: { title: 'Tutoring platform events', version: '1.0.0', description: DESCRIPTION },
  defaultContentType: 'application/json',
  servers: {
    district: {
      host: 'kafka:9092',
      protocol: 'kafka',
      description: "The district's Kafka cluster (local: single-node KRaft)",
    },
  },
  channels: Object.fromEntries(
    Object.entries(CHANNELS).map(([id, c]) => [
      id,
      {
        address: c.address,
        description: c.description,
        ...(c.vendor ? { parameters: vendorIdParameter } : {}),
        messages: channelMessages(c.messages),
      },
    ]),
  ),
  operations: Object.fromEntries(
    Object.entries(CHANNELS).map(([id, c]) => [
      `${c.action}${id[0]?.toUpperCase()}${id.slice(1)}`,
      { action: c.action, channel: { $ref: `#/channels/${id}` }, messages: refs(id, c.messages) },
    ]),
  ),
  components: {
    messages: Object.fromEntries(Object.entries(ASYNCAPI_MESSAGES).map(([name, spec]) => [name, message(name, spec)])),
  },
});
