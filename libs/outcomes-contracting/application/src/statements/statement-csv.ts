// CSV export of one statement for finance systems: one row per line, then one row per exception (amount 0,
// kind "exception", never paid). RFC 4180 quoting; a cell never starts with = + - @ unquoted-and-prefixed
// (formula injection), though every text we write is our own.
import type { PayoutStatement } from '@tutoring/outcomes-contracting/domain';

const HEADER = [
  'statement_id',
  'contract_id',
  'vendor_id',
  'statement_kind',
  'period_start',
  'period_end',
  'line_no',
  'kind',
  'period',
  'student_id',
  'description',
  'quantity',
  'unit',
  'unit_price_cents',
  'amount_cents',
  'ledger_from',
  'ledger_to',
  'entries',
];

const cell = (value: string | number | null): string => {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export const statementCsv = (s: PayoutStatement): string => {
  const head = [s.statementId, s.contractId, s.vendorId, s.kind, s.periodStart, s.periodEnd];
  const rows = s.lines.map((l, i) => [
    ...head,
    i,
    l.kind,
    l.period,
    l.studentId,
    l.description,
    l.quantity,
    l.unit,
    l.unitPriceCents,
    l.amountCents,
    l.evidence.ledgerPositions[0],
    l.evidence.ledgerPositions[1],
    l.evidence.entries,
  ]);
  const exceptions = s.exceptions.map((e) => [
    ...head,
    null,
    'exception',
    e.localDate?.slice(0, 7) ?? null,
    e.studentId,
    `not billable (${e.codes.join(' ')}), session ${e.sessionId}, ${e.minutes} min claimed`,
    '0',
    null,
    0,
    0,
    e.ledgerPosition,
    e.ledgerPosition,
    1,
  ]);
  return (
    [HEADER, ...rows, ...exceptions]
      .map((r) => r.map((v) => cell(v as string | number | null)).join(','))
      .join('\r\n') + '\r\n'
  );
};
