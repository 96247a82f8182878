import { STATEMENT_ISSUED_V1, validateEvent } from '@tutoring/shared/contracts';
import { computeBaseStatement } from './base-statement';
import { financeLines, toStatementIssuedV1 } from './finance-event';
import { attended, contract, entry, rateCard, student, uuid } from './testing/builders';

describe('statement as finance receives it', () => {
  const facts = Array.from({ length: 1500 }, (_, i) =>
    entry(i + 1, `s-${i}`, '2026-09-02', [attended(student(i + 1), 45)]),
  );
  const statement = computeBaseStatement({
    statementId: uuid(1, 'f'),
    contract: contract(rateCard({ holdbackBp: 1000 })),
    month: '2026-09',
    facts,
    ledgerPosition: 1500,
    prior: [],
    disputes: [],
    computedAt: '2026-10-01T00:00:00Z',
  });

  it('keeps per-student lines when they fit, without internal fields', () => {
    const lines = financeLines(statement, 2000);
    expect(lines).toHaveLength(1501);
    expect(Object.keys(lines[0] ?? {}).sort()).toEqual([
      'amountCents',
      'description',
      'evidence',
      'kind',
      'quantity',
      'studentId',
      'unit',
      'unitPriceCents',
    ]);
  });

  it('aggregates over 1000 lines per (kind, unit, price), same total, valid against the fixed contract', () => {
    const event = toStatementIssuedV1(statement);
    // 1500 students × 0.75 h × 4000 = 4 500 000; holdback 10 % = −450 000
    expect(event.lines.map((l) => [l.kind, l.studentId, l.quantity, l.amountCents, l.evidence.entries])).toEqual([
      ['base', null, '1125', 4_500_000, 1500],
      ['holdback', null, '1', -450_000, 1500],
    ]);
    expect(event.totalCents).toBe(4_050_000);
    const validated = validateEvent(STATEMENT_ISSUED_V1, event);
    expect(validated.ok ? [] : validated.errors).toEqual([]);
  });
});
