import type { EntityManager } from 'typeorm';
import {
  CheckedSessionMessage,
  entryKindOf,
  exceptionsOf,
  isAttended,
  LineVerdict,
  SessionData,
  SessionReview,
  SessionUnderReview,
  sessionRecordedOf,
} from '@tutoring/session-ledger/domain';
import { LedgerStore, WholeLedgerRow } from '@tutoring/session-ledger/infrastructure';
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
import { currentTraceHeaders, type CloudEvent, type OutboxMessage } from '@tutoring/shared/messaging';
import { deterministicUuid } from '../deterministic-uuid';
import type { DecodedSessionMessage, IngestOrigin, SessionException } from './session-ingest.service';

/**
 * What the per-message path (SessionIngestService: HTTP, CSV) and the batched Kafka path (SessionBatchIngest) share
 * besides the domain functions: which tenant handles a message, what a session under review is, and the exact
 * effects of a verdict (entry metadata, rejection record and its feedback; the publisher's messages of a recorded
 * entry). One definition, so both give the same verdicts.
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

/** Marks a ledger entry whose feedback and ledger event the ledger publisher sends (ADR 0022). */
export const PUBLISHED_FROM_LEDGER = { events: 'ledger-publisher' } as const;

/** Whether the publisher owns an entry's messages (entries written before ADR 0022 had theirs in the outbox). */
export const publishedFromLedger = (metadata: Record<string, unknown>): boolean =>
  metadata['events'] === PUBLISHED_FROM_LEDGER.events;

/**
 * The metadata stored with an entry: where it came from (channel, message ref, topic, partition, offset), the trace
 * it was ingested in (so the published events continue it), and that the publisher sends its messages.
 */
export const entryMetadata = (origin: IngestOrigin): Record<string, unknown> => {
  const trace = currentTraceHeaders();
  return {
    channel: origin.channel,
    ref: origin.ref,
    ...origin.metadata,
    ...(Object.keys(trace).length ? { trace } : {}),
    ...PUBLISHED_FROM_LEDGER,
  };
};

/**
 * Deterministic message ids: a republished entry (after a crash) carries the same ce_id, so consumers dedupe it.
 * Derived from the vendor's event id as well as the position: positions repeat across databases (another
 * environment, a restore) sharing a broker, and a consumer would take such an event for one it already processed.
 */
const entryMessageId = (kind: 'accepted' | 'recorded', entry: WholeLedgerRow): string =>
  deterministicUuid(`session-ledger:${kind}:${entry.districtId}:${entry.vendorId}:${entry.eventId}:${entry.position}`);

/**
 * The messages of one recorded ledger entry: the vendor's feedback `accepted` and the `session-recorded` ledger
 * event (validated against its own schema). Pure: a function of the stored entry alone, ids and times included.
 */
export const entryMessages = (entry: WholeLedgerRow): OutboxMessage[] => {
  const kind = entryKindOf(entry.eventType);
  const data = entry.data as SessionData;
  const verdicts = (Array.isArray(entry.verdicts) ? entry.verdicts : []) as LineVerdict[];
  const review: SessionReview = { localDate: entry.localDate, verdicts };
  const accepted: SessionAcceptedV1 = {
    sessionId: data.sessionId,
    eventId: entry.eventId,
    ledgerPosition: entry.position,
    exceptions: feedbackExceptions(verdicts),
  };
  const recorded = sessionRecordedOf({
    ledgerPosition: entry.position,
    streamVersion: entry.streamVersion,
    kind,
    data,
    review,
    recordedAt: entry.recordedAt,
  });
  const valid = validateInternalEvent(LEDGER_SESSION_RECORDED_V1, recorded);
  if (!valid.ok) throw new Error(`ledger event fails its own schema: ${JSON.stringify(valid.errors)}`);
  const event = <T>(id: string, type: string, payload: T): CloudEvent<T> => ({
    specversion: '1.0',
    id,
    source: FEEDBACK_SOURCE,
    type,
    time: entry.recordedAt,
    subject: data.sessionId,
    datacontenttype: 'application/json',
    districtid: entry.districtId,
    data: payload,
  });
  return [
    {
      topic: vendorFeedbackTopic(entry.vendorId),
      key: data.sessionId,
      event: event(entryMessageId('accepted', entry), SESSION_ACCEPTED_V1, accepted),
    },
    {
      topic: LEDGER_TOPIC,
      key: `${entry.vendorId}:${data.sessionId}`,
      event: event(entryMessageId('recorded', entry), LEDGER_SESSION_RECORDED_V1, recorded),
    },
  ];
};

/** Builds the vendor's `rejected` feedback (a rejection never enters the ledger, so it goes through the outbox). */
export class IngestMessages {
  constructor(
    private readonly newId: () => string,
    private readonly clock: () => Date,
  ) {}

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
