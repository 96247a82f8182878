// Caps are applied LAST, after every other line of the statement, against everything the contract has paid.
import { mergeEvidence } from './evidence';
import type { PayoutLine } from './statement.types';

const sumBy = (lines: readonly PayoutLine[], pick: (l: PayoutLine) => boolean): number =>
  lines.reduce((acc, l) => (pick(l) ? acc + l.amountCents : acc), 0);

const capLine = (
  studentId: string | null,
  amount: number,
  cap: number,
  lines: readonly PayoutLine[],
  at: number,
  unit: PayoutLine['unit'],
): PayoutLine => ({
  kind: 'cap',
  description: studentId ? `per-student cap of ${cap} cents` : `per-contract cap of ${cap} cents`,
  studentId,
  quantity: '1',
  unit,
  unitPriceCents: amount,
  amountCents: amount,
  evidence: mergeEvidence(
    lines.map((l) => l.evidence),
    at,
  ),
  period: null,
  rateVersion: null,
  disputeId: null,
});

/**
 * 1. Per student: the cap deduction to date must equal max(0, uncapped − cap), where uncapped is every
 *    per-student line ever issued (prior and this statement) except cap lines. This statement's cap line is
 *    that target minus the cap lines already issued, so it may give money back when a correction lowered the
 *    student's total (a cap never takes more than needed).
 * 2. Per contract: the same rule on the net of ALL lines (holdback included, contract cap lines excluded).
 * Both caps come from the rate card version in force at the statement's periodEnd.
 */
export const applyCaps = (
  lines: PayoutLine[],
  prior: readonly PayoutLine[],
  caps: { perStudent: number | null; perContract: number | null },
  at: number,
  unit: PayoutLine['unit'],
): PayoutLine[] => {
  const out = [...lines];
  if (caps.perStudent !== null) {
    const students = [...new Set(lines.filter((l) => l.studentId !== null).map((l) => l.studentId as string))].sort();
    for (const s of students) {
      const mine = (l: PayoutLine) => l.studentId === s;
      const uncapped =
        sumBy(prior, (l) => mine(l) && l.kind !== 'cap') + sumBy(lines, (l) => mine(l) && l.kind !== 'cap');
      const capped = sumBy(prior, (l) => mine(l) && l.kind === 'cap');
      const amount = -Math.max(0, uncapped - caps.perStudent) - capped;
      if (amount !== 0) out.push(capLine(s, amount, caps.perStudent, lines.filter(mine), at, unit));
    }
  }
  if (caps.perContract !== null) {
    const contractCap = (l: PayoutLine) => l.kind === 'cap' && l.studentId === null;
    const uncapped = sumBy(prior, (l) => !contractCap(l)) + sumBy(out, (l) => !contractCap(l));
    const capped = sumBy(prior, contractCap);
    const amount = -Math.max(0, uncapped - caps.perContract) - capped;
    if (amount !== 0) out.push(capLine(null, amount, caps.perContract, out, at, unit));
  }
  return out;
};
