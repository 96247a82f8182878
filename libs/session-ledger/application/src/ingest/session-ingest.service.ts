import type { DataSource, EntityManager } from 'typeorm';
import {
  canonicalJson,
  checkSessionMessage,
  decide,
  reviewSession,
  SessionEnvelope,
  SessionReview,
  SessionStreamRejection,
  LineVerdict,
} from '@tutoring/session-ledger/domain';
import {
  BatchFacts,
  BillableFactsStore,
  ConcurrencyConflict,
  LedgerStore,
} from '@tutoring/session-ledger/infrastructure';
import { FieldError, SessionAcceptedV1 } from '@tutoring/shared/contracts';
import { enqueueOutbox, processOnce } from '@tutoring/shared/messaging';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import {
  Accepted,
  attendedStudents,
  CE_ID_CONFLICT,
  entryMetadata,
  feedbackExceptions,
  IngestMessages,
  NO_REVIEW,
  recordRejection,
  sessionUnderReview,
  tenantOf,
} from './ingest-effects';

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
  /** District a message that could not be decoded still names (its `ce_districtid` header), if any. */
  claimedDistrictId?: string;
  metadata: Record<string, unknown>;
}

export type SessionException = SessionAcceptedV1['exceptions'][number];

export type IngestOutcome =
  | {
      status: 'accepted' | 'duplicate';
      sessionId: string;
      eventId: string;
      ledgerPosition: number;
      exceptions: SessionException[];
    }
  | { status: 'rejected'; sessionId: string | null; eventId: string | null; errors: FieldError[] };

export type DecodedSessionMessage =
  { ok: true; envelope: SessionEnvelope } | { ok: false; errors: FieldError[]; eventId: string | null };

/**
 * The one code path every session event takes, whatever its transport (Kafka, HTTP, CSV): contract check, stream
 * rules, billable-line review, ledger append with its verdicts and the per-student interval index — all in one
 * tenant transaction. The vendor's feedback and the ledger event are then sent from the ledger by the publisher
 * (ADR 0022); a rejection's feedback goes through the outbox. Redelivery of the same delivery, or the same ce_id
 * with the same data, changes nothing.
 */
export class SessionIngestService {
  private readonly ledger: LedgerStore;
  private readonly facts: BillableFactsStore;
  private readonly messages: IngestMessages;

  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
    newId: () => string,
    clock: () => Date = () => new Date(),
  ) {
    this.ledger = new LedgerStore(schema);
    this.facts = new BillableFactsStore(schema);
    this.messages = new IngestMessages(newId, clock);
  }

  async ingest(decoded: DecodedSessionMessage, origin: IngestOrigin): Promise<IngestOutcome> {
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
    decoded: DecodedSessionMessage,
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
      if (canonicalJson(existing.data) === canonicalJson(checked.data)) return this.duplicate(checked, existing);
      return this.reject(m, origin, checked.sessionId, checked.eventId, [CE_ID_CONFLICT]);
    }

    const stream = await this.ledger.loadStream(m, checked.vendorId, checked.sessionId);
    try {
      decide({ type: 'RecordSessionEvent', data: { ...checked, payload: checked.data } }, stream);
    } catch (error) {
      if (!(error instanceof SessionStreamRejection)) throw error;
      return this.reject(m, origin, checked.sessionId, checked.eventId, [
        { path: 'sessionId', code: error.code, message: error.message },
      ]);
    }
    if (!(await processOnce(m, this.schema, 'session-ingest', origin.ref))) {
      const again = await this.ledger.findEvent(m, checked.vendorId, checked.eventId);
      return this.duplicate(checked, again ?? { position: 0, verdicts: [] });
    }
    return this.record(m, checked, envelope.type, stream.version, origin);
  }

  private async record(
    m: EntityManager,
    checked: Accepted,
    eventType: string,
    version: number,
    origin: IngestOrigin,
  ): Promise<IngestOutcome> {
    const review = await this.review(m, checked);
    const ledgerPosition = await this.ledger.append(m, {
      vendorId: checked.vendorId,
      sessionId: checked.sessionId,
      expectedVersion: version,
      eventId: checked.eventId,
      eventType,
      schemaVersion: 1,
      districtId: checked.districtId,
      data: checked.data,
      metadata: entryMetadata(origin),
      verdicts: review.verdicts,
      localDate: review.localDate,
    });
    const session = sessionUnderReview(checked);
    await this.facts.replaceActiveLines(
      m,
      checked.districtId,
      checked.vendorId,
      checked.sessionId,
      session
        ? {
            tutorId: session.tutorId,
            startedAt: session.startedAt,
            endedAt: session.endedAt,
            studentIds: attendedStudents(session),
          }
        : null,
    );
    // The feedback and the ledger event are sent by the ledger publisher, which follows the ledger (ADR 0022).
    const exceptions = feedbackExceptions(review.verdicts);
    return { status: 'accepted', sessionId: checked.sessionId, eventId: checked.eventId, ledgerPosition, exceptions };
  }

  /** Billable-line verdicts of a delivered or corrected session, judged against the reference facts of now. */
  private async review(m: EntityManager, checked: Accepted): Promise<SessionReview> {
    const session = sessionUnderReview(checked);
    if (!session) return NO_REVIEW;
    await this.facts.lockStudents(m, attendedStudents(session));
    const facts = await BatchFacts.load(m, this.schema, checked.districtId, [session]);
    return reviewSession(session, facts.for(session));
  }

  private duplicate(
    checked: Accepted,
    existing: { position: number; verdicts: readonly LineVerdict[] },
  ): IngestOutcome {
    return {
      status: 'duplicate',
      sessionId: checked.sessionId,
      eventId: checked.eventId,
      ledgerPosition: existing.position,
      exceptions: feedbackExceptions(existing.verdicts),
    };
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
    const feedback = await recordRejection(m, this.ledger, this.messages, {
      origin,
      districtId,
      sessionId,
      eventId,
      errors,
    });
    if (feedback) await enqueueOutbox(m, this.schema, [feedback]);
    return outcome;
  }
}
