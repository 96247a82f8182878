// The local payment fact table, as the domain sees it: what the ledger recorded for one vendor's sessions, one
// entry per ledger position. A correction replaces the session's earlier lines; a void cancels them.
import type { AttendanceStatus, LocalDate } from '@tutoring/shared/contracts';

export interface PaymentFactLine {
  studentId: string;
  status: AttendanceStatus;
  minutes: number;
  billable: boolean;
  exceptionCodes: string[];
}

export interface LedgerEntryFact {
  ledgerPosition: number;
  sessionId: string;
  kind: 'delivered' | 'corrected' | 'voided';
  localDate: LocalDate | null;
  scheduledSessionId: string | null;
  lines: PaymentFactLine[];
}

const ATTENDED: ReadonlySet<AttendanceStatus> = new Set(['present', 'late', 'left_early']);

/** A line the student actually attended (DESIGN.md §2: present, late or left_early with minutes > 0). */
export const isAttended = (line: PaymentFactLine): boolean => ATTENDED.has(line.status) && line.minutes > 0;

/** Paid only when attended AND every billable-line rule passed; a non-billable line is an exception, never paid. */
export const isPayable = (line: PaymentFactLine): boolean => line.billable && isAttended(line);

export interface LedgerView {
  position: number;
  /** Current entry of each session at `position` (voids included, with no lines). */
  current: LedgerEntryFact[];
  /** Every entry at or below `position`, per session, ascending (for adjustment evidence). */
  history: Map<string, LedgerEntryFact[]>;
}

/** The ledger as it stood at `position`: later entries are invisible, so a recomputation at P is always the same. */
export const ledgerViewAt = (facts: readonly LedgerEntryFact[], position: number): LedgerView => {
  const history = new Map<string, LedgerEntryFact[]>();
  for (const fact of facts) {
    if (fact.ledgerPosition > position) continue;
    const list = history.get(fact.sessionId);
    if (list) list.push(fact);
    else history.set(fact.sessionId, [fact]);
  }
  const current: LedgerEntryFact[] = [];
  for (const list of history.values()) {
    list.sort((a, b) => a.ledgerPosition - b.ledgerPosition);
    current.push(list[list.length - 1] as LedgerEntryFact);
  }
  current.sort((a, b) => a.ledgerPosition - b.ledgerPosition);
  return { position, current, history };
};
