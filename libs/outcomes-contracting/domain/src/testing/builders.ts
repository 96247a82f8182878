// Test data builders (used by specs only). Deterministic ids: uuid-shaped from a number.
import type { Contract } from '../contract';
import type { LedgerEntryFact, PaymentFactLine } from '../payment-facts';
import type { RateCard } from '../rate-card';

export const uuid = (n: number, prefix = '0'): string =>
  `${prefix.repeat(8)}-0000-4000-8000-${String(n).padStart(12, '0')}`;

export const student = (n: number): string => uuid(n, 'a');

export const rateCard = (overrides: Partial<RateCard> = {}): RateCard => ({
  base: { unit: 'student_hour', unitPriceCents: 4000, hourRounding: 'quarter_hour_down' },
  attendanceGateBp: 7000,
  outcome: {
    metric: 'growth_percentile',
    subject: 'math',
    schoolYear: '2026-2027',
    tiers: [
      { min: 50, cents: 50_000 },
      { min: 65, cents: 100_000 },
    ],
  },
  declinePenalty: null,
  holdbackBp: 0,
  capPerStudentCents: null,
  capPerContractCents: null,
  settlementWindows: [
    { window: 'MOY', baseline: 'BOY', periodEnd: '2027-01-31' },
    { window: 'EOY', baseline: 'BOY', periodEnd: '2027-05-31' },
  ],
  ...overrides,
});

export const contract = (card: RateCard = rateCard(), extra: Partial<Contract> = {}): Contract => ({
  contractId: uuid(1, 'c'),
  districtId: uuid(1, 'd'),
  vendorId: uuid(1, 'e'),
  name: 'Math HDT 2026-27',
  startDate: '2026-09-01',
  endDate: '2027-06-30',
  versions: [
    { version: 1, effectiveFrom: '2026-09-01', rateCard: card, createdBy: 'fin-1', createdAt: '2026-08-01T00:00:00Z' },
  ],
  ...extra,
});

export const attended = (
  studentId: string,
  minutes: number,
  extra: Partial<PaymentFactLine> = {},
): PaymentFactLine => ({
  studentId,
  status: 'present',
  minutes,
  billable: true,
  exceptionCodes: [],
  ...extra,
});

export const entry = (
  ledgerPosition: number,
  sessionId: string,
  localDate: string,
  lines: PaymentFactLine[],
  extra: Partial<LedgerEntryFact> = {},
): LedgerEntryFact => ({
  ledgerPosition,
  sessionId,
  kind: 'delivered',
  localDate,
  scheduledSessionId: null,
  lines,
  ...extra,
});
