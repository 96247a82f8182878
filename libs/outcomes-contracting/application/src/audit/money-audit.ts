// Money changes on record (issue 3, item 6): who (token subject and roles), what (action, record type, ids), when
// (the entry's time), why (the operation and its amounts), written with @tutoring/shared/audit in the transaction
// that makes the change, so a change cannot commit without its entry. Free text a caller typed (dispute reasons,
// resolution notes) is not copied: it stays in the disputes table, the audit entry points at it by id.
import type { EntityManager } from 'typeorm';
import type { Contract, PayoutStatement } from '@tutoring/outcomes-contracting/domain';
import type { StoredDispute } from '@tutoring/outcomes-contracting/infrastructure';
import { AuditLog, type AuditAction } from '@tutoring/shared/audit';

export interface AuditedActor {
  sub: string;
  roles?: readonly string[];
}

/** Record types of this service's audit entries (filter GET /v1/audit?resourceType=…). */
export const MONEY_AUDIT = {
  contract: 'contract',
  rateCard: 'contract_rate_card',
  statement: 'payout_statement',
  adjustment: 'payout_adjustment',
  dispute: 'payout_dispute',
} as const;

const record = (
  m: EntityManager,
  actor: AuditedActor,
  action: AuditAction,
  resourceType: string,
  resourceIds: string[],
  purpose: string,
) =>
  AuditLog.record(m, {
    actor: { sub: actor.sub, roles: actor.roles ?? [] },
    action,
    resourceType,
    resourceIds,
    purpose,
  });

const cents = (n: number): string => `${n} cents`;

export const MoneyAudit = {
  contractCreated: (m: EntityManager, actor: AuditedActor, c: Contract) =>
    record(
      m,
      actor,
      'create',
      MONEY_AUDIT.contract,
      [c.contractId, c.vendorId],
      `POST /v1/contracts: contract with vendor ${c.vendorId}, ${c.startDate}..${c.endDate}, rate card version 1`,
    ),

  rateCardChanged: (m: EntityManager, actor: AuditedActor, c: Contract) => {
    const v = c.versions[c.versions.length - 1];
    return record(
      m,
      actor,
      'update',
      MONEY_AUDIT.rateCard,
      [c.contractId, c.vendorId],
      `POST /v1/contracts/{id}/versions: rate card version ${v?.version ?? '?'} effective from ${v?.effectiveFrom ?? '?'}`,
    );
  },

  /** The statement, and, when it carries adjustment lines, the adjustments with the disputes they pay. */
  async statementIssued(m: EntityManager, actor: AuditedActor, s: PayoutStatement): Promise<void> {
    await record(
      m,
      actor,
      'create',
      MONEY_AUDIT.statement,
      [s.statementId, s.contractId, s.vendorId],
      `issue ${s.kind} statement ${s.label}: ${s.lines.length} lines, total ${cents(s.totalCents)} at ledger position ${s.ledgerPosition}`,
    );
    const adjustments = s.lines.filter((l) => l.kind === 'adjustment');
    if (adjustments.length === 0) return;
    const disputes = [...new Set(adjustments.flatMap((l) => (l.disputeId ? [l.disputeId] : [])))];
    await record(
      m,
      actor,
      'create',
      MONEY_AUDIT.adjustment,
      [s.statementId, s.contractId, ...disputes],
      `adjustments in ${s.kind} statement ${s.label}: ${adjustments.length} lines, ${cents(
        adjustments.reduce((t, l) => t + l.amountCents, 0),
      )}${disputes.length ? `, paying ${disputes.length} upheld dispute(s)` : ''}`,
    );
  },

  statementApproved: (m: EntityManager, actor: AuditedActor, s: PayoutStatement) =>
    record(
      m,
      actor,
      'approve',
      MONEY_AUDIT.statement,
      [s.statementId, s.contractId, s.vendorId],
      `approve ${s.kind} statement ${s.label}: total ${cents(s.totalCents)}, published to finance`,
    ),

  disputed: (m: EntityManager, actor: AuditedActor, d: StoredDispute) =>
    record(
      m,
      actor,
      'create',
      MONEY_AUDIT.dispute,
      [d.disputeId, d.statementId, d.contractId, d.vendorId],
      `vendor disputes line ${d.lineIndex} of the statement`,
    ),

  resolved: (m: EntityManager, actor: AuditedActor, d: StoredDispute) =>
    record(
      m,
      actor,
      'update',
      MONEY_AUDIT.dispute,
      [d.disputeId, d.statementId, d.contractId, d.vendorId],
      `resolve dispute: ${d.status}${d.status === 'upheld' ? `, adjustment of ${cents(d.amountCents)} in the next statement` : ''}`,
    ),

  statementExported: (m: EntityManager, actor: AuditedActor, s: PayoutStatement) =>
    record(
      m,
      actor,
      'export',
      MONEY_AUDIT.statement,
      [s.statementId, s.contractId, s.vendorId],
      `GET /v1/statements/{id}/csv: ${s.lines.length} student-level lines exported`,
    ),
};
