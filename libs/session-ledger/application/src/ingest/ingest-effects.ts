import type { EntityManager } from 'typeorm';
import {
  CheckedSessionMessage,
  exceptionsOf,
  isAttended,
  LineVerdict,
  SessionReview,
  SessionUnderReview,
  sessionRecordedOf,
} from '@tutoring/session-ledger/domain';
import { LedgerStore } from '@tutoring/session-ledger/infrastructure';
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
import type { CloudEvent, OutboxMessage } from '@tutoring/shared/messaging';
import type { DecodedSessionMessage, IngestOrigin, SessionException } from './session-ingest.service';

/**
 * What the per-message path (SessionIngestService: HTTP, CSV) and the batched Kafka path (SessionBatchIngest) share
 * besides the domain functions: which tenant handles a message, what a session under review is, and the exact
 * effects of a verdict (rejection record, feedback, ledger event). One definition, so both give the same verdicts.
 */

export type Accepted = Extract<CheckedSessionMessage, { ok: true }>;

export const NO_REVIEW: SessionReview = { localDate: null, verdicts: [] };

export const CE_ID_CONFLICT: FieldError = {
  path: 'ce_id',
  code: 'conflict',
  message: 'this ce_id was already used for different data; use a new ce_id',
};

const FEEDBACK_SOURCE = serviceSource('session-ledger');

/**
 * The district whose tenant transaction handles a message: the caller's (HTTP, CSV), otherwise the one the
 * message claims. A false claim only opens a transaction in which the vendor is not registered (RLS hides it),
 * so the message is rejected as a district mismatch and recorded without tenant data.
 */
export const tenantOf = (decoded: DecodedSessionMessage, origin: IngestOrigin): string | null => {
  if (origin.authenticatedDistrictId) return origin.authenticatedDistrictId;
  if (!decoded.ok)
    return origin.claimedDistrictId && isUuid(origin.claimedDistrictId) ? origin.claimedDistrictId : null;
  const claimed = decoded.envelope.districtid ?? (decoded.envelope.data as { districtId?: unknown } | null)?.districtId;
  return typeof claimed === 'string' && isUuid(claimed) ? claimed : null;
};

export const feedbackExceptions = (verdicts: readonly LineVerdict[]): SessionException[] =>
  exceptionsOf(verdicts).slice(0, MAX_FEEDBACK_EXCEPTIONS);

/** The session the billable-line rules judge; null for a void (nothing to judge, every line cancelled). */
export const sessionUnderReview = (checked: Accepted): SessionUnderReview | null => {
  const data = checked.data;
  if (checked.kind === 'voided' || !('attendance' in data)) return null;
  return {
    vendorId: data.vendorId,
    sessionId: data.sessionId,
    tutorId: data.tutorId,
    subject: data.subject,
    startedAt: data.startedAt,
    endedAt: data.endedAt,
    attendance: data.attendance,
  };
};

/** The session's attended students: its lines in the per-student interval index (none for a void). */
export const attendedStudents = (session: SessionUnderReview | null): string[] =>
  session ? session.attendance.filter((l) => isAttended(l.status)).map((l) => l.studentId) : [];

/** Builds the outgoing messages of a verdict: the vendor's feedback and the ledger event for other services. */
export class IngestMessages {
  constructor(
    private readonly newId: () => string,
    private readonly clock: () => Date,
  ) {}

  /** Feedback `accepted` and the `session-recorded` ledger event (validated against its own schema). */
  accepted(checked: Accepted, review: SessionReview, version: number, ledgerPosition: number): OutboxMessage[] {
    const accepted: SessionAcceptedV1 = {
      sessionId: checked.sessionId,
      eventId: checked.eventId,
      ledgerPosition,
      exceptions: feedbackExceptions(review.verdicts),
    };
    const recorded = sessionRecordedOf({
      ledgerPosition,
      streamVersion: version + 1,
      kind: checked.kind,
      data: checked.data,
      review,
      recordedAt: this.clock().toISOString(),
    });
    const valid = validateInternalEvent(LEDGER_SESSION_RECORDED_V1, recorded);
    if (!valid.ok) throw new Error(`ledger event fails its own schema: ${JSON.stringify(valid.errors)}`);
    return [
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
  }

  rejected(
    vendorId: string,
    districtId: string | null,
    sessionId: string | null,
    eventId: string | null,
    errors: FieldError[],
  ): OutboxMessage {
    const rejected: SessionRejectedV1 = { sessionId, eventId, errors };
    return {
      topic: vendorFeedbackTopic(vendorId),
      key: sessionId,
      event: this.event(SESSION_REJECTED_V1, districtId, sessionId, rejected),
    };
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

/**
 * Records a rejection (in the district's table when the vendor is registered there, unattributed otherwise) and
 * returns the vendor's `rejected` feedback: a registered vendor hears about every rejection on its own feedback
 * topic, even one sent under a wrong district. `vendorHasTopics` is asked only when the district is unknown.
 */
export async function recordRejection(
  m: EntityManager,
  ledger: LedgerStore,
  messages: IngestMessages,
  r: {
    origin: IngestOrigin;
    districtId: string | null;
    sessionId: string | null;
    eventId: string | null;
    errors: FieldError[];
  },
  vendorHasTopics: (vendorId: string) => Promise<boolean> = (v) => ledger.vendorHasTopics(m, v),
): Promise<OutboxMessage | null> {
  const { origin, districtId } = r;
  await ledger.recordRejection(m, {
    vendorId: origin.vendorId,
    districtId,
    channel: origin.channel,
    ref: origin.ref,
    eventId: r.eventId,
    sessionId: r.sessionId,
    errors: r.errors,
    source: { channel: origin.channel, ref: origin.ref, ...origin.metadata },
  });
  if (origin.vendorId && (districtId || (await vendorHasTopics(origin.vendorId))))
    return messages.rejected(origin.vendorId, districtId, r.sessionId, r.eventId, r.errors);
  return null;
}
