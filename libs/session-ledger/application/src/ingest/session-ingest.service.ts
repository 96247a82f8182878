import type { DataSource, EntityManager } from 'typeorm';
import { checkSessionMessage, decide, SessionEnvelope, SessionStreamRejection } from '@tutoring/session-ledger/domain';
import { ConcurrencyConflict, LedgerStore } from '@tutoring/session-ledger/infrastructure';
import {
  FieldError,
  isUuid,
  SESSION_ACCEPTED_V1,
  SESSION_REJECTED_V1,
  serviceSource,
  SessionAcceptedV1,
  SessionRejectedV1,
  vendorFeedbackTopic,
} from '@tutoring/shared/contracts';
import { CloudEvent, enqueueOutbox, processOnce } from '@tutoring/shared/messaging';
import { inTenantTransaction } from '@tutoring/shared/persistence';

/** Where a message came from: enough to answer the vendor and to find the original again. */
export interface IngestOrigin {
  channel: 'kafka' | 'http' | 'csv';
  /** Unique reference of this delivery (e.g. `topic/partition/offset`): makes a redelivery a no-op. */
  ref: string;
  topic?: string;
  /** Vendor named by the topic or the token: the one who gets the feedback. */
  vendorId: string | null;
  authenticatedVendorId?: string;
  /** District of an authenticated caller (HTTP, CSV): the tenant, whatever the message claims. */
  authenticatedDistrictId?: string;
  metadata: Record<string, unknown>;
}

export type IngestOutcome =
  | { status: 'accepted'; sessionId: string; eventId: string; ledgerPosition: number }
  | { status: 'duplicate'; sessionId: string; eventId: string; ledgerPosition: number }
  | { status: 'rejected'; sessionId: string | null; eventId: string | null; errors: FieldError[] };

const FEEDBACK_SOURCE = serviceSource('session-ledger');

type Decoded = { ok: true; envelope: SessionEnvelope } | { ok: false; errors: FieldError[]; eventId: string | null };

/**
 * The district whose tenant transaction handles a message: the caller's (HTTP, CSV), otherwise the one the
 * message claims. A false claim only opens a transaction in which the vendor is not registered (RLS hides it),
 * so the message is rejected as a district mismatch and recorded without tenant data.
 */
const tenantOf = (decoded: Decoded, origin: IngestOrigin): string | null => {
  if (origin.authenticatedDistrictId) return origin.authenticatedDistrictId;
  if (!decoded.ok) return null;
  const claimed = decoded.envelope.districtid ?? (decoded.envelope.data as { districtId?: unknown } | null)?.districtId;
  return typeof claimed === 'string' && isUuid(claimed) ? claimed : null;
};

/**
 * The one code path every session event takes, whatever its transport: contract check, stream rules, ledger
 * append and the vendor's feedback, all in one transaction (feedback through the outbox). Redelivery of the same
 * delivery, or the same ce_id with the same data, changes nothing.
 */
export class SessionIngestService {
  private readonly ledger: LedgerStore;

  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
    private readonly newId: () => string,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.ledger = new LedgerStore(schema);
  }

  async ingest(
    decoded: { ok: true; envelope: SessionEnvelope } | { ok: false; errors: FieldError[]; eventId: string | null },
    origin: IngestOrigin,
  ): Promise<IngestOutcome> {
    for (let attempt = 0; ; attempt++) {
      try {
        const tenant = tenantOf(decoded, origin);
        const work = (m: EntityManager) => this.ingestIn(m, decoded, origin);
        return await (tenant ? inTenantTransaction(this.dataSource, tenant, work) : this.dataSource.transaction(work));
      } catch (error) {
        if (error instanceof ConcurrencyConflict && attempt < 3) continue; // another writer advanced the stream: re-decide
        throw error;
      }
    }
  }

  private async ingestIn(
    m: EntityManager,
    decoded: { ok: true; envelope: SessionEnvelope } | { ok: false; errors: FieldError[]; eventId: string | null },
    origin: IngestOrigin,
  ): Promise<IngestOutcome> {
    if (!decoded.ok) return this.reject(m, origin, null, decoded.eventId, decoded.errors);
    const envelope = decoded.envelope;
    const vendorDistrictId = origin.vendorId ? await this.ledger.vendorDistrict(m, origin.vendorId) : null;
    const vendorRegisteredElsewhere =
      !vendorDistrictId && origin.vendorId ? await this.ledger.vendorHasTopics(m, origin.vendorId) : false;
    const checked = checkSessionMessage(envelope, {
      topic: origin.topic,
      authenticatedVendorId: origin.authenticatedVendorId,
      vendorDistrictId,
      vendorRegisteredElsewhere,
    });
    if (!checked.ok) return this.reject(m, origin, checked.sessionId, envelope.id, checked.errors);

    const existing = await this.ledger.findEvent(m, checked.vendorId, checked.eventId);
    if (existing) {
      if (JSON.stringify(existing.data) === JSON.stringify(checked.data)) {
        return {
          status: 'duplicate',
          sessionId: checked.sessionId,
          eventId: checked.eventId,
          ledgerPosition: existing.position,
        };
      }
      return this.reject(m, origin, checked.sessionId, checked.eventId, [
        { path: 'ce_id', code: 'conflict', message: 'this ce_id was already used for different data; use a new ce_id' },
      ]);
    }

    const stream = await this.ledger.loadStream(m, checked.vendorId, checked.sessionId);
    try {
      decide({ type: 'RecordSessionEvent', data: { ...checked, payload: checked.data } }, stream);
    } catch (error) {
      if (error instanceof SessionStreamRejection) {
        return this.reject(m, origin, checked.sessionId, checked.eventId, [
          { path: 'sessionId', code: error.code, message: error.message },
        ]);
      }
      throw error;
    }
    if (!(await processOnce(m, this.schema, 'session-ingest', origin.ref))) {
      const again = await this.ledger.findEvent(m, checked.vendorId, checked.eventId);
      return {
        status: 'duplicate',
        sessionId: checked.sessionId,
        eventId: checked.eventId,
        ledgerPosition: again?.position ?? 0,
      };
    }
    const ledgerPosition = await this.ledger.append(m, {
      vendorId: checked.vendorId,
      sessionId: checked.sessionId,
      expectedVersion: stream.version,
      eventId: checked.eventId,
      eventType: envelope.type,
      schemaVersion: 1,
      districtId: checked.districtId,
      data: checked.data,
      metadata: { channel: origin.channel, ref: origin.ref, ...origin.metadata },
    });
    const accepted: SessionAcceptedV1 = {
      sessionId: checked.sessionId,
      eventId: checked.eventId,
      ledgerPosition,
      exceptions: [],
    };
    await enqueueOutbox(m, this.schema, [
      {
        topic: vendorFeedbackTopic(checked.vendorId),
        key: checked.sessionId,
        event: this.feedback(SESSION_ACCEPTED_V1, checked.districtId, checked.sessionId, accepted),
      },
    ]);
    return { status: 'accepted', sessionId: checked.sessionId, eventId: checked.eventId, ledgerPosition };
  }

  private async reject(
    m: EntityManager,
    origin: IngestOrigin,
    sessionId: string | null,
    eventId: string | null,
    errors: FieldError[],
  ): Promise<IngestOutcome> {
    const outcome: IngestOutcome = { status: 'rejected', sessionId, eventId, errors };
    if (!(await processOnce(m, this.schema, 'session-ingest', origin.ref))) return outcome;
    const districtId = origin.vendorId ? await this.ledger.vendorDistrict(m, origin.vendorId) : null;
    const source = { channel: origin.channel, ref: origin.ref, ...origin.metadata };
    if (districtId) {
      await m.query(
        `INSERT INTO ${this.schema}.ingest_rejections (vendor_id, district_id, channel, source_ref, event_id, session_id, errors, source)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb) ON CONFLICT (source_ref) DO NOTHING`,
        [
          origin.vendorId,
          districtId,
          origin.channel,
          origin.ref,
          eventId,
          sessionId,
          JSON.stringify(errors),
          JSON.stringify(source),
        ],
      );
    } else {
      await m.query(
        `INSERT INTO ${this.schema}.unattributed_rejections (vendor_id, channel, source_ref, event_id, session_id, errors)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb) ON CONFLICT (source_ref) DO NOTHING`,
        [origin.vendorId, origin.channel, origin.ref, eventId, sessionId, JSON.stringify(errors)],
      );
    }
    // A registered vendor hears about every rejection on its own feedback topic, even one it sent under a wrong district.
    if (origin.vendorId && (districtId || (await this.ledger.vendorHasTopics(m, origin.vendorId)))) {
      const rejected: SessionRejectedV1 = { sessionId, eventId, errors };
      await enqueueOutbox(m, this.schema, [
        {
          topic: vendorFeedbackTopic(origin.vendorId),
          key: sessionId,
          event: this.feedback(SESSION_REJECTED_V1, districtId, sessionId, rejected),
        },
      ]);
    }
    return outcome;
  }

  private feedback<T>(type: string, districtId: string | null, sessionId: string | null, data: T): CloudEvent<T> {
    return {
      specversion: '1.0',
      id: this.newId(),
      source: FEEDBACK_SOURCE,
      type,
      time: this.clock().toISOString(),
      ...(sessionId ? { subject: sessionId } : {}),
      datacontenttype: 'application/json',
      ...(districtId ? { districtid: districtId } : {}),
      data,
    };
  }
}
