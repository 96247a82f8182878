// CloudEvents `type` values. The version suffix is part of the name: a changed shape is a new type
// (…v2) published alongside the old one, never an edit of a v1 type.
export const SESSION_DELIVERED_V1 = 'org.tutoring.session.delivered.v1';
export const SESSION_CORRECTED_V1 = 'org.tutoring.session.corrected.v1';
export const SESSION_VOIDED_V1 = 'org.tutoring.session.voided.v1';
export const SESSION_ACCEPTED_V1 = 'org.tutoring.session.accepted.v1';
export const SESSION_REJECTED_V1 = 'org.tutoring.session.rejected.v1';
export const STATEMENT_ISSUED_V1 = 'org.tutoring.payout.statement-issued.v1';
export const STATEMENT_APPROVED_V1 = 'org.tutoring.payout.statement-approved.v1';
export const VENDOR_REGISTERED_V1 = 'org.tutoring.vendor.registered.v1';

export const EVENT_TYPES = [
  SESSION_DELIVERED_V1,
  SESSION_CORRECTED_V1,
  SESSION_VOIDED_V1,
  SESSION_ACCEPTED_V1,
  SESSION_REJECTED_V1,
  STATEMENT_ISSUED_V1,
  STATEMENT_APPROVED_V1,
  VENDOR_REGISTERED_V1,
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The event types a vendor may publish on its sessions topic (or POST over HTTP). */
export const VENDOR_SESSION_EVENT_TYPES = [SESSION_DELIVERED_V1, SESSION_CORRECTED_V1, SESSION_VOIDED_V1] as const;
export type VendorSessionEventType = (typeof VENDOR_SESSION_EVENT_TYPES)[number];

export const isEventType = (type: string): type is EventType => (EVENT_TYPES as readonly string[]).includes(type);
export const isVendorSessionEventType = (type: string): type is VendorSessionEventType =>
  (VENDOR_SESSION_EVENT_TYPES as readonly string[]).includes(type);

// CloudEvents binary content mode over Kafka: attributes travel as `ce_`-prefixed headers.
export const CE_SPECVERSION = '1.0';
export const CE_HEADERS = {
  specversion: 'ce_specversion',
  id: 'ce_id',
  source: 'ce_source',
  type: 'ce_type',
  time: 'ce_time',
  subject: 'ce_subject',
  contentType: 'content-type',
  districtId: 'districtid',
  traceparent: 'traceparent',
} as const;
export const CONTENT_TYPE_JSON = 'application/json';
export const CONTENT_TYPE_CLOUDEVENTS_JSON = 'application/cloudevents+json';
/** CloudEvents extension attribute naming the tenant (district UUID). */
export const DISTRICT_ID_EXTENSION = 'districtid';
