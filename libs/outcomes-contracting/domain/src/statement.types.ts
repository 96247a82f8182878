// A payout statement as this context keeps it: the finance contract's fields (StatementIssuedV1) plus what we
// need to explain and recompute it (period attribution, rate version, exception and eligibility side lists).
import type { LocalDate, StatementKind, StatementLineV1, Timestamp } from '@tutoring/shared/contracts';
import type { Month } from './periods';

export interface PayoutLine extends StatementLineV1 {
  /** Month a base or adjustment line pays for; null for other lines. */
  period: Month | null;
  /** Rate card version the line was priced with; null for aggregate lines. */
  rateVersion: number | null;
  /** Dispute whose resolution this adjustment line pays; null otherwise. */
  disputeId: string | null;
}

/**
 * A non-billable ledger line: listed (never paid) in a side list rather than as a 0-cent 'base' line, because
 * every finance line kind is money and a 0-cent base line with a quantity would read as paid work.
 */
export interface ExceptionItem {
  ledgerPosition: number;
  sessionId: string;
  studentId: string;
  localDate: LocalDate | null;
  minutes: number;
  codes: string[];
}

/** Why a served student earned no outcome line at a settlement (attendance gate, missing assessment …). */
export interface EligibilityNote {
  studentId: string;
  code:
    | 'attendance_gate'
    | 'no_baseline'
    | 'no_outcome'
    | 'no_growth_percentile'
    | 'no_scheduled_sessions'
    | 'below_first_tier';
  description: string;
}

export interface PayoutStatement {
  statementId: string;
  districtId: string;
  contractId: string;
  vendorId: string;
  kind: StatementKind;
  /** Month for base statements, settlement window (MOY/EOY) for settlements. */
  label: string;
  periodStart: LocalDate;
  periodEnd: LocalDate;
  currency: 'USD';
  lines: PayoutLine[];
  totalCents: number;
  ledgerPosition: number;
  computedAt: Timestamp;
  exceptions: ExceptionItem[];
  notes: EligibilityNote[];
}

/** What earlier statements of the contract already paid (every issued one: issued statements never change). */
export interface PriorStatement {
  kind: StatementKind;
  label: string;
  periodStart: LocalDate;
  periodEnd: LocalDate;
  ledgerPosition: number;
  lines: PayoutLine[];
}

/** An upheld dispute not yet paid: becomes an adjustment line in the next statement. */
export interface ResolvedDispute {
  disputeId: string;
  studentId: string | null;
  period: Month | null;
  amountCents: number;
  description: string;
}

export const LINE_KIND_ORDER = [
  'base',
  'adjustment',
  'outcome',
  'penalty',
  'holdback',
  'holdback_release',
  'cap',
] as const;

const compareNullableText = (a: string | null, b: string | null): number =>
  a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1;

/** The one order of lines, so that a recomputation is byte-for-byte identical. */
export const compareLines = (a: PayoutLine, b: PayoutLine): number =>
  LINE_KIND_ORDER.indexOf(a.kind) - LINE_KIND_ORDER.indexOf(b.kind) ||
  compareNullableText(a.period, b.period) ||
  compareNullableText(a.studentId, b.studentId) ||
  (a.rateVersion ?? 0) - (b.rateVersion ?? 0) ||
  compareNullableText(a.disputeId, b.disputeId);
