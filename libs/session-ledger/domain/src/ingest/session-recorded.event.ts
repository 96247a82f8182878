import type { LedgerSessionRecordedV1, SessionCorrectedV1, SessionDeliveredV1 } from '@tutoring/shared/contracts';
import type { SessionData } from './session-message.check';
import type { SessionEventType } from './session-stream.decider';
import type { SessionReview } from '../rules/billable-line.rules';

/** Canonical JSON (keys sorted at every level): Postgres jsonb does not keep key order, so compare through this. */
export const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );

const isSession = (kind: SessionEventType, data: SessionData): data is SessionDeliveredV1 | SessionCorrectedV1 =>
  kind !== 'voided' && 'attendance' in data;

/** The ledger entry as other services see it (LEDGER_SESSION_RECORDED_V1). Pure. */
export const sessionRecordedOf = (entry: {
  ledgerPosition: number;
  streamVersion: number;
  kind: SessionEventType;
  data: SessionData;
  review: SessionReview;
  recordedAt: string;
}): LedgerSessionRecordedV1 => {
  const { data, kind, review } = entry;
  const base = {
    ledgerPosition: entry.ledgerPosition,
    districtId: data.districtId,
    vendorId: data.vendorId,
    sessionId: data.sessionId,
    streamVersion: entry.streamVersion,
    kind,
    recordedAt: entry.recordedAt,
  };
  if (!isSession(kind, data)) {
    return {
      ...base,
      tutorId: null,
      groupId: null,
      scheduledSessionId: null,
      subject: null,
      startedAt: null,
      endedAt: null,
      localDate: null,
      lines: [],
      notes: [],
    };
  }
  const verdictOf = new Map(review.verdicts.map((v) => [v.studentId, v]));
  return {
    ...base,
    tutorId: data.tutorId,
    groupId: data.groupId,
    scheduledSessionId: data.scheduledSessionId,
    subject: data.subject,
    startedAt: data.startedAt,
    endedAt: data.endedAt,
    localDate: review.localDate,
    lines: data.attendance.map((l) => ({
      studentId: l.studentId,
      status: l.status,
      minutes: l.minutes,
      billable: verdictOf.get(l.studentId)?.billable ?? false,
      exceptionCodes: verdictOf.get(l.studentId)?.exceptionCodes ?? [],
    })),
    notes: (data.notes ?? []).map((n) => ({
      studentId: n.studentId,
      skill: n.skill,
      progress: n.progress,
      comment: n.comment,
    })),
  };
};
