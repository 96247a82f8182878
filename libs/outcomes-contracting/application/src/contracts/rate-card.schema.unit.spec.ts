import { rateCardShapeErrors } from './rate-card.schema';

const valid = {
  base: { unit: 'student_hour', unitPriceCents: 4000, hourRounding: 'quarter_hour_down' },
  attendanceGateBp: 7000,
  outcome: {
    metric: 'growth_percentile',
    subject: 'math',
    schoolYear: '2026-2027',
    tiers: [{ min: 50, cents: 50000 }],
  },
  declinePenalty: null,
  holdbackBp: 2000,
  capPerStudentCents: null,
  capPerContractCents: 120000000,
  settlementWindows: [{ window: 'MOY', baseline: 'BOY', periodEnd: '2027-01-31' }],
};

describe('rate card shape over HTTP', () => {
  it('accepts a complete card', () => {
    expect(rateCardShapeErrors(valid)).toEqual([]);
  });

  it('refuses unknown properties anywhere, float cents, unknown enums and missing fields, naming the path', () => {
    const paths = (card: unknown) => rateCardShapeErrors(card).map((e) => `${e.path}:${e.code}`);
    expect(paths({ ...valid, bonus: 1 })).toContain('rateCard:additionalProperties');
    expect(paths({ ...valid, base: { ...valid.base, unitPriceCents: 40.5 } })).toContain(
      'rateCard.base.unitPriceCents:type',
    );
    expect(paths({ ...valid, base: { ...valid.base, hourRounding: 'exact' } })).toContain(
      'rateCard.base.hourRounding:enum',
    );
    expect(
      paths({ ...valid, outcome: { ...valid.outcome, tiers: [{ min: 1, cents: 1, extra: true }] } }).some((p) =>
        p.startsWith('rateCard.outcome'),
      ),
    ).toBe(true);
    const { holdbackBp: _omitted, ...missing } = valid;
    expect(paths(missing)).toContain('rateCard:required');
    expect(paths('not a card')).toEqual(['rateCard:type']);
  });
});
