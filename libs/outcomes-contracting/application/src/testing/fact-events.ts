// Builders of the events outcomes-contracting consumes, shaped as their producers publish them (tests only).
import type {
  AssessmentRecordedV1,
  LedgerLineV1,
  LedgerSessionRecordedV1,
  OccurrencePlannedV1,
} from '@tutoring/shared/contracts';
import { ASSESSMENT_RECORDED_V1, LEDGER_SESSION_RECORDED_V1, OCCURRENCE_PLANNED_V1 } from '@tutoring/shared/contracts';
import { encodeBinary, type CloudEvent, type IncomingMessage } from '@tutoring/shared/messaging';

let offset = 0;

export const ledgerEntry = (p: {
  position: number;
  districtId: string;
  vendorId: string;
  sessionId: string;
  localDate: string | null;
  lines: LedgerLineV1[];
  kind?: LedgerSessionRecordedV1['kind'];
  scheduledSessionId?: string | null;
}): LedgerSessionRecordedV1 => ({
  ledgerPosition: p.position,
  districtId: p.districtId,
  vendorId: p.vendorId,
  sessionId: p.sessionId,
  streamVersion: 1,
  kind: p.kind ?? 'delivered',
  tutorId: null,
  groupId: null,
  scheduledSessionId: p.scheduledSessionId ?? null,
  subject: 'math',
  startedAt: p.localDate ? `${p.localDate}T15:00:00Z` : null,
  endedAt: p.localDate ? `${p.localDate}T16:00:00Z` : null,
  localDate: p.localDate,
  lines: p.lines,
  notes: [],
  recordedAt: '2026-09-02T16:05:00Z',
});

export const line = (
  studentId: string,
  minutes: number,
  billable = true,
  exceptionCodes: string[] = [],
): LedgerLineV1 => ({ studentId, status: 'present', minutes, billable, exceptionCodes });

const SOURCES: Record<string, string> = {
  [LEDGER_SESSION_RECORDED_V1]: 'urn:tutoring:service:session-ledger',
  [ASSESSMENT_RECORDED_V1]: 'urn:tutoring:service:enrollment',
  [OCCURRENCE_PLANNED_V1]: 'urn:tutoring:service:scheduling',
};

export const cloudEvent = <T extends { districtId: string }>(type: string, id: string, data: T): CloudEvent<T> => ({
  specversion: '1.0',
  id,
  source: SOURCES[type] ?? 'urn:tutoring:service:unknown',
  type,
  time: '2026-09-02T16:05:00Z',
  datacontenttype: 'application/json',
  districtid: data.districtId,
  data,
});

export const asIncoming = (topic: string, key: string, event: CloudEvent): IncomingMessage => {
  const encoded = encodeBinary(event);
  return {
    topic,
    partition: 0,
    offset: String(offset++),
    key,
    value: encoded.value,
    headers: encoded.headers,
    timestamp: '0',
  };
};

export type { AssessmentRecordedV1, OccurrencePlannedV1 };
