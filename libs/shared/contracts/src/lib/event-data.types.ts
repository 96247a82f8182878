// TypeScript shapes of the `data` of each v1 event (DESIGN.md §4). The JSON Schemas in ./schemas are the
// normative definition; schema and type are kept equal by the agreement tests.
import type {
  ATTENDANCE_STATUSES,
  CURRENCIES,
  MODALITIES,
  NOTE_PROGRESS,
  STATEMENT_KINDS,
  STATEMENT_LINE_KINDS,
  STATEMENT_UNITS,
} from './limits';
import {
  type EventType,
  SESSION_ACCEPTED_V1,
  SESSION_CORRECTED_V1,
  SESSION_DELIVERED_V1,
  SESSION_REJECTED_V1,
  SESSION_VOIDED_V1,
  STATEMENT_APPROVED_V1,
  STATEMENT_ISSUED_V1,
  VENDOR_REGISTERED_V1,
} from './event-types';

/** RFC 3339 date-time with offset, e.g. 2025-03-04T15:00:00-05:00. */
export type Timestamp = string;
/** Local calendar date YYYY-MM-DD. */
export type LocalDate = string;
/** Lowercase UUID. */
export type Uuid = string;

export type Modality = (typeof MODALITIES)[number];
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];
export type NoteProgress = (typeof NOTE_PROGRESS)[number];
export type StatementKind = (typeof STATEMENT_KINDS)[number];
export type StatementLineKind = (typeof STATEMENT_LINE_KINDS)[number];
export type StatementUnit = (typeof STATEMENT_UNITS)[number];
export type Currency = (typeof CURRENCIES)[number];

export interface AttendanceLineV1 {
  studentId: Uuid;
  status: AttendanceStatus;
  /** Whole minutes present, 0..session duration (rounded up to the minute). */
  minutes: number;
}

export interface SessionNoteV1 {
  studentId: Uuid;
  skill: string;
  progress: NoteProgress;
  comment: string;
}

export interface SessionDeliveredV1 {
  sessionId: string;
  vendorId: Uuid;
  districtId: Uuid;
  tutorId: Uuid;
  groupId: Uuid | null;
  scheduledSessionId: Uuid | null;
  subject: string;
  modality: Modality;
  startedAt: Timestamp;
  endedAt: Timestamp;
  attendance: AttendanceLineV1[];
  notes?: SessionNoteV1[];
}

export interface SessionCorrectedV1 extends SessionDeliveredV1 {
  reason: string;
}

export interface SessionVoidedV1 {
  sessionId: string;
  vendorId: Uuid;
  districtId: Uuid;
  reason: string;
}

export interface SessionExceptionV1 {
  studentId: Uuid;
  code: string;
  message: string;
}

export interface SessionAcceptedV1 {
  sessionId: string;
  /** ce_id of the accepted event. */
  eventId: string;
  ledgerPosition: number;
  exceptions: SessionExceptionV1[];
}

export interface FieldErrorV1 {
  path: string;
  code: string;
  message: string;
}

export interface SessionRejectedV1 {
  /** null when the message was too broken to read a sessionId from. */
  sessionId: string | null;
  /** ce_id of the rejected message; null only when the message carried none. */
  eventId: string | null;
  errors: FieldErrorV1[];
}

export interface StatementEvidenceV1 {
  /** Inclusive ledger position range [from, to] the line was computed from. */
  ledgerPositions: [number, number];
  /** Number of ledger entries in that range that contributed to the line. */
  entries: number;
}

export interface StatementLineV1 {
  kind: StatementLineKind;
  description: string;
  studentId: Uuid | null;
  /** Decimal string, e.g. "12.5" student-hours. */
  quantity: string;
  unit: StatementUnit;
  unitPriceCents: number;
  amountCents: number;
  evidence: StatementEvidenceV1;
}

export interface StatementIssuedV1 {
  statementId: Uuid;
  districtId: Uuid;
  contractId: Uuid;
  vendorId: Uuid;
  kind: StatementKind;
  periodStart: LocalDate;
  periodEnd: LocalDate;
  currency: Currency;
  lines: StatementLineV1[];
  /** Sum of lines[].amountCents. */
  totalCents: number;
  ledgerPosition: number;
  computedAt: Timestamp;
}

export interface StatementApprovedV1 {
  statementId: Uuid;
  contractId: Uuid;
  /** Opaque, pseudonymous user id of the approver (OIDC subject); never an e-mail or a name. */
  approvedBy: string;
  approvedAt: Timestamp;
  totalCents: number;
}

export interface VendorRegisteredV1 {
  vendorId: Uuid;
  districtId: Uuid;
  name: string;
  registeredAt: Timestamp;
}

/** Event type → data shape. */
export interface EventDataMap {
  [SESSION_DELIVERED_V1]: SessionDeliveredV1;
  [SESSION_CORRECTED_V1]: SessionCorrectedV1;
  [SESSION_VOIDED_V1]: SessionVoidedV1;
  [SESSION_ACCEPTED_V1]: SessionAcceptedV1;
  [SESSION_REJECTED_V1]: SessionRejectedV1;
  [STATEMENT_ISSUED_V1]: StatementIssuedV1;
  [STATEMENT_APPROVED_V1]: StatementApprovedV1;
  [VENDOR_REGISTERED_V1]: VendorRegisteredV1;
}
export type EventData<T extends EventType = EventType> = EventDataMap[T];
