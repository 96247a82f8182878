// CloudEvents `source` values. A vendor's events carry its own URN so that topic, source and
// data.vendorId can be checked against each other (a vendor cannot speak for another vendor).
import { isUuid } from './formats';

const VENDOR_SOURCE_PREFIX = 'urn:tutoring:vendor:';
const SERVICE_SOURCE_PREFIX = 'urn:tutoring:service:';

export const SERVICES = [
  'enrollment',
  'scheduling',
  'session-ledger',
  'outcomes-contracting',
  'notifications',
] as const;
export type ServiceName = (typeof SERVICES)[number];

/** `urn:tutoring:vendor:<vendorId>` */
export const vendorSource = (vendorId: string): string => `${VENDOR_SOURCE_PREFIX}${vendorId}`;

/** The vendorId of a vendor source URN, or null when the source is not one. */
export const parseVendorSource = (source: string): string | null => {
  if (!source.startsWith(VENDOR_SOURCE_PREFIX)) return null;
  const vendorId = source.slice(VENDOR_SOURCE_PREFIX.length);
  return isUuid(vendorId) ? vendorId : null;
};

/** `urn:tutoring:service:<service>`: the source of events our own services publish. */
export const serviceSource = (service: ServiceName): string => `${SERVICE_SOURCE_PREFIX}${service}`;
