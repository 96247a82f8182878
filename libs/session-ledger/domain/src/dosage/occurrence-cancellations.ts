/**
 * The cancellations of one planned occurrence, as scheduling sent them, and which one answers for each student's miss
 * (issue 6 item 7). Pure. Scheduling may cancel one occurrence several times, for different students and reasons: a
 * student's absence known ahead (accountable: district), later the tutor's absence for everyone still planned
 * (accountable: vendor). The ledger keeps every cancellation (one fact per event id, so a redelivery changes nothing)
 * and decides per (occurrence, student) at read time, so the order in which the events arrive does not matter.
 *
 * Precedence, for a student covered by several cancellations of one occurrence:
 * 1. a whole-occurrence cancellation (no student listed, or a reason that stops the session itself: closure, testing
 *    day, tutor absence) beats a cancellation of some students (student absence, other);
 * 2. then the latest (scheduling's event time; a cancellation without a time counts as the earliest);
 * 3. then the greatest event id (only to be deterministic).
 * A cancellation covers the students it lists; one that lists none covers every student scheduled for the occurrence.
 */

export type CancellationAccountable = 'district' | 'vendor';

export interface CancellationFact {
  /** The CloudEvent id of scheduling's `occurrence-cancelled` (the idempotency key). */
  eventId: string;
  reason: string;
  accountable: CancellationAccountable;
  /** Students it cancels; empty = the whole occurrence (every scheduled student). */
  studentIds: readonly string[];
  /** Scheduling's event time; null when the event had none. */
  cancelledAt: string | null;
}

/** Reasons for which the session itself did not take place, whoever was listed. */
export const WHOLE_OCCURRENCE_REASONS: readonly string[] = ['closure', 'testing_day', 'tutor_absence'];

export const isWholeOccurrence = (c: CancellationFact): boolean =>
  c.studentIds.length === 0 || WHOLE_OCCURRENCE_REASONS.includes(c.reason);

export const coversStudent = (c: CancellationFact, studentId: string): boolean =>
  c.studentIds.length === 0 || c.studentIds.includes(studentId);

const timeOf = (c: CancellationFact): number => {
  const t = c.cancelledAt === null ? Number.NaN : Date.parse(c.cancelledAt);
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
};

/** Sort order: the cancellation that takes precedence first (see the module comment). */
export const byPrecedence = (a: CancellationFact, b: CancellationFact): number => {
  const scope = Number(isWholeOccurrence(b)) - Number(isWholeOccurrence(a));
  if (scope !== 0) return scope;
  const [ta, tb] = [timeOf(a), timeOf(b)];
  if (ta !== tb) return ta > tb ? -1 : 1;
  return a.eventId === b.eventId ? 0 : a.eventId > b.eventId ? -1 : 1;
};

/** The cancellation that answers for `studentId`'s miss, or null when none covers them. */
export const cancellationFor = (
  studentId: string,
  cancellations: readonly CancellationFact[],
): CancellationFact | null => {
  let best: CancellationFact | null = null;
  for (const c of cancellations)
    if (coversStudent(c, studentId) && (best === null || byPrecedence(c, best) < 0)) best = c;
  return best;
};

/**
 * Who was scheduled for the occurrence: the students of its latest plan, plus every student a cancellation names.
 * Scheduling re-publishes a plan (after a group change) without the students whose attendance was cancelled ahead;
 * they were scheduled and missed it, so they stay. Planned order first, then the others in the order first named.
 */
export const scheduledStudents = (planned: readonly string[], cancellations: readonly CancellationFact[]): string[] => {
  const out = new Set(planned);
  for (const c of cancellations) for (const s of c.studentIds) out.add(s);
  return [...out];
};

/** Adds cancellations to those known, once per event id (a redelivered event, or a row read twice, changes nothing). */
export const mergeCancellations = (
  known: readonly CancellationFact[],
  incoming: readonly CancellationFact[],
): CancellationFact[] => {
  const byId = new Map(known.map((c) => [c.eventId, c] as const));
  for (const c of incoming) if (!byId.has(c.eventId)) byId.set(c.eventId, c);
  return [...byId.values()];
};
