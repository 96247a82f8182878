// "Topic, source and data.vendorId must agree" (DESIGN.md §4): a vendor can only speak for itself.
import { parseVendorSource } from '../sources';
import { parseVendorTopic } from '../topics';
import { fieldError, type FieldError } from './field-error';

export interface VendorMessageOrigin {
  /** Kafka topic; absent for HTTP/CSV ingest, where the authenticated vendor is checked instead. */
  topic?: string;
  /** Authenticated vendor (HTTP/CSV ingest). */
  authenticatedVendorId?: string;
  /** ce_source */
  source: string;
  data: unknown;
}

export const vendorAgreementErrors = ({
  topic,
  authenticatedVendorId,
  source,
  data,
}: VendorMessageOrigin): FieldError[] => {
  const sourceVendorId = parseVendorSource(source);
  if (sourceVendorId === null) {
    return [fieldError('ce_source', 'format', 'must be urn:tutoring:vendor:<vendorId>')];
  }
  const errors: FieldError[] = [];
  if (topic !== undefined) {
    const parsed = parseVendorTopic(topic);
    if (parsed === null || parsed.kind !== 'sessions') {
      errors.push(fieldError('topic', 'format', 'must be tutoring.vendor.<vendorId>.sessions.v1'));
    } else if (parsed.vendorId !== sourceVendorId) {
      errors.push(fieldError('ce_source', 'mismatch', 'must name the vendor of the topic'));
    }
  }
  if (authenticatedVendorId !== undefined && authenticatedVendorId !== sourceVendorId) {
    errors.push(fieldError('ce_source', 'mismatch', 'must name the authenticated vendor'));
  }
  const dataVendorId =
    typeof data === 'object' && data !== null ? (data as Record<string, unknown>)['vendorId'] : undefined;
  if (typeof dataVendorId === 'string' && dataVendorId !== sourceVendorId) {
    errors.push(fieldError('vendorId', 'mismatch', 'must equal the vendor in ce_source'));
  }
  return errors;
};
