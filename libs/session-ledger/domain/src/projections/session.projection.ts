import { isoWeekOf, paymentPeriodOf } from './iso-week';
import { countsForDosage, ProjectedEntry, ProjectedLine, sessionKeyOf } from './projected-entry';

/** The current version of one vendor session as the read models count it; null once voided. */
export interface SessionRow {
  vendorId: string;
  sessionId: string;
  localDate: string;
  isoWeek: string;
  period: string;
  tutorId: string | null;
  groupId: string | null;
  position: number;
  lines: ProjectedLine[];
}

export const SESSION_EVENT_KINDS = ['delivered', 'corrected', 'voided'] as const;

/** A correction replaces the session's earlier lines; a void removes them. */
export const evolveSession = (row: SessionRow | null, entry: ProjectedEntry): SessionRow | null => {
  switch (entry.kind) {
    case 'voided':
      return null;
    case 'delivered':
    case 'corrected': {
      if (!entry.localDate) return row; // a session without a local date cannot be placed in a week: keep as was
      return {
        vendorId: entry.vendorId,
        sessionId: entry.sessionId,
        localDate: entry.localDate,
        isoWeek: isoWeekOf(entry.localDate),
        period: paymentPeriodOf(entry.localDate),
        tutorId: entry.tutorId,
        groupId: entry.groupId,
        position: entry.position,
        lines: entry.lines,
      };
    }
    default: {
      const _exhaustive: never = entry.kind;
      throw new Error(`unknown entry kind ${String(_exhaustive)}`);
    }
  }
};

/** Weekly dosage of one student in one ISO week. */
export interface DosageWeekRow {
  studentId: string;
  isoWeek: string;
  attendedMinutes: number;
  countedSessions: number;
}

/** Billable and held-back totals of one vendor in one payment period. */
export interface PaymentPeriodRow {
  vendorId: string;
  period: string;
  billableMinutes: number;
  billableSessions: number;
  exceptionLines: number;
  exceptionMinutes: number;
}

/** Counted sessions of one student with one tutor (tutor consistency). */
export interface StudentTutorRow {
  studentId: string;
  tutorId: string;
  countedSessions: number;
}

export const dosageKey = (studentId: string, isoWeek: string): string => `${studentId}|${isoWeek}`;
export const paymentKey = (vendorId: string, period: string): string => `${vendorId}|${period}`;
export const studentTutorKey = (studentId: string, tutorId: string): string => `${studentId}|${tutorId}`;

/** Projection evolve for a weekly row: null deletes (nothing counted any more). */
export const evolveDosageWeek = (row: DosageWeekRow | null, delta: DosageWeekRow): DosageWeekRow | null => {
  const next = {
    studentId: delta.studentId,
    isoWeek: delta.isoWeek,
    attendedMinutes: (row?.attendedMinutes ?? 0) + delta.attendedMinutes,
    countedSessions: (row?.countedSessions ?? 0) + delta.countedSessions,
  };
  return next.countedSessions === 0 && next.attendedMinutes === 0 ? null : next;
};

export const evolveStudentTutor = (row: StudentTutorRow | null, delta: StudentTutorRow): StudentTutorRow | null => {
  const countedSessions = (row?.countedSessions ?? 0) + delta.countedSessions;
  return countedSessions === 0 ? null : { studentId: delta.studentId, tutorId: delta.tutorId, countedSessions };
};

export const evolvePaymentPeriod = (row: PaymentPeriodRow | null, delta: PaymentPeriodRow): PaymentPeriodRow | null => {
  const next: PaymentPeriodRow = {
    vendorId: delta.vendorId,
    period: delta.period,
    billableMinutes: (row?.billableMinutes ?? 0) + delta.billableMinutes,
    billableSessions: (row?.billableSessions ?? 0) + delta.billableSessions,
    exceptionLines: (row?.exceptionLines ?? 0) + delta.exceptionLines,
    exceptionMinutes: (row?.exceptionMinutes ?? 0) + delta.exceptionMinutes,
  };
  const empty =
    next.billableMinutes === 0 &&
    next.billableSessions === 0 &&
    next.exceptionLines === 0 &&
    next.exceptionMinutes === 0;
  return empty ? null : next;
};

/** The effect of a batch of entries: sessions' new state plus summed deltas for the aggregate rows. */
export interface ProjectionBatch {
  /** Every session the batch touched, with its state after the batch (null = voided / gone). */
  sessions: Map<string, SessionRow | null>;
  dosage: Map<string, DosageWeekRow>;
  payment: Map<string, PaymentPeriodRow>;
  tutors: Map<string, StudentTutorRow>;
}

/** Delta rows of a batch keyed by two strings without building a composite key per line (a hot loop in rebuilds). */
class TwoLevel<T> {
  private readonly outer = new Map<string, Map<string, T>>();
  /** The row for (a, b), made by `make` on first use. */
  row(a: string, b: string, make: () => T): T {
    let inner = this.outer.get(a);
    if (!inner) {
      inner = new Map();
      this.outer.set(a, inner);
    }
    let row = inner.get(b);
    if (!row) {
      row = make();
      inner.set(b, row);
    }
    return row;
  }
  /** Every row under its composite key. */
  flatten(key: (a: string, b: string) => string): Map<string, T> {
    const out = new Map<string, T>();
    for (const [a, inner] of this.outer) for (const [b, row] of inner) out.set(key(a, b), row);
    return out;
  }
}

interface Accumulator {
  dosage: TwoLevel<DosageWeekRow>;
  tutors: TwoLevel<StudentTutorRow>;
  payment: TwoLevel<PaymentPeriodRow>;
}

/**
 * Adds one session version's contributions (sign -1 takes it back) into the batch's delta rows, in place: a rebuild
 * folds tens of thousands of entries per batch, so nothing is allocated per line but the rows themselves.
 */
const accumulate = (acc: Accumulator, s: SessionRow, sign: 1 | -1): void => {
  const pay = acc.payment.row(s.vendorId, s.period, () => ({
    vendorId: s.vendorId,
    period: s.period,
    billableMinutes: 0,
    billableSessions: 0,
    exceptionLines: 0,
    exceptionMinutes: 0,
  }));
  for (const line of s.lines) {
    if (line.billable) {
      pay.billableMinutes += sign * line.minutes;
      pay.billableSessions += sign;
    } else {
      pay.exceptionLines += sign;
      pay.exceptionMinutes += sign * line.minutes;
    }
    if (!countsForDosage(line)) continue;
    const week = acc.dosage.row(line.studentId, s.isoWeek, () => ({
      studentId: line.studentId,
      isoWeek: s.isoWeek,
      attendedMinutes: 0,
      countedSessions: 0,
    }));
    week.attendedMinutes += sign * line.minutes;
    week.countedSessions += sign;
    const tutorId = s.tutorId;
    if (tutorId === null) continue;
    const tutor = acc.tutors.row(line.studentId, tutorId, () => ({
      studentId: line.studentId,
      tutorId,
      countedSessions: 0,
    }));
    tutor.countedSessions += sign;
  }
};

/**
 * Folds a batch of entries (ledger order) over the sessions' state before it. Each session version is taken back
 * (sign -1) and its successor added, so the summed deltas are exact whatever the batch boundaries (the property test
 * holds them to a reference written independently). With `aggregates: false` only the sessions are folded and the
 * deltas come back empty: a rebuild derives its aggregate rows from the session rows once it has replayed them all.
 */
export const projectBatch = (
  before: ReadonlyMap<string, SessionRow | null>,
  entries: readonly ProjectedEntry[],
  { aggregates = true }: { aggregates?: boolean } = {},
): ProjectionBatch => {
  const sessions = new Map<string, SessionRow | null>();
  const acc: Accumulator = { dosage: new TwoLevel(), tutors: new TwoLevel(), payment: new TwoLevel() };
  for (const entry of entries) {
    const key = sessionKeyOf(entry.vendorId, entry.sessionId);
    const prev = sessions.has(key) ? (sessions.get(key) ?? null) : (before.get(key) ?? null);
    const next = evolveSession(prev, entry);
    if (prev === next) continue;
    if (aggregates && prev) accumulate(acc, prev, -1);
    if (aggregates && next) accumulate(acc, next, 1);
    sessions.set(key, next);
  }
  return {
    sessions,
    dosage: acc.dosage.flatten(dosageKey),
    payment: acc.payment.flatten(paymentKey),
    tutors: acc.tutors.flatten(studentTutorKey),
  };
};

/** Which sessions' state before a batch the store must load, and which it may take as absent. */
export interface PriorStateNeeds {
  /** Sessions whose current version must be loaded before folding. */
  load: { vendorId: string; sessionId: string }[];
  /**
   * Sessions whose first entry in the batch is version 1 of their stream: no earlier version exists in the ledger,
   * so none can be in the read model. The store verifies that (cheaply, while writing) instead of loading.
   */
  fresh: Set<string>;
}

/**
 * Splits the sessions a batch touches into those to load and those that are new by their stream version. An entry
 * whose version is unknown always needs a load. Pure; the store double-checks `fresh` (a session that turns out to
 * have a row is replayed with a full load), so a wrong guess costs time, never correctness.
 */
export const priorStateNeeds = (entries: readonly ProjectedEntry[]): PriorStateNeeds => {
  const load: { vendorId: string; sessionId: string }[] = [];
  const fresh = new Set<string>();
  const seen = new Set<string>();
  for (const e of entries) {
    const key = sessionKeyOf(e.vendorId, e.sessionId);
    if (seen.has(key)) continue;
    seen.add(key);
    if (e.streamVersion === 1) fresh.add(key);
    else load.push({ vendorId: e.vendorId, sessionId: e.sessionId });
  }
  return { load, fresh };
};
