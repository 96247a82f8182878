import type { DataSource, EntityManager } from 'typeorm';
import {
  canonicalJson,
  checkSessionMessage,
  CheckedSessionMessage,
  decide,
  exceptionsOf,
  isAttended,
  reviewSession,
  SessionEnvelope,
  SessionReview,
  sessionRecordedOf,
  SessionStreamRejection,
  LineVerdict,
} from '@tutoring/session-ledger/domain';
import { BillableFactsStore, ConcurrencyConflict, LedgerStore } from '@tutoring/session-ledger/infrastructure';
import {
  FieldError,
  isUuid,
  LEDGER_SESSION_RECORDED_V1,
  LEDGER_TOPIC,
  MAX_FEEDBACK_EXCEPTIONS,
  SESSION_ACCEPTED_V1,
  SESSION_REJECTED_V1,
  serviceSource,
  SessionAcceptedV1,
  SessionRejectedV1,
  validateInternalEvent,
  vendorFeedbackTopic,
} from '@tutoring/shared/contracts';
import { CloudEvent, enqueueOutbox, OutboxMessage, processOnce } from '@tutoring/shared/messaging';
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

type Accepted = Extract<CheckedSessionMessage, { ok: true }>;

const FEEDBACK_SOURCE = serviceSource('session-ledger');
const NO_REVIEW: SessionReview = { localDate: null, verdicts: [] };

/**
 * The district whose tenant transaction handles a message: the caller's (HTTP, CSV), otherwise the one the
 * message claims. A false claim only opens a transaction in which the vendor is not registered (RLS hides it),
 * so the message is rejected as a district mismatch and recorded without tenant data.
 */
const tenantOf = (decoded: DecodedSessionMessage, origin: IngestOrigin): string | null => {
  if (origin.authenticatedDistrictId) return origin.authenticatedDistrictId;
  if (!decoded.ok)
    return origin.claimedDistrictId && isUuid(origin.claimedDistrictId) ? origin.claimedDistrictId : null;
  const claimed = decoded.envelope.districtid ?? (decoded.envelope.data as { districtId?: unknown } | null)?.districtId;
  return typeof claimed === 'string' && isUuid(claimed) ? claimed : null;
};

const feedbackExceptions = (verdicts: readonly LineVerdict[]): SessionException[] =>
  exceptionsOf(verdicts).slice(0, MAX_FEEDBACK_EXCEPTIONS);

/**
 * The one code path every session event takes, whatever its transport (Kafka, HTTP, CSV): contract check, stream
 * rules, billable-line review, ledger append with its verdicts, the per-student interval index, the vendor's
 * feedback and the ledger event for other services — all in one tenant transaction (messages through the
 * outbox). Redelivery of the same delivery, or the same ce_id with the same data, changes nothing.
 */
export class SessionIngestService {
  private readonly ledger: LedgerStore;
  private readonly facts: BillableFactsStore;

  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
    private readonly newId: () => string,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.ledger = new LedgerStore(schema);
    this.facts = new BillableFactsStore(schema);
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
      return this.reject(m, origin, checked.sessionId, checked.eventId, [
        { path: 'ce_id', code: 'conflict', message: 'this ce_id was already used for different data; use a new ce_id' },
      ]);
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
      metadata: { channel: origin.channel, ref: origin.ref, ...origin.metadata },
      verdicts: review.verdicts,
      localDate: review.localDate,
    });
    const data = checked.data;
    await this.facts.replaceActiveLines(
      m,
      checked.districtId,
      checked.vendorId,
      checked.sessionId,
      'attendance' in data
        ? {
            tutorId: data.tutorId,
            startedAt: data.startedAt,
            endedAt: data.endedAt,
            studentIds: data.attendance.filter((l) => isAttended(l.status)).map((l) => l.studentId),
          }
        : null,
    );
    const exceptions = feedbackExceptions(review.verdicts);
    const accepted: SessionAcceptedV1 = {
      sessionId: checked.sessionId,
      eventId: checked.eventId,
      ledgerPosition,
      exceptions,
    };
    const recorded = sessionRecordedOf({
      ledgerPosition,
      streamVersion: version + 1,
      kind: checked.kind,
      data,
      review,
      recordedAt: this.clock().toISOString(),
    });
    const valid = validateInternalEvent(LEDGER_SESSION_RECORDED_V1, recorded);
    if (!valid.ok) throw new Error(`ledger event fails its own schema: ${JSON.stringify(valid.errors)}`);
    const messages: OutboxMessage[] = [
      {
        topic: vendorFeedbackTopic(checked.vendorId),
        key: checked.sessionId,
        event: this.event(SESSION_ACCEPTED_V1, checked.districtId, checked.sessionId, accepted),
      },
      {
        topic: LEDGER_TOPIC,
        key: `${checked.vendorId}:${checked.sessionId}`,
        event: this.event(LEDGER_SESSION_RECORDED_V1, checked.districtId, checked.sessionId, recorded),
      },
    ];
    await enqueueOutbox(m, this.schema, messages);
    return { status: 'accepted', sessionId: checked.sessionId, eventId: checked.eventId, ledgerPosition, exceptions };
  }

  /** Billable-line verdicts of a delivered or corrected session, judged against the reference facts of now. */
  private async review(m: EntityManager, checked: Accepted): Promise<SessionReview> {
    const data = checked.data;
    if (checked.kind === 'voided' || !('attendance' in data)) return NO_REVIEW;
    const session = {
      vendorId: data.vendorId,
      sessionId: data.sessionId,
      tutorId: data.tutorId,
      subject: data.subject,
      startedAt: data.startedAt,
      endedAt: data.endedAt,
      attendance: data.attendance,
    };
    const studentIds = data.attendance.map((l) => l.studentId);
    await this.facts.lockStudents(
      m,
      data.attendance.filter((l) => isAttended(l.status)).map((l) => l.studentId),
    );
    return reviewSession(session, await this.facts.load(m, checked.districtId, session, studentIds));
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
    await this.ledger.recordRejection(m, {
      vendorId: origin.vendorId,
      districtId,
      channel: origin.channel,
      ref: origin.ref,
      eventId,
      sessionId,
      errors,
      source: { channel: origin.channel, ref: origin.ref, ...origin.metadata },
    });
    // A registered vendor hears about every rejection on its own feedback topic, even one sent under a wrong district.
    if (origin.vendorId && (districtId || (await this.ledger.vendorHasTopics(m, origin.vendorId)))) {
      const rejected: SessionRejectedV1 = { sessionId, eventId, errors };
      await enqueueOutbox(m, this.schema, [
        {
          topic: vendorFeedbackTopic(origin.vendorId),
          key: sessionId,
          event: this.event(SESSION_REJECTED_V1, districtId, sessionId, rejected),
        },
      ]);
    }
    return outcome;
  }

  private event<T>(type: string, districtId: string | null, sessionId: string | null, data: T): CloudEvent<T> {
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
