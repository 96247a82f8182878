// Kafka topic names. One topic per vendor and kind so Kafka ACLs can scope each vendor to its own topics.
// The `.v1` suffix versions the topic: a v2 contract gets new topics, v1 topics keep their shape.
import { isUuid } from './formats';

export const VENDOR_TOPIC_KINDS = ['sessions', 'feedback', 'assignments'] as const;
export type VendorTopicKind = (typeof VENDOR_TOPIC_KINDS)[number];

export const FINANCE_PAYOUTS_TOPIC = 'tutoring.finance.payouts.v1';
/** enrollment → other services; key = vendorId. */
export const ENROLLMENT_VENDORS_TOPIC = 'tutoring.enrollment.vendors.v1';
/**
 * Dead letters go to `<source topic>.dlq`, one per source topic: the source topic's ACLs and retention can be
 * mirrored, a poison message keeps its vendor scope, and replay is "read X.dlq, write X".
 */
export const DEAD_LETTER_SUFFIX = '.dlq';

const assertVendorId = (vendorId: string): void => {
  if (!isUuid(vendorId)) throw new Error('vendorId must be a lowercase UUID');
};

const vendorTopic = (vendorId: string, kind: VendorTopicKind): string => {
  assertVendorId(vendorId);
  return `tutoring.vendor.${vendorId}.${kind}.v1`;
};

/** `tutoring.vendor.<vendorId>.sessions.v1`: vendor → platform; key = sessionId. */
export const vendorSessionsTopic = (vendorId: string): string => vendorTopic(vendorId, 'sessions');
/** `tutoring.vendor.<vendorId>.feedback.v1`: platform → vendor; key = sessionId. */
export const vendorFeedbackTopic = (vendorId: string): string => vendorTopic(vendorId, 'feedback');
/** `tutoring.vendor.<vendorId>.assignments.v1`: platform → vendor. */
export const vendorAssignmentsTopic = (vendorId: string): string => vendorTopic(vendorId, 'assignments');

/** Regex subscriptions for all vendors' topics of one kind (e.g. the ledger consumes every sessions topic). */
export const vendorTopicPattern = (kind: VendorTopicKind): RegExp =>
  new RegExp(`^tutoring\\.vendor\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.${kind}\\.v1$`);

const VENDOR_TOPIC_RE = /^tutoring\.vendor\.([^.]+)\.([a-z]+)\.v1$/;

/** `{ vendorId, kind }` of a v1 vendor topic, or null for any other topic (including dead-letter topics). */
export const parseVendorTopic = (topic: string): { vendorId: string; kind: VendorTopicKind } | null => {
  const m = VENDOR_TOPIC_RE.exec(topic);
  if (!m) return null;
  const vendorId = m[1] as string;
  const kind = m[2] as string;
  if (!isUuid(vendorId) || !(VENDOR_TOPIC_KINDS as readonly string[]).includes(kind)) return null;
  return { vendorId, kind: kind as VendorTopicKind };
};

export const deadLetterTopic = (sourceTopic: string): string => `${sourceTopic}${DEAD_LETTER_SUFFIX}`;
export const isDeadLetterTopic = (topic: string): boolean => topic.endsWith(DEAD_LETTER_SUFFIX);
/** The source topic of a dead-letter topic, or null when the topic is not a dead-letter topic. */
export const sourceOfDeadLetterTopic = (topic: string): string | null =>
  isDeadLetterTopic(topic) ? topic.slice(0, -DEAD_LETTER_SUFFIX.length) : null;

/** Headers the dead-letter writer adds to the unchanged original message (original headers are kept). */
export const DEAD_LETTER_HEADERS = {
  sourceTopic: 'dlq_source_topic',
  sourcePartition: 'dlq_source_partition',
  sourceOffset: 'dlq_source_offset',
  reason: 'dlq_reason',
  failedAt: 'dlq_failed_at',
} as const;
