import {
  deadLetterTopic,
  FINANCE_PAYOUTS_TOPIC,
  isDeadLetterTopic,
  parseVendorTopic,
  sourceOfDeadLetterTopic,
  vendorAssignmentsTopic,
  vendorFeedbackTopic,
  vendorSessionsTopic,
  vendorTopicPattern,
} from './topics';
import { parseVendorSource, serviceSource, vendorSource } from './sources';
import { testUuid } from '../testing/ids';

const vendorId = testUuid(42);

describe('vendor topics', () => {
  it('names one topic per vendor and kind, versioned', () => {
    expect(vendorSessionsTopic(vendorId)).toBe(`tutoring.vendor.${vendorId}.sessions.v1`);
    expect(vendorFeedbackTopic(vendorId)).toBe(`tutoring.vendor.${vendorId}.feedback.v1`);
    expect(vendorAssignmentsTopic(vendorId)).toBe(`tutoring.vendor.${vendorId}.assignments.v1`);
    expect(FINANCE_PAYOUTS_TOPIC).toBe('tutoring.finance.payouts.v1');
  });

  it('refuses a vendorId that is not a lowercase UUID (it would break ACL scoping)', () => {
    expect(() => vendorSessionsTopic('acme')).toThrow('vendorId');
    expect(() => vendorSessionsTopic(vendorId.toUpperCase())).toThrow('vendorId');
    expect(() => vendorSessionsTopic(`${vendorId}.sessions.v1.x`)).toThrow('vendorId');
  });

  it('parses what it names', () => {
    expect(parseVendorTopic(vendorSessionsTopic(vendorId))).toEqual({ vendorId, kind: 'sessions' });
    expect(parseVendorTopic(vendorFeedbackTopic(vendorId))).toEqual({ vendorId, kind: 'feedback' });
    expect(parseVendorTopic(vendorAssignmentsTopic(vendorId))).toEqual({ vendorId, kind: 'assignments' });
  });

  it.each([
    FINANCE_PAYOUTS_TOPIC,
    `tutoring.vendor.${vendorId}.sessions.v2`,
    `tutoring.vendor.${vendorId}.invoices.v1`,
    'tutoring.vendor.acme.sessions.v1',
    `tutoring.vendor.${vendorId}.sessions.v1.dlq`,
    `xtutoring.vendor.${vendorId}.sessions.v1`,
    '',
  ])('returns null for %p', (topic) => {
    expect(parseVendorTopic(topic)).toBeNull();
  });

  it('offers a subscription pattern per kind', () => {
    expect(vendorTopicPattern('sessions').test(vendorSessionsTopic(vendorId))).toBe(true);
    expect(vendorTopicPattern('sessions').test(vendorFeedbackTopic(vendorId))).toBe(false);
    expect(vendorTopicPattern('sessions').test(deadLetterTopic(vendorSessionsTopic(vendorId)))).toBe(false);
  });
});

describe('dead-letter topics', () => {
  it('are <source topic>.dlq and reversible', () => {
    const dlq = deadLetterTopic(vendorSessionsTopic(vendorId));
    expect(dlq).toBe(`tutoring.vendor.${vendorId}.sessions.v1.dlq`);
    expect(isDeadLetterTopic(dlq)).toBe(true);
    expect(sourceOfDeadLetterTopic(dlq)).toBe(vendorSessionsTopic(vendorId));
    expect(sourceOfDeadLetterTopic(FINANCE_PAYOUTS_TOPIC)).toBeNull();
  });
});

describe('ce_source', () => {
  it('is urn:tutoring:vendor:<vendorId> for vendors', () => {
    expect(vendorSource(vendorId)).toBe(`urn:tutoring:vendor:${vendorId}`);
    expect(parseVendorSource(vendorSource(vendorId))).toBe(vendorId);
    expect(parseVendorSource('urn:tutoring:vendor:acme')).toBeNull();
    expect(parseVendorSource(serviceSource('session-ledger'))).toBeNull();
    expect(serviceSource('session-ledger')).toBe('urn:tutoring:service:session-ledger');
  });
});
