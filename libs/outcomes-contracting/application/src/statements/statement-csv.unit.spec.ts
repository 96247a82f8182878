import type { PayoutStatement } from '@tutoring/outcomes-contracting/domain';
import { statementCsv } from './statement-csv';

const statement: PayoutStatement = {
  statementId: '00000000-0000-4000-8000-000000000001',
  districtId: '00000000-0000-4000-8000-000000000002',
  contractId: '00000000-0000-4000-8000-000000000003',
  vendorId: '00000000-0000-4000-8000-000000000004',
  kind: 'base',
  label: '2026-09',
  periodStart: '2026-09-01',
  periodEnd: '2026-09-30',
  currency: 'USD',
  lines: [
    {
      kind: 'base',
      description: 'base 2026-09, rate card v1',
      studentId: 'aaaaaaaa-0000-4000-8000-000000000001',
      quantity: '1.5',
      unit: 'student_hour',
      unitPriceCents: 4000,
      amountCents: 6000,
      evidence: { ledgerPositions: [3, 9], entries: 2 },
      period: '2026-09',
      rateVersion: 1,
      disputeId: null,
    },
    {
      kind: 'adjustment',
      description: '=HYPERLINK("x"), "quoted"',
      studentId: null,
      quantity: '1',
      unit: 'student_hour',
      unitPriceCents: -5,
      amountCents: -5,
      evidence: { ledgerPositions: [9, 9], entries: 0 },
      period: null,
      rateVersion: null,
      disputeId: 'd',
    },
  ],
  totalCents: 5995,
  ledgerPosition: 9,
  computedAt: '2026-10-01T00:00:00Z',
  exceptions: [
    {
      ledgerPosition: 7,
      sessionId: 's-7',
      studentId: 'aaaaaaaa-0000-4000-8000-000000000002',
      localDate: '2026-09-04',
      minutes: 40,
      codes: ['tutor_not_cleared'],
    },
  ],
  notes: [],
};

describe('statement CSV', () => {
  it('one row per line then per exception (amount 0), RFC 4180 quoting, no formula cells', () => {
    const rows = statementCsv(statement).split('\r\n');
    expect(rows[0]).toBe(
      'statement_id,contract_id,vendor_id,statement_kind,period_start,period_end,line_no,kind,period,student_id,description,quantity,unit,unit_price_cents,amount_cents,ledger_from,ledger_to,entries',
    );
    expect(rows[1]).toBe(
      `${statement.statementId},${statement.contractId},${statement.vendorId},base,2026-09-01,2026-09-30,0,base,2026-09,aaaaaaaa-0000-4000-8000-000000000001,"base 2026-09, rate card v1",1.5,student_hour,4000,6000,3,9,2`,
    );
    expect(rows[2]).toContain(`,1,adjustment,,,"'=HYPERLINK(""x""), ""quoted""",1,student_hour,-5,-5,9,9,0`);
    expect(rows[3]).toContain(
      ',,exception,2026-09,aaaaaaaa-0000-4000-8000-000000000002,"not billable (tutor_not_cleared), session s-7, 40 min claimed",0,,0,0,7,7,1',
    );
    expect(rows[4]).toBe('');
    expect(rows).toHaveLength(5);
  });
});
