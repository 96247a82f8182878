import { decideContract, evolveContract, versionAt, ContractRuleViolation, type Contract } from './contract';
import { rateCardErrors } from './rate-card';
import { contract, rateCard } from './testing/builders';

describe('rate card rules', () => {
  it('accepts the default card', () => {
    expect(rateCardErrors(rateCard())).toEqual([]);
  });

  it('refuses holdback over 40 %, a gate over 100 %, float cents, unordered tiers and duplicate windows', () => {
    const card = rateCard({
      holdbackBp: 4001,
      attendanceGateBp: 10_001,
      base: { unit: 'student_hour', unitPriceCents: 40.5, hourRounding: 'quarter_hour_up' },
      outcome: {
        metric: 'scale_score_gain',
        subject: 'math',
        schoolYear: '2026-2027',
        tiers: [
          { min: 10, cents: 100 },
          { min: 5, cents: 50 },
        ],
      },
      settlementWindows: [
        { window: 'EOY', baseline: 'BOY', periodEnd: '2027-05-31' },
        { window: 'EOY', baseline: 'MOY', periodEnd: '2027-05-31' },
      ],
    });
    expect(rateCardErrors(card).map((e) => `${e.path}:${e.code}`)).toEqual([
      'base.unitPriceCents:cents',
      'attendanceGateBp:range',
      'holdbackBp:range',
      'outcome.tiers[1].min:order',
      'outcome.tiers[1].cents:order',
      'settlementWindows:duplicate',
    ]);
  });
});

describe('contract versions', () => {
  const created = (): Contract => {
    const c = contract();
    const events = decideContract(
      {
        type: 'CreateContract',
        data: {
          contractId: c.contractId,
          districtId: c.districtId,
          vendorId: c.vendorId,
          name: c.name,
          startDate: c.startDate,
          endDate: c.endDate,
          rateCard: rateCard(),
          by: 'fin-1',
          now: '2026-08-01T00:00:00Z',
        },
      },
      null,
    );
    return events.reduce<Contract | null>(evolveContract, null) as Contract;
  };

  it('a change is a new version effective from a date; the old one stays', () => {
    const c = created();
    const events = decideContract(
      {
        type: 'ReviseContract',
        data: {
          effectiveFrom: '2026-11-01',
          rateCard: rateCard({ holdbackBp: 1000 }),
          by: 'fin-2',
          now: '2026-10-15T00:00:00Z',
          lockedThrough: '2026-10-31',
        },
      },
      c,
    );
    const next = events.reduce<Contract | null>(evolveContract, c) as Contract;
    expect(next.versions.map((v) => [v.version, v.effectiveFrom, v.rateCard.holdbackBp])).toEqual([
      [1, '2026-09-01', 0],
      [2, '2026-11-01', 1000],
    ]);
    expect(versionAt(next, '2026-10-31')?.version).toBe(1);
    expect(versionAt(next, '2026-11-01')?.version).toBe(2);
    expect(versionAt(next, '2026-08-31')).toBeNull();
  });

  it('a new version never reaches back into a period already on a statement', () => {
    const c = created();
    const revise = (effectiveFrom: string, lockedThrough: string | null) => () =>
      decideContract(
        {
          type: 'ReviseContract',
          data: { effectiveFrom, rateCard: rateCard(), by: 'f', now: '2026-10-15T00:00:00Z', lockedThrough },
        },
        c,
      );
    expect(revise('2026-10-31', '2026-10-31')).toThrow(
      expect.objectContaining({ code: 'locked' }) as ContractRuleViolation,
    );
    expect(revise('2026-09-01', null)).toThrow(
      expect.objectContaining({ code: 'effective_from' }) as ContractRuleViolation,
    );
    expect(revise('2027-07-01', null)).toThrow(
      expect.objectContaining({ code: 'effective_from' }) as ContractRuleViolation,
    );
    expect(() =>
      decideContract(
        {
          type: 'ReviseContract',
          data: {
            effectiveFrom: '2026-12-01',
            rateCard: rateCard({ holdbackBp: 9000 }),
            by: 'f',
            now: 'x',
            lockedThrough: null,
          },
        },
        c,
      ),
    ).toThrow(expect.objectContaining({ code: 'invalid_rate_card' }) as ContractRuleViolation);
  });
});
