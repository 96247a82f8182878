// Evidence of a line: the inclusive ledger position range it comes from and how many entries contributed.
import type { StatementEvidenceV1 } from '@tutoring/shared/contracts';

/** From a set of ledger positions; with none, the empty evidence [at, at] with 0 entries. */
export const evidenceOf = (positions: Iterable<number>, at: number): StatementEvidenceV1 => {
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  let entries = 0;
  for (const p of positions) {
    entries++;
    if (p < from) from = p;
    if (p > to) to = p;
  }
  return entries === 0 ? { ledgerPositions: [at, at], entries: 0 } : { ledgerPositions: [from, to], entries };
};

/**
 * Evidence of an aggregate line derived from other lines: the union of their ranges, and the SUM of their entry
 * counts (an entry serving three students counts three times, once per student line it pays).
 */
export const mergeEvidence = (items: readonly StatementEvidenceV1[], at: number): StatementEvidenceV1 => {
  const counted = items.filter((e) => e.entries > 0);
  if (counted.length === 0) return { ledgerPositions: [at, at], entries: 0 };
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  let entries = 0;
  for (const e of counted) {
    from = Math.min(from, e.ledgerPositions[0]);
    to = Math.max(to, e.ledgerPositions[1]);
    entries += e.entries;
  }
  return { ledgerPositions: [from, to], entries };
};
