import {
  FieldError,
  SESSION_CORRECTED_V1,
  SESSION_DELIVERED_V1,
  SESSION_VOIDED_V1,
  SessionCorrectedV1,
  SessionDeliveredV1,
  SessionVoidedV1,
  validateEvent,
  vendorAgreementErrors,
} from '@tutoring/shared/contracts';
import { SessionEventType } from './session-stream.decider';

/**
 * The contract layer of ingest, the same for Kafka, HTTP and CSV: an envelope (already decoded from its transport)
 * either becomes a session event for the ledger, or a list of field errors for the vendor. Pure.
 */
export interface SessionEnvelope {
  id: string;
  source: string;
  type: string;
  districtid?: string;
  data: unknown;
}

export interface SessionOrigin {
  topic?: string;
  authenticatedVendorId?: string;
  /** District of the vendor as registered, or null when no such vendor is registered. */
  vendorDistrictId: string | null;
  /** The vendor is registered, but not in the district this message was handled for. */
  vendorRegisteredElsewhere?: boolean;
}

export type SessionData = SessionDeliveredV1 | SessionCorrectedV1 | SessionVoidedV1;

export type CheckedSessionMessage =
  | {
      ok: true;
      kind: SessionEventType;
      eventId: string;
      vendorId: string;
      districtId: string;
      sessionId: string;
      data: SessionData;
    }
  | { ok: false; sessionId: string | null; errors: FieldError[] };

const KINDS: Record<string, SessionEventType> = {
  [SESSION_DELIVERED_V1]: 'delivered',
  [SESSION_CORRECTED_V1]: 'corrected',
  [SESSION_VOIDED_V1]: 'voided',
};

const sessionIdOf = (data: unknown): string | null => {
  const id = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)['sessionId'] : undefined;
  return typeof id === 'string' && id.length <= 128 ? id : null;
};

export function checkSessionMessage(envelope: SessionEnvelope, origin: SessionOrigin): CheckedSessionMessage {
  const sessionId = sessionIdOf(envelope.data);
  const kind = KINDS[envelope.type];
  if (!kind) {
    return {
      ok: false,
      sessionId,
      errors: [{ path: 'ce_type', code: 'unknown_type', message: `must be one of ${Object.keys(KINDS).join(', ')}` }],
    };
  }
  const errors: FieldError[] = [
    ...vendorAgreementErrors({
      topic: origin.topic,
      authenticatedVendorId: origin.authenticatedVendorId,
      source: envelope.source,
      data: envelope.data,
    }),
  ];
  const validated = validateEvent(envelope.type, envelope.data);
  if (!validated.ok) errors.push(...validated.errors);
  if (errors.length || !validated.ok) return { ok: false, sessionId, errors };

  const data = validated.value as SessionData;
  if (origin.vendorDistrictId === null && origin.vendorRegisteredElsewhere) {
    errors.push({
      path: 'districtId',
      code: 'mismatch',
      message: 'must be the district the vendor is registered with',
    });
  } else if (origin.vendorDistrictId === null) {
    errors.push({ path: 'vendorId', code: 'unknown_vendor', message: 'no vendor with this id is registered' });
  } else if (data.districtId !== origin.vendorDistrictId) {
    errors.push({
      path: 'districtId',
      code: 'mismatch',
      message: 'must be the district the vendor is registered with',
    });
  }
  if (envelope.districtid !== undefined && envelope.districtid !== data.districtId) {
    errors.push({ path: 'ce_districtid', code: 'mismatch', message: 'must equal data.districtId' });
  }
  if (errors.length) return { ok: false, sessionId, errors };
  return {
    ok: true,
    kind,
    eventId: envelope.id,
    vendorId: data.vendorId,
    districtId: data.districtId,
    sessionId: data.sessionId,
    data,
  };
}
