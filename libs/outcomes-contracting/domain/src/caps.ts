// Caps are applied LAST, after every other line of the statement, against everything the contract has paid.
import { mergeEvidence } from './evidence';
import type { PayoutLine } from './statement.types';

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

interface StudentTotals {
  uncapped: number;
  capped: number;
}

/** One pass over lines: per student, the sum of non-cap lines and of cap lines (linear, for 100k-student contracts). */
const totalsByStudent = (
  lines: readonly PayoutLine[],
  into = new Map<string, StudentTotals>(),
): Map<string, StudentTotals> => {
  for (const l of lines) {
    if (l.studentId === null) continue;
    const t = into.get(l.studentId) ?? { uncapped: 0, capped: 0 };
    if (l.kind === 'cap') t.capped += l.amountCents;
    else t.uncapped += l.amountCents;
    into.set(l.studentId, t);
  }
  return into;
};

/**
 * 1. Per student: the cap deduction to date must equal max(0, uncapped − cap), where uncapped is every
 *    per-student line ever issued (prior and this statement) except cap lines. This statement's cap line is
 *    that target minus the cap lines already issued, so it may give money back when a correction lowered the
 *    student's total (a cap never takes more than needed). Only students with a line in this statement.
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
    const current = new Map<string, PayoutLine[]>();
    for (const l of lines) {
      if (l.studentId === null) continue;
      const list = current.get(l.studentId);
      if (list) list.push(l);
      else current.set(l.studentId, [l]);
    }
    const totals = totalsByStudent(lines, totalsByStudent(prior));
    for (const s of [...current.keys()].sort()) {
      const t = totals.get(s) as StudentTotals;
      const amount = -Math.max(0, t.uncapped - caps.perStudent) - t.capped;
      if (amount !== 0) out.push(capLine(s, amount, caps.perStudent, current.get(s) as PayoutLine[], at, unit));
    }
  }
  if (caps.perContract !== null) {
    const contractCap = (l: PayoutLine) => l.kind === 'cap' && l.studentId === null;
    let uncapped = 0;
    let capped = 0;
    for (const l of prior) {
      if (contractCap(l)) capped += l.amountCents;
      else uncapped += l.amountCents;
    }
    for (const l of out) if (!contractCap(l)) uncapped += l.amountCents;
    const amount = -Math.max(0, uncapped - caps.perContract) - capped;
    if (amount !== 0) out.push(capLine(null, amount, caps.perContract, out, at, unit));
  }
  return out;
};
