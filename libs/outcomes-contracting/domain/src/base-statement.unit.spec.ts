import { accrualAmount, billedQuarterHours, type BaseAccrual } from './base-pricing';
import { computeBaseStatement, StatementRuleViolation, type BaseStatementInput } from './base-statement';
import type { Contract } from './contract';
import type { LedgerEntryFact } from './payment-facts';
import type { PayoutStatement, PriorStatement } from './statement.types';
import { attended, contract, entry, rateCard, student, uuid } from './testing/builders';

const S1 = student(1);
const S2 = student(2);
const S3 = student(3);

const base = (
  c: Contract,
  month: string,
  facts: LedgerEntryFact[],
  at: number,
  prior: PriorStatement[] = [],
  extra: Partial<BaseStatementInput> = {},
): PayoutStatement =>
  computeBaseStatement({
    statementId: uuid(month === '2026-09' ? 9 : 10, 'f'),
    contract: c,
    month,
    facts,
    ledgerPosition: at,
    prior,
    disputes: [],
    computedAt: '2026-10-01T06:00:00Z',
    ...extra,
  });

const asPrior = (s: PayoutStatement): PriorStatement => ({
  kind: s.kind,
  label: s.label,
  periodStart: s.periodStart,
  periodEnd: s.periodEnd,
  ledgerPosition: s.ledgerPosition,
  lines: s.lines,
});

const summary = (s: PayoutStatement) =>
  s.lines.map((l) => [l.kind, l.studentId, l.quantity, l.unitPriceCents, l.amountCents]);

describe('per-session hour rounding (one session line)', () => {
  it.each([
    ['quarter_hour_down', 0, 0],
    ['quarter_hour_down', 14, 0],
    ['quarter_hour_down', 15, 1],
    ['quarter_hour_down', 29, 1],
    ['quarter_hour_down', 30, 2],
    ['quarter_hour_up', 1, 1],
    ['quarter_hour_up', 15, 1],
    ['quarter_hour_up', 16, 2],
    ['quarter_hour_nearest', 7, 0],
    ['quarter_hour_nearest', 8, 1],
    ['quarter_hour_nearest', 22, 1],
    ['quarter_hour_nearest', 23, 2],
  ] as const)('%s: %i min → %i quarter hours', (rounding, minutes, quarters) => {
    expect(billedQuarterHours(minutes, rounding)).toBe(quarters);
  });

  it('money of a line: quarters × price / 4, half-up to the cent once per line', () => {
    const accrual = (units: number, unitPriceCents: number): BaseAccrual => ({
      studentId: S1,
      version: 1,
      unit: 'student_hour',
      unitPriceCents,
      units,
      positions: new Set(),
    });
    expect(accrualAmount(accrual(1, 1001))).toBe(250); // 250.25
    expect(accrualAmount(accrual(2, 1001))).toBe(501); // 500.5 → 501
    expect(accrualAmount(accrual(3, 1001))).toBe(751); // 750.75
    expect(accrualAmount(accrual(4, 1001))).toBe(1001);
  });
});

describe('monthly base statement', () => {
  const facts: LedgerEntryFact[] = [
    entry(1, 'sess-1', '2026-09-02', [
      attended(S1, 29),
      attended(S2, 30),
      attended(S3, 0, { status: 'absent_excused' }),
    ]),
    entry(2, 'sess-2', '2026-09-03', [attended(S1, 45)]),
    entry(3, 'sess-3', '2026-09-04', [
      attended(S2, 40, { billable: false, exceptionCodes: ['tutor_not_cleared', 'group_too_large'] }),
    ]),
    entry(4, 'sess-4', '2026-10-01', [attended(S1, 60)]),
  ];

  it('student-hour: 29+45 min → 0.25+0.75 h; holdback 20 % of base; exception listed, unpaid', () => {
    const s = base(contract(rateCard({ holdbackBp: 2000 })), '2026-09', facts, 4);
    expect(summary(s)).toEqual([
      ['base', S1, '1', 4000, 4000],
      ['base', S2, '0.5', 4000, 2000],
      ['holdback', null, '1', -1200, -1200],
    ]);
    expect(s.totalCents).toBe(4800);
    expect(s.lines[0]?.evidence).toEqual({ ledgerPositions: [1, 2], entries: 2 });
    expect(s.lines[2]?.evidence).toEqual({ ledgerPositions: [1, 2], entries: 3 });
    expect(s.exceptions).toEqual([
      {
        ledgerPosition: 3,
        sessionId: 'sess-3',
        studentId: S2,
        localDate: '2026-09-04',
        minutes: 40,
        codes: ['group_too_large', 'tutor_not_cleared'],
      },
    ]);
    expect([s.periodStart, s.periodEnd]).toEqual(['2026-09-01', '2026-09-30']);
  });

  it('student-session: each payable line is one session; student-month: one per student with a payable session', () => {
    const perSession = base(
      contract(
        rateCard({ base: { unit: 'student_session', unitPriceCents: 1500, hourRounding: 'quarter_hour_down' } }),
      ),
      '2026-09',
      facts,
      4,
    );
    expect(summary(perSession)).toEqual([
      ['base', S1, '2', 1500, 3000],
      ['base', S2, '1', 1500, 1500],
    ]);
    const perMonth = base(
      contract(rateCard({ base: { unit: 'student_month', unitPriceCents: 9000, hourRounding: 'quarter_hour_down' } })),
      '2026-09',
      facts,
      4,
    );
    expect(summary(perMonth)).toEqual([
      ['base', S1, '1', 9000, 9000],
      ['base', S2, '1', 9000, 9000],
    ]);
  });

  it('a version effective mid-month prices each session at the version in force on its date', () => {
    const c = contract();
    c.versions.push({
      version: 2,
      effectiveFrom: '2026-09-15',
      rateCard: rateCard({ base: { unit: 'student_hour', unitPriceCents: 5000, hourRounding: 'quarter_hour_down' } }),
      createdBy: 'f',
      createdAt: 'x',
    });
    const s = base(
      c,
      '2026-09',
      [entry(1, 'a', '2026-09-10', [attended(S1, 60)]), entry(2, 'b', '2026-09-20', [attended(S1, 60)])],
      2,
    );
    expect(s.lines.map((l) => [l.rateVersion, l.amountCents])).toEqual([
      [1, 4000],
      [2, 5000],
    ]);
  });

  it('does not see ledger entries after its position, nor sessions outside the contract term', () => {
    const s = base(contract(rateCard(), { startDate: '2026-09-03' }), '2026-09', facts, 1);
    expect(s.lines).toEqual([]);
    expect(s.totalCents).toBe(0);
  });

  it('a correction after the statement becomes an adjustment line in the next month, with its evidence', () => {
    const c = contract();
    const sept = base(c, '2026-09', [entry(1, 'sess-1', '2026-09-02', [attended(S1, 60)])], 1);
    expect(sept.totalCents).toBe(4000);
    const later = [
      entry(1, 'sess-1', '2026-09-02', [attended(S1, 60)]),
      entry(5, 'sess-1', '2026-09-02', [attended(S1, 30)], { kind: 'corrected' }),
      entry(6, 'sess-9', '2026-10-05', [attended(S1, 60)]),
    ];
    const oct = base(c, '2026-10', later, 6, [asPrior(sept)]);
    expect(summary(oct)).toEqual([
      ['base', S1, '1', 4000, 4000],
      ['adjustment', S1, '-0.5', 4000, -2000],
    ]);
    expect(oct.lines[1]?.period).toBe('2026-09');
    expect(oct.lines[1]?.evidence).toEqual({ ledgerPositions: [5, 5], entries: 1 });
    expect(oct.totalCents).toBe(2000);
  });

  it('a void after the statement takes the whole session back', () => {
    const c = contract();
    const sept = base(c, '2026-09', [entry(1, 'sess-1', '2026-09-02', [attended(S1, 60)])], 1);
    const oct = base(
      c,
      '2026-10',
      [
        entry(1, 'sess-1', '2026-09-02', [attended(S1, 60)]),
        entry(7, 'sess-1', null as unknown as string, [], { kind: 'voided' }),
      ],
      7,
      [asPrior(sept)],
    );
    expect(summary(oct)).toEqual([['adjustment', S1, '-1', 4000, -4000]]);
    expect(oct.lines[0]?.evidence).toEqual({ ledgerPositions: [7, 7], entries: 1 });
  });

  it('refuses a second statement for the same month', () => {
    const c = contract();
    const sept = base(c, '2026-09', [], 0);
    expect(() => base(c, '2026-09', [], 0, [asPrior(sept)])).toThrow(StatementRuleViolation);
  });

  it('upheld disputes are paid as adjustment lines', () => {
    const s = base(contract(), '2026-10', [], 3, [], {
      disputes: [
        { disputeId: uuid(5), studentId: S1, period: '2026-09', amountCents: 1234, description: 'session s-9 missing' },
      ],
    });
    expect(summary(s)).toEqual([['adjustment', S1, '1', 1234, 1234]]);
    expect(s.lines[0]?.disputeId).toBe(uuid(5));
  });
});

describe('caps, applied last', () => {
  it('per student: cumulative base over months never exceeds the cap', () => {
    const c = contract(rateCard({ capPerStudentCents: 5000 }));
    const sept = base(c, '2026-09', [entry(1, 'a', '2026-09-02', [attended(S1, 60)])], 1);
    expect(sept.totalCents).toBe(4000);
    const oct = base(
      c,
      '2026-10',
      [entry(1, 'a', '2026-09-02', [attended(S1, 60)]), entry(2, 'b', '2026-10-02', [attended(S1, 60)])],
      2,
      [asPrior(sept)],
    );
    expect(summary(oct)).toEqual([
      ['base', S1, '1', 4000, 4000],
      ['cap', S1, '1', -3000, -3000],
    ]);
  });

  it('per student: a later downward correction gives back only what the cap no longer needs', () => {
    const c = contract(rateCard({ capPerStudentCents: 5000 }));
    const sept = base(c, '2026-09', [entry(1, 'a', '2026-09-02', [attended(S1, 90)])], 1);
    expect(summary(sept)).toEqual([
      ['base', S1, '1.5', 4000, 6000],
      ['cap', S1, '1', -1000, -1000],
    ]);
    const oct = base(
      c,
      '2026-10',
      [
        entry(1, 'a', '2026-09-02', [attended(S1, 90)]),
        entry(2, 'a', '2026-09-02', [attended(S1, 60)], { kind: 'corrected' }),
      ],
      2,
      [asPrior(sept)],
    );
    expect(summary(oct)).toEqual([
      ['adjustment', S1, '-0.5', 4000, -2000],
      ['cap', S1, '1', 1000, 1000],
    ]);
    expect(sept.totalCents + oct.totalCents).toBe(4000);
  });

  it('per contract: after holdback and student caps, the net never exceeds the contract cap', () => {
    const c = contract(rateCard({ capPerStudentCents: 3000, capPerContractCents: 5000, holdbackBp: 1000 }));
    const s = base(
      c,
      '2026-09',
      [entry(1, 'a', '2026-09-02', [attended(S1, 60), attended(S2, 60), attended(S3, 30)])],
      1,
    );
    // base 4000 + 4000 + 2000 = 10000; holdback −1000; S1, S2 capped −1000 each → 7000; contract cap −2000 → 5000
    expect(summary(s)).toEqual([
      ['base', S1, '1', 4000, 4000],
      ['base', S2, '1', 4000, 4000],
      ['base', S3, '0.5', 4000, 2000],
      ['holdback', null, '1', -1000, -1000],
      ['cap', S1, '1', -1000, -1000],
      ['cap', S2, '1', -1000, -1000],
      ['cap', null, '1', -2000, -2000],
    ]);
    expect(s.totalCents).toBe(5000);
  });
});
