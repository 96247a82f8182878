import {
  computeSettlementStatement,
  type AssessmentFact,
  type OccurrenceFact,
  type SettlementInput,
} from './settlement-statement';
import type { LedgerEntryFact } from './payment-facts';
import type { PayoutLine, PayoutStatement, PriorStatement } from './statement.types';
import { attended, contract, entry, rateCard, student, uuid } from './testing/builders';
import type { RateCard } from './rate-card';

const S = [1, 2, 3, 4, 5].map(student) as [string, string, string, string, string];

/** n occurrences for the given students, from 2026-09-01 on consecutive days. */
const occurrences = (n: number, studentIds: string[], cancelled: OccurrenceFact['cancelled'] = []): OccurrenceFact[] =>
  Array.from({ length: n }, (_, i) => ({
    occurrenceId: uuid(100 + i, 'b'),
    date: `2026-09-${String(i + 1).padStart(2, '0')}`,
    studentIds,
    cancelled: i === 0 ? cancelled : [],
  }));

/** Student `s` attends the first `k` occurrences (one ledger entry each). */
const attendance = (s: string, k: number, firstPosition: number): LedgerEntryFact[] =>
  Array.from({ length: k }, (_, i) =>
    entry(firstPosition + i, `${s}-${i}`, `2026-09-${String(i + 1).padStart(2, '0')}`, [attended(s, 30)], {
      scheduledSessionId: uuid(100 + i, 'b'),
    }),
  );

const assessment = (
  s: string,
  window: 'BOY' | 'MOY' | 'EOY',
  scaleScore: number,
  growthPercentile: number | null,
): AssessmentFact => ({
  assessmentId: `${s.slice(-4)}-${window}`.padStart(8, '0') + '-0000-4000-8000-000000000000',
  studentId: s,
  schoolYear: '2026-2027',
  window,
  subject: 'math',
  scaleScore,
  percentile: 50,
  growthPercentile,
});

const settle = (
  card: RateCard,
  facts: LedgerEntryFact[],
  occ: OccurrenceFact[],
  assessments: AssessmentFact[],
  prior: PriorStatement[] = [],
  window: 'MOY' | 'EOY' = 'MOY',
): PayoutStatement => {
  const input: SettlementInput = {
    statementId: uuid(77, 'f'),
    contract: contract(card),
    window,
    facts,
    assessments,
    occurrences: occ,
    ledgerPosition: 500,
    prior,
    computedAt: '2027-02-10T00:00:00Z',
  };
  return computeSettlementStatement(input);
};

const summary = (s: PayoutStatement) => s.lines.map((l) => [l.kind, l.studentId, l.amountCents]);

describe('settlement statement', () => {
  const card = rateCard({ declinePenalty: { below: 35, cents: 20_000 } });
  const facts = [
    ...attendance(S[0], 7, 1),
    ...attendance(S[1], 6, 20),
    ...attendance(S[2], 8, 40),
    ...attendance(S[3], 10, 60),
    ...attendance(S[4], 9, 80),
  ];
  const assessments = [
    assessment(S[0], 'BOY', 400, null),
    assessment(S[0], 'MOY', 430, 66),
    assessment(S[1], 'BOY', 400, null),
    assessment(S[1], 'MOY', 460, 90),
    assessment(S[2], 'BOY', 400, null),
    assessment(S[2], 'MOY', 410, 55),
    assessment(S[3], 'BOY', 400, null),
    assessment(S[3], 'MOY', 380, 30),
    assessment(S[4], 'MOY', 450, 80),
  ];

  it('gate, tiers, penalty, missing baseline; each line explains itself', () => {
    const s = settle(card, facts, occurrences(10, S), assessments);
    // S1 7/10 = 70.00 % passes, GP 66 ≥ 65 → 100 000; S2 6/10 fails the gate; S3 8/10, GP 55 → 50 000;
    // S4 10/10, GP 30 < first tier and < 35 → penalty −20 000; S5 has no BOY.
    expect(summary(s)).toEqual([
      ['outcome', S[0], 100_000],
      ['outcome', S[2], 50_000],
      ['penalty', S[3], -20_000],
    ]);
    expect(s.totalCents).toBe(130_000);
    expect(s.notes.map((n) => [n.studentId, n.code])).toEqual([
      [S[1], 'attendance_gate'],
      [S[3], 'below_first_tier'],
      [S[4], 'no_baseline'],
    ]);
    expect(s.notes[0]?.description).toBe('attended 6/10 = 60.00 % < gate 70.00 %');
    const first = s.lines[0] as PayoutLine;
    expect(first.description).toContain('growth_percentile 66');
    expect(first.description).toContain('attended 7/10 = 70.00 %');
    expect(first.evidence).toEqual({ ledgerPositions: [1, 7], entries: 7 });
    expect([s.periodStart, s.periodEnd]).toEqual(['2026-09-01', '2027-01-31']);
  });

  it('district-accountable cancellations leave the denominator, vendor-accountable ones stay', () => {
    const occ = occurrences(10, S, [{ studentId: S[1], accountable: 'district' }]);
    // S2 attended occurrences 1..6, but #1 is cancelled for S2 by the district: 5 attended of 9 scheduled = 55.55 %
    const s = settle(card, facts, occ, assessments);
    expect(s.notes.find((n) => n.studentId === S[1])?.description).toBe('attended 5/9 = 55.55 % < gate 70.00 %');
    const vendorFault = settle(
      card,
      facts,
      occurrences(10, S, [{ studentId: S[0], accountable: 'vendor' }]),
      assessments,
    );
    expect(summary(vendorFault)[0]).toEqual(['outcome', S[0], 100_000]); // still 7/10
  });

  it('2/3 attendance (66.66 %) does not pass a 66.67 % gate: shares round down', () => {
    const s = settle(rateCard({ attendanceGateBp: 6667 }), attendance(S[0], 2, 1), occurrences(3, [S[0]]), assessments);
    expect(s.notes[0]?.code).toBe('attendance_gate');
    const passes = settle(
      rateCard({ attendanceGateBp: 6666 }),
      attendance(S[0], 2, 1),
      occurrences(3, [S[0]]),
      assessments,
    );
    expect(summary(passes)).toEqual([['outcome', S[0], 100_000]]);
  });

  it('scale-score gain tiers', () => {
    const gain = rateCard({
      outcome: {
        metric: 'scale_score_gain',
        subject: 'math',
        schoolYear: '2026-2027',
        tiers: [
          { min: 10, cents: 30_000 },
          { min: 30, cents: 75_000 },
        ],
      },
    });
    const s = settle(gain, facts, occurrences(10, S), assessments);
    // S1 gain 30 → 75 000; S3 gain 10 → 30 000; S4 gain −20 → nothing
    expect(summary(s)).toEqual([
      ['outcome', S[0], 75_000],
      ['outcome', S[2], 30_000],
    ]);
  });

  it('holdback release, then caps last (per student, then contract)', () => {
    const prior: PriorStatement[] = [
      {
        kind: 'base',
        label: '2026-09',
        periodStart: '2026-09-01',
        periodEnd: '2026-09-30',
        ledgerPosition: 100,
        lines: [
          {
            kind: 'base',
            description: 'b',
            studentId: S[0],
            quantity: '10',
            unit: 'student_hour',
            unitPriceCents: 4000,
            amountCents: 40_000,
            evidence: { ledgerPositions: [1, 7], entries: 7 },
            period: '2026-09',
            rateVersion: 1,
            disputeId: null,
          },
          {
            kind: 'holdback',
            description: 'h',
            studentId: null,
            quantity: '1',
            unit: 'student_hour',
            unitPriceCents: -8000,
            amountCents: -8000,
            evidence: { ledgerPositions: [1, 7], entries: 7 },
            period: null,
            rateVersion: null,
            disputeId: null,
          },
        ],
      },
    ];
    const capped = rateCard({ capPerStudentCents: 120_000, capPerContractCents: 150_000, holdbackBp: 2000 });
    const s = settle(capped, facts, occurrences(10, S), assessments, prior);
    // S1: 40 000 base + 100 000 outcome = 140 000 > 120 000 → cap −20 000.
    // contract: prior 32 000 + (100 000 + 50 000 + 8 000 release − 20 000) = 170 000 > 150 000 → cap −20 000.
    expect(summary(s)).toEqual([
      ['outcome', S[0], 100_000],
      ['outcome', S[2], 50_000],
      ['holdback_release', null, 8000],
      ['cap', S[0], -20_000],
      ['cap', null, -20_000],
    ]);
    expect(32_000 + s.totalCents).toBe(150_000);
  });

  it('EOY pays the tier minus what MOY already paid, never claws back, penalizes once', () => {
    const moy = settle(card, facts, occurrences(10, S), assessments);
    const eoyAssessments = [
      ...assessments,
      assessment(S[0], 'EOY', 450, 60), // tier 50 000 < 100 000 paid → nothing
      assessment(S[2], 'EOY', 450, 70), // tier 100 000 − 50 000 paid → 50 000
      assessment(S[3], 'EOY', 370, 20), // penalized at MOY already → nothing
    ];
    const prior: PriorStatement[] = [
      {
        kind: 'settlement',
        label: 'MOY',
        periodStart: moy.periodStart,
        periodEnd: moy.periodEnd,
        ledgerPosition: 500,
        lines: moy.lines,
      },
    ];
    const eoy = settle(card, facts, occurrences(10, S), eoyAssessments, prior, 'EOY');
    expect(summary(eoy)).toEqual([['outcome', S[2], 50_000]]);
    expect(() => settle(card, facts, occurrences(10, S), eoyAssessments, prior, 'MOY')).toThrow(/already issued/);
  });
});
