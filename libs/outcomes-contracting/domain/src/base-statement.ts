// Monthly base statement. ORDER OF OPERATIONS (the code below follows it step by step):
//   1. base lines of the month, per student and rate version, from payable ledger lines at the position;
//      non-billable lines go to the exception list, unpaid;
//   2. adjustment lines for earlier months that already had a statement: what that month is worth now minus
//      what was issued for it (corrections and voids that reached the ledger after the earlier statement);
//   3. adjustment lines for upheld disputes not yet paid;
//   4. holdback: − holdbackBp × (base + ledger adjustments), half-up to the cent, one aggregate line;
//   5. caps LAST: per student, then per contract (caps.ts).
import type { LocalDate, Timestamp } from '@tutoring/shared/contracts';
import { accrualAmount, accrualQuantity, accrueBase, type BaseAccrual } from './base-pricing';
import { applyCaps } from './caps';
import { versionAt, type Contract } from './contract';
import { evidenceOf, mergeEvidence } from './evidence';
import { percentOfCents, formatBasisPoints, sumDecimals } from './money';
import { ledgerViewAt, type LedgerEntryFact, type LedgerView } from './payment-facts';
import { monthBounds, type Month } from './periods';
import {
  compareLines,
  type PayoutLine,
  type PayoutStatement,
  type PriorStatement,
  type ResolvedDispute,
} from './statement.types';

export interface BaseStatementInput {
  statementId: string;
  contract: Contract;
  month: Month;
  facts: readonly LedgerEntryFact[];
  ledgerPosition: number;
  prior: readonly PriorStatement[];
  disputes: readonly ResolvedDispute[];
  computedAt: Timestamp;
}

export class StatementRuleViolation extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const line = (partial: Omit<PayoutLine, 'period' | 'rateVersion' | 'disputeId'> & Partial<PayoutLine>): PayoutLine => ({
  period: null,
  rateVersion: null,
  disputeId: null,
  ...partial,
});

const baseLine = (a: BaseAccrual, month: Month, at: number): PayoutLine =>
  line({
    kind: 'base',
    description: `base ${month}, rate card v${a.version}`,
    studentId: a.studentId,
    quantity: accrualQuantity(a),
    unit: a.unit,
    unitPriceCents: a.unitPriceCents,
    amountCents: accrualAmount(a),
    evidence: evidenceOf(a.positions, at),
    period: month,
    rateVersion: a.version,
  });

const negate = (q: string): string => (q.startsWith('-') ? q.slice(1) : q === '0' ? q : `-${q}`);

/**
 * Per student: positions of entries that superseded (corrected or voided) an entry touching that student in
 * [from, to] after `since`. One pass over the sessions with more than one entry.
 */
const supersedingByStudent = (
  view: LedgerView,
  from: LocalDate,
  to: LocalDate,
  since: number,
): Map<string, number[]> => {
  const out = new Map<string, number[]>();
  for (const entries of view.history.values()) {
    for (let i = 1; i < entries.length; i++) {
      const prev = entries[i - 1] as LedgerEntryFact;
      const cur = entries[i] as LedgerEntryFact;
      if (cur.ledgerPosition <= since) continue;
      const students = new Set<string>();
      for (const e of [prev, cur])
        if (e.localDate && e.localDate >= from && e.localDate <= to) for (const l of e.lines) students.add(l.studentId);
      for (const studentId of students) {
        const list = out.get(studentId);
        if (list) list.push(cur.ledgerPosition);
        else out.set(studentId, [cur.ledgerPosition]);
      }
    }
  }
  return out;
};

/** Step 2: each earlier month with a statement, re-priced on the ledger as it is now, minus what was issued. */
const ledgerAdjustments = (input: BaseStatementInput, view: LedgerView): PayoutLine[] => {
  const months = new Map<Month, number>(); // month → highest ledger position it was issued at
  for (const s of input.prior)
    if (s.kind === 'base' && s.label < input.month)
      months.set(s.label, Math.max(months.get(s.label) ?? 0, s.ledgerPosition));
  const out: PayoutLine[] = [];
  const priorLines = input.prior.flatMap((s) => s.lines);
  for (const [month, since] of [...months].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const { start, end } = monthBounds(month);
    const now = new Map<
      string,
      { amount: number; quantity: string[]; positions: number[]; unit: PayoutLine['unit']; price: number }
    >();
    for (const a of accrueBase(input.contract, view.current, start, end).accruals) {
      const row = now.get(a.studentId) ?? {
        amount: 0,
        quantity: [],
        positions: [],
        unit: a.unit,
        price: a.unitPriceCents,
      };
      row.amount += accrualAmount(a);
      row.quantity.push(accrualQuantity(a));
      row.positions.push(...a.positions);
      now.set(a.studentId, row);
    }
    const issued = new Map<string, { amount: number; quantity: string[]; unit: PayoutLine['unit']; price: number }>();
    for (const l of priorLines) {
      if (
        l.period !== month ||
        l.studentId === null ||
        l.disputeId !== null ||
        (l.kind !== 'base' && l.kind !== 'adjustment')
      )
        continue;
      const row = issued.get(l.studentId) ?? { amount: 0, quantity: [], unit: l.unit, price: l.unitPriceCents };
      row.amount += l.amountCents;
      row.quantity.push(l.quantity);
      issued.set(l.studentId, row);
    }
    const superseding = supersedingByStudent(view, start, end, since);
    for (const studentId of [...new Set([...now.keys(), ...issued.keys()])].sort()) {
      const n = now.get(studentId);
      const was = issued.get(studentId);
      const delta = (n?.amount ?? 0) - (was?.amount ?? 0);
      if (delta === 0) continue;
      const quantity = sumDecimals([...(n?.quantity ?? []), ...(was?.quantity ?? []).map(negate)]);
      const positions = superseding.get(studentId) ?? [];
      out.push(
        line({
          kind: 'adjustment',
          description: `ledger correction of ${month} after its statement`,
          studentId,
          quantity,
          unit: n?.unit ?? was?.unit ?? 'student_hour',
          unitPriceCents: n?.price ?? was?.price ?? 0,
          amountCents: delta,
          evidence: evidenceOf(new Set([...positions, ...(n?.positions ?? [])]), view.position),
          period: month,
        }),
      );
    }
  }
  return out;
};

/** Step 3: each upheld dispute becomes one adjustment line. */
export const disputeAdjustments = (
  disputes: readonly ResolvedDispute[],
  unit: PayoutLine['unit'],
  at: number,
): PayoutLine[] =>
  disputes
    .filter((d) => d.amountCents !== 0)
    .map((d) =>
      line({
        kind: 'adjustment',
        description: `dispute resolution: ${d.description}`.slice(0, 500),
        studentId: d.studentId,
        quantity: '1',
        unit,
        unitPriceCents: d.amountCents,
        amountCents: d.amountCents,
        evidence: { ledgerPositions: [at, at], entries: 0 },
        period: d.period,
        disputeId: d.disputeId,
      }),
    );

export const totalOf = (lines: readonly PayoutLine[]): number => lines.reduce((acc, l) => acc + l.amountCents, 0);

export const computeBaseStatement = (input: BaseStatementInput): PayoutStatement => {
  const { contract, month, ledgerPosition: at } = input;
  const { start, end } = monthBounds(month);
  if (input.prior.some((s) => s.kind === 'base' && s.label === month))
    throw new StatementRuleViolation('already_issued', `a base statement for ${month} is already issued`);
  const version = versionAt(contract, end < contract.endDate ? end : contract.endDate);
  if (!version) throw new StatementRuleViolation('no_rate_card', `no rate card version is in force in ${month}`);
  const view = ledgerViewAt(input.facts, at);
  const unit = version.rateCard.base.unit;
  // 1.
  const { accruals, exceptions } = accrueBase(contract, view.current, start, end);
  const base = accruals.map((a) => baseLine(a, month, at));
  // 2. + 3.
  const corrections = ledgerAdjustments(input, view);
  const disputes = disputeAdjustments(input.disputes, unit, at);
  // 4.
  const holdbackBasis = [...base, ...corrections];
  const holdback = -percentOfCents(totalOf(holdbackBasis), version.rateCard.holdbackBp);
  const lines = [...base, ...corrections, ...disputes];
  if (holdback !== 0)
    lines.push(
      line({
        kind: 'holdback',
        description: `holdback ${formatBasisPoints(version.rateCard.holdbackBp)} of base ${totalOf(holdbackBasis)} cents, released at settlement`,
        studentId: null,
        quantity: '1',
        unit,
        unitPriceCents: holdback,
        amountCents: holdback,
        evidence: mergeEvidence(
          holdbackBasis.map((l) => l.evidence),
          at,
        ),
      }),
    );
  // 5.
  const capped = applyCaps(
    lines,
    input.prior.flatMap((s) => s.lines),
    { perStudent: version.rateCard.capPerStudentCents, perContract: version.rateCard.capPerContractCents },
    at,
    unit,
  );
  capped.sort(compareLines);
  return {
    statementId: input.statementId,
    districtId: contract.districtId,
    contractId: contract.contractId,
    vendorId: contract.vendorId,
    kind: 'base',
    label: month,
    periodStart: start,
    periodEnd: end,
    currency: 'USD',
    lines: capped,
    totalCents: totalOf(capped),
    ledgerPosition: at,
    computedAt: input.computedAt,
    exceptions,
    notes: [],
  };
};
