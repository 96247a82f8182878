// Settlement statement at a window (MOY or EOY). ORDER OF OPERATIONS:
//   1. the students served: anyone with a payable ledger line under the contract up to the window's periodEnd;
//   2. attendance gate per student: attended scheduled occurrences / scheduled occurrences ≥ gate (shares are
//      rounded DOWN to the basis point, so rounding never passes a gate); occurrences cancelled with the
//      district accountable leave the denominator, vendor-accountable ones stay in it;
//   3. growth metric between the baseline and the outcome window (both assessments required): the outcome
//      tier (highest tier whose min ≤ metric) minus outcome already paid to that student at earlier
//      settlements, never below zero (no clawback of earned outcomes);
//   4. decline penalty: metric < penalty.below → − penalty, at most once per student per contract;
//   5. holdback release: everything withheld by earlier statements and not yet released, one aggregate line;
//   6. caps LAST: per student, then per contract.
import type { AssessmentRecordedV1, LocalDate, Timestamp } from '@tutoring/shared/contracts';
import { applyCaps } from './caps';
import { versionAt, type Contract } from './contract';
import { evidenceOf, mergeEvidence } from './evidence';
import { formatBasisPoints, shareBasisPoints } from './money';
import { isPayable, ledgerViewAt, type LedgerEntryFact } from './payment-facts';
import { within } from './periods';
import type { RateCard, SettlementWindow } from './rate-card';
import { StatementRuleViolation, totalOf } from './base-statement';
import {
  compareLines,
  type EligibilityNote,
  type PayoutLine,
  type PayoutStatement,
  type PriorStatement,
} from './statement.types';

export type AssessmentFact = Pick<
  AssessmentRecordedV1,
  'assessmentId' | 'studentId' | 'schoolYear' | 'window' | 'subject' | 'scaleScore' | 'percentile' | 'growthPercentile'
>;

export interface OccurrenceFact {
  occurrenceId: string;
  date: LocalDate;
  studentIds: string[];
  /** Per cancelled student: who is accountable. */
  cancelled: { studentId: string; accountable: 'district' | 'vendor' }[];
}

export interface SettlementInput {
  statementId: string;
  contract: Contract;
  window: SettlementWindow['window'];
  facts: readonly LedgerEntryFact[];
  assessments: readonly AssessmentFact[];
  occurrences: readonly OccurrenceFact[];
  ledgerPosition: number;
  prior: readonly PriorStatement[];
  computedAt: Timestamp;
}

export interface AttendanceShare {
  attended: number;
  scheduled: number;
  positions: Set<number>;
}

/** Step 2 input: per student, scheduled and attended occurrences in [from, to]. */
export const attendanceShares = (
  current: readonly LedgerEntryFact[],
  occurrences: readonly OccurrenceFact[],
  from: LocalDate,
  to: LocalDate,
): Map<string, AttendanceShare> => {
  const shares = new Map<string, AttendanceShare>();
  const scheduledFor = new Map<string, Set<string>>(); // occurrenceId → students still scheduled
  for (const o of occurrences) {
    if (!within(o.date, from, to)) continue;
    const excused = new Set(o.cancelled.filter((c) => c.accountable === 'district').map((c) => c.studentId));
    const students = new Set(o.studentIds.filter((s) => !excused.has(s)));
    scheduledFor.set(o.occurrenceId, students);
    for (const s of students) {
      const share = shares.get(s) ?? { attended: 0, scheduled: 0, positions: new Set<number>() };
      share.scheduled++;
      shares.set(s, share);
    }
  }
  // A student counts once per occurrence: they leave the occurrence's set when counted (no composite keys).
  for (const entry of current) {
    const students = entry.scheduledSessionId ? scheduledFor.get(entry.scheduledSessionId) : undefined;
    if (!students) continue;
    for (const l of entry.lines) {
      if (!isPayable(l) || !students.delete(l.studentId)) continue;
      const share = shares.get(l.studentId) as AttendanceShare;
      share.attended++;
      share.positions.add(entry.ledgerPosition);
    }
  }
  return shares;
};

export type Eligibility =
  | { ok: true; metric: number; baseline: AssessmentFact; outcome: AssessmentFact }
  | { ok: false; note: EligibilityNote };

/** Steps 2–3: gate first, then the two assessments and the metric. */
export const eligibility = (
  studentId: string,
  card: RateCard,
  window: SettlementWindow,
  share: AttendanceShare | undefined,
  assessments: ReadonlyMap<string, AssessmentFact>,
): Eligibility => {
  const no = (code: EligibilityNote['code'], description: string): Eligibility => ({
    ok: false,
    note: { studentId, code, description },
  });
  if (!share || share.scheduled === 0)
    return no('no_scheduled_sessions', 'no scheduled sessions: the attendance gate cannot be passed');
  const bp = shareBasisPoints(share.attended, share.scheduled);
  if (bp < card.attendanceGateBp)
    return no(
      'attendance_gate',
      `attended ${share.attended}/${share.scheduled} = ${formatBasisPoints(bp)} < gate ${formatBasisPoints(card.attendanceGateBp)}`,
    );
  const outcomeCard = card.outcome as NonNullable<RateCard['outcome']>;
  const baseline = assessments.get(`${studentId}|${window.baseline}`);
  const outcome = assessments.get(`${studentId}|${window.window}`);
  if (!baseline) return no('no_baseline', `no ${window.baseline} ${outcomeCard.subject} assessment`);
  if (!outcome) return no('no_outcome', `no ${window.window} ${outcomeCard.subject} assessment`);
  if (outcomeCard.metric === 'growth_percentile') {
    if (outcome.growthPercentile === null)
      return no('no_growth_percentile', `the ${window.window} assessment has no growth percentile`);
    return { ok: true, metric: outcome.growthPercentile, baseline, outcome };
  }
  return { ok: true, metric: outcome.scaleScore - baseline.scaleScore, baseline, outcome };
};

/** Highest tier whose min ≤ metric; 0 below the first tier. */
export const tierCents = (card: RateCard, metric: number): number => {
  let cents = 0;
  for (const t of card.outcome?.tiers ?? []) if (metric >= t.min) cents = t.cents;
  return cents;
};

const studentLine = (
  kind: 'outcome' | 'penalty',
  studentId: string,
  cents: number,
  description: string,
  positions: Set<number>,
  at: number,
): PayoutLine => ({
  kind,
  description,
  studentId,
  quantity: '1',
  unit: 'student',
  unitPriceCents: cents,
  amountCents: cents,
  evidence: evidenceOf(positions, at),
  period: null,
  rateVersion: null,
  disputeId: null,
});

const servedStudents = (contract: Contract, current: readonly LedgerEntryFact[], to: LocalDate): string[] => {
  const served = new Set<string>();
  for (const e of current)
    if (e.localDate && within(e.localDate, contract.startDate, to))
      for (const l of e.lines) if (isPayable(l)) served.add(l.studentId);
  return [...served].sort();
};

const assessmentIndex = (
  assessments: readonly AssessmentFact[],
  card: NonNullable<RateCard['outcome']>,
): Map<string, AssessmentFact> => {
  const index = new Map<string, AssessmentFact>();
  const sorted = [...assessments].sort((a, b) => (a.assessmentId < b.assessmentId ? -1 : 1));
  for (const a of sorted)
    if (a.subject === card.subject && a.schoolYear === card.schoolYear) index.set(`${a.studentId}|${a.window}`, a);
  return index;
};

/** Per student: outcome already paid and whether a penalty was already taken (one pass over prior lines). */
const priorOutcomes = (priorLines: readonly PayoutLine[]) => {
  const paid = new Map<string, number>();
  const penalized = new Set<string>();
  for (const l of priorLines) {
    if (l.studentId === null) continue;
    if (l.kind === 'outcome') paid.set(l.studentId, (paid.get(l.studentId) ?? 0) + l.amountCents);
    if (l.kind === 'penalty') penalized.add(l.studentId);
  }
  return { paid, penalized };
};

const outcomeLines = (
  input: SettlementInput,
  card: RateCard,
  window: SettlementWindow,
  students: string[],
  shares: Map<string, AttendanceShare>,
  notes: EligibilityNote[],
): PayoutLine[] => {
  const at = input.ledgerPosition;
  const out: PayoutLine[] = [];
  if (!card.outcome) return out;
  const assessments = assessmentIndex(input.assessments, card.outcome);
  const prior = priorOutcomes(input.prior.flatMap((s) => s.lines));
  for (const studentId of students) {
    const share = shares.get(studentId);
    const e = eligibility(studentId, card, window, share, assessments);
    if (!e.ok) {
      notes.push(e.note);
      continue;
    }
    const s = share as AttendanceShare;
    const why = `${card.outcome.metric} ${e.metric} (${window.baseline} ${e.baseline.assessmentId} scale ${e.baseline.scaleScore} → ${window.window} ${e.outcome.assessmentId} scale ${e.outcome.scaleScore}), attended ${s.attended}/${s.scheduled} = ${formatBasisPoints(shareBasisPoints(s.attended, s.scheduled))}`;
    const tier = tierCents(card, e.metric);
    const due = Math.max(0, tier - (prior.paid.get(studentId) ?? 0));
    if (due > 0) out.push(studentLine('outcome', studentId, due, `outcome ${window.window}: ${why}`, s.positions, at));
    else if (tier === 0) notes.push({ studentId, code: 'below_first_tier', description: why });
    if (
      card.declinePenalty &&
      e.metric < card.declinePenalty.below &&
      !prior.penalized.has(studentId) &&
      card.declinePenalty.cents > 0
    )
      out.push(
        studentLine(
          'penalty',
          studentId,
          -card.declinePenalty.cents,
          `decline penalty ${window.window}: ${why}`,
          s.positions,
          at,
        ),
      );
  }
  return out;
};

export const computeSettlementStatement = (input: SettlementInput): PayoutStatement => {
  const { contract, ledgerPosition: at } = input;
  if (input.prior.some((s) => s.kind === 'settlement' && s.label === input.window))
    throw new StatementRuleViolation('already_issued', `the ${input.window} settlement is already issued`);
  const anyVersion = contract.versions[contract.versions.length - 1];
  const window =
    anyVersion &&
    versionAt(contract, contract.endDate)?.rateCard.settlementWindows.find((w) => w.window === input.window);
  if (!window) throw new StatementRuleViolation('no_window', `the contract has no ${input.window} settlement window`);
  const version = versionAt(contract, window.periodEnd < contract.endDate ? window.periodEnd : contract.endDate);
  if (!version) throw new StatementRuleViolation('no_rate_card', 'no rate card version is in force at the window');
  const card = version.rateCard;
  const view = ledgerViewAt(input.facts, at);
  // 1. + 2.
  const students = servedStudents(contract, view.current, window.periodEnd);
  const shares = attendanceShares(view.current, input.occurrences, contract.startDate, window.periodEnd);
  const notes: EligibilityNote[] = [];
  // 3. + 4.
  const lines = outcomeLines(input, card, window, students, shares, notes);
  // 5.
  const priorLines = input.prior.flatMap((s) => s.lines);
  const withheld = priorLines.filter((l) => l.kind === 'holdback' || l.kind === 'holdback_release');
  const release = -totalOf(withheld);
  if (release !== 0)
    lines.push({
      kind: 'holdback_release',
      description: `release of holdback withheld by earlier statements`,
      studentId: null,
      quantity: '1',
      unit: card.base.unit,
      unitPriceCents: release,
      amountCents: release,
      evidence: mergeEvidence(
        withheld.filter((l) => l.kind === 'holdback').map((l) => l.evidence),
        at,
      ),
      period: null,
      rateVersion: null,
      disputeId: null,
    });
  // 6.
  const capped = applyCaps(
    lines,
    priorLines,
    { perStudent: card.capPerStudentCents, perContract: card.capPerContractCents },
    at,
    card.base.unit,
  );
  capped.sort(compareLines);
  return {
    statementId: input.statementId,
    districtId: contract.districtId,
    contractId: contract.contractId,
    vendorId: contract.vendorId,
    kind: 'settlement',
    label: input.window,
    periodStart: contract.startDate,
    periodEnd: window.periodEnd,
    currency: 'USD',
    lines: capped,
    totalCents: totalOf(capped),
    ledgerPosition: at,
    computedAt: input.computedAt,
    exceptions: [],
    notes,
  };
};
