// The statement as finance receives it (StatementIssuedV1, fixed contract). A statement with more lines than
// the contract allows per message is published with lines aggregated per (kind, unit, unit price), studentId
// null, same total; the per-student lines stay available over HTTP and in the CSV export.
import { MAX_STATEMENT_LINES, type StatementIssuedV1, type StatementLineV1 } from '@tutoring/shared/contracts';
import { mergeEvidence } from './evidence';
import { sumDecimals } from './money';
import { LINE_KIND_ORDER, type PayoutLine, type PayoutStatement } from './statement.types';

const financeLine = (l: PayoutLine): StatementLineV1 => ({
  kind: l.kind,
  description: l.description,
  studentId: l.studentId,
  quantity: l.quantity,
  unit: l.unit,
  unitPriceCents: l.unitPriceCents,
  amountCents: l.amountCents,
  evidence: {
    ledgerPositions: [l.evidence.ledgerPositions[0], l.evidence.ledgerPositions[1]],
    entries: l.evidence.entries,
  },
});

/** Per-student lines when they fit in one message, else aggregated: deterministic either way. */
export const financeLines = (statement: PayoutStatement, maxLines = MAX_STATEMENT_LINES): StatementLineV1[] => {
  if (statement.lines.length <= maxLines) return statement.lines.map(financeLine);
  const groups = new Map<string, PayoutLine[]>();
  for (const l of statement.lines) {
    const key = `${LINE_KIND_ORDER.indexOf(l.kind)}|${l.unit}|${l.unitPriceCents}|${l.studentId === null ? l.description : ''}`;
    const group = groups.get(key);
    if (group) group.push(l);
    else groups.set(key, [l]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, lines]) => {
      const first = lines[0] as PayoutLine;
      return {
        kind: first.kind,
        description:
          first.studentId === null
            ? first.description
            : `${first.kind}: ${lines.length} student lines at ${first.unitPriceCents} cents per ${first.unit} (per-student detail in the statement export)`,
        studentId: null,
        quantity: sumDecimals(lines.map((l) => l.quantity)),
        unit: first.unit,
        unitPriceCents: first.unitPriceCents,
        amountCents: lines.reduce((acc, l) => acc + l.amountCents, 0),
        evidence: mergeEvidence(
          lines.map((l) => l.evidence),
          statement.ledgerPosition,
        ),
      };
    });
};

export const toStatementIssuedV1 = (statement: PayoutStatement): StatementIssuedV1 => ({
  statementId: statement.statementId,
  districtId: statement.districtId,
  contractId: statement.contractId,
  vendorId: statement.vendorId,
  kind: statement.kind,
  periodStart: statement.periodStart,
  periodEnd: statement.periodEnd,
  currency: statement.currency,
  lines: financeLines(statement),
  totalCents: statement.totalCents,
  ledgerPosition: statement.ledgerPosition,
  computedAt: statement.computedAt,
});
