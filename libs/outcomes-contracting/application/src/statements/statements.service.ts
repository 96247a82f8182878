// Issue → approve (another finance user) → publish on the finance topic through the outbox. A statement is
// computed and stored in one tenant transaction, under a lock on its contract, from the facts as of one snapshot
// (kept with it, so its recomputation reads the same facts) at the ledger position they have reached; approval
// writes statement-issued and statement-approved to the outbox (key = contractId, same partition, in that order) in
// the transaction that records the approval.
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import {
  computeBaseStatement,
  computeSettlementStatement,
  decideWorkflow,
  resolveDispute,
  toStatementIssuedV1,
  type Contract,
  type PayoutStatement,
  type PriorStatement,
  type RateCard,
  type ResolvedDispute,
} from '@tutoring/outcomes-contracting/domain';
import {
  ContractsStore,
  FactsStore,
  type FactsSnapshot,
  StatementsStore,
  type StoredDispute,
  type StoredStatement,
} from '@tutoring/outcomes-contracting/infrastructure';
import {
  FINANCE_PAYOUTS_TOPIC,
  serviceSource,
  STATEMENT_APPROVED_V1,
  STATEMENT_ISSUED_V1,
  validateEvent,
  type StatementApprovedV1,
  type StatementIssuedV1,
} from '@tutoring/shared/contracts';
import { enqueueOutbox, type CloudEvent } from '@tutoring/shared/messaging';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import { MoneyAudit } from '../audit/money-audit';
import { ContractNotFound } from '../contracts/contracts.service';

export class StatementNotFound extends Error {}
export class ContractViolatesFinanceContract extends Error {}

export type StatementRequest = { kind: 'base'; month: string } | { kind: 'settlement'; window: 'MOY' | 'EOY' };

export interface Actor {
  districtId: string;
  sub: string;
  /** Set for a vendor: it sees only its own statements. */
  vendorScope: string | null;
  /** The caller's roles, for the audit log. */
  roles?: readonly string[];
}

export class StatementsService {
  private readonly contracts: ContractsStore;
  private readonly facts: FactsStore;
  private readonly statements: StatementsStore;

  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
    private readonly clock: () => Date = () => new Date(),
    private readonly newId: () => string = randomUUID,
  ) {
    this.contracts = new ContractsStore(schema);
    this.facts = new FactsStore(schema);
    this.statements = new StatementsStore(schema);
  }

  /** Computes a statement from the facts in `m` as of `snapshot`, at `position`, given what was issued before it. */
  private async computeWith(
    m: EntityManager,
    contract: Contract,
    request: StatementRequest,
    ctx: {
      statementId: string;
      computedAt: string;
      prior: PriorStatement[];
      position: number;
      disputes: ResolvedDispute[];
      snapshot: FactsSnapshot | null;
    },
  ): Promise<PayoutStatement> {
    const { statementId, computedAt, prior, position, disputes, snapshot } = ctx;
    const facts = await this.facts.ledgerEntries(m, contract.vendorId, position, snapshot);
    if (request.kind === 'base')
      return computeBaseStatement({
        statementId,
        contract,
        month: request.month,
        facts,
        ledgerPosition: position,
        prior,
        disputes,
        computedAt,
      });
    const card = contract.versions[contract.versions.length - 1]?.rateCard;
    const window = card?.settlementWindows.find((w) => w.window === request.window);
    const assessments = card?.outcome
      ? await this.facts.assessments(m, card.outcome.schoolYear, card.outcome.subject, snapshot)
      : [];
    const occurrences = window
      ? await this.facts.occurrences(m, contract.vendorId, contract.startDate, window.periodEnd, snapshot)
      : [];
    return computeSettlementStatement({
      statementId,
      contract,
      window: request.window,
      facts,
      assessments,
      occurrences,
      ledgerPosition: position,
      prior,
      computedAt,
    });
  }

  /**
   * A new statement from the facts committed now (the snapshot, returned with it) at the position they have reached
   * (never below an earlier statement's).
   */
  private async computeNext(
    m: EntityManager,
    contract: Contract,
    request: StatementRequest,
    statementId: string,
    computedAt: string,
    withHistory: boolean,
  ): Promise<{ statement: PayoutStatement; snapshot: FactsSnapshot }> {
    const snapshot = await this.facts.snapshot(m);
    const prior = withHistory ? await this.statements.prior(m, contract.contractId) : [];
    const position = Math.max(
      await this.facts.ledgerHighWater(m, contract.vendorId, snapshot),
      ...prior.map((p) => p.ledgerPosition),
      0,
    );
    const disputes =
      withHistory && request.kind === 'base'
        ? await this.statements.unpaidUpheldDisputes(m, contract.contractId, prior)
        : [];
    const statement = await this.computeWith(m, contract, request, {
      statementId,
      computedAt,
      prior,
      position,
      disputes,
      snapshot,
    });
    return { statement, snapshot };
  }

  issue(actor: Actor, contractId: string, request: StatementRequest): Promise<StoredStatement> {
    const now = this.clock().toISOString();
    return inTenantTransaction(this.dataSource, actor.districtId, async (m) => {
      const contract = await this.contracts.load(m, contractId, true);
      if (!contract) throw new ContractNotFound('no such contract');
      const { statement, snapshot } = await this.computeNext(m, contract, request, this.newId(), now, true);
      const checked = validateEvent(STATEMENT_ISSUED_V1, toStatementIssuedV1(statement));
      if (!checked.ok)
        throw new ContractViolatesFinanceContract(
          `statement breaks the finance contract: ${JSON.stringify(checked.errors.slice(0, 5))}`,
        );
      await this.statements.insert(m, statement, actor.sub, now, snapshot);
      await MoneyAudit.statementIssued(m, actor, statement);
      return { statement, status: 'issued', issuedBy: actor.sub, issuedAt: now, approvedBy: null, approvedAt: null };
    });
  }

  /**
   * The statement recomputed from the facts as of its own snapshot, at its own ledger position, with the statements
   * issued before it: identical byte for byte, whatever facts arrived since (a statement issued before snapshots were
   * kept is recomputed on the facts as they are now).
   */
  recompute(
    actor: Actor,
    statementId: string,
  ): Promise<{ identical: boolean; stored: PayoutStatement; recomputed: PayoutStatement }> {
    return inTenantTransaction(this.dataSource, actor.districtId, async (m) => {
      const s = (await this.read(m, actor, statementId)).statement;
      const contract = (await this.contracts.load(m, s.contractId)) as Contract;
      const all = await this.statements.prior(m, s.contractId);
      const index = all.findIndex((p) => p.kind === s.kind && p.label === s.label);
      const disputes: ResolvedDispute[] = s.lines
        .filter((l) => l.disputeId !== null)
        .map((l) => ({
          disputeId: l.disputeId as string,
          studentId: l.studentId,
          period: l.period,
          amountCents: l.amountCents,
          description: l.description.replace(/^dispute resolution: /, ''),
        }));
      const request: StatementRequest =
        s.kind === 'base' ? { kind: 'base', month: s.label } : { kind: 'settlement', window: s.label as 'MOY' | 'EOY' };
      const recomputed = await this.computeWith(m, contract, request, {
        statementId: s.statementId,
        computedAt: s.computedAt,
        prior: all.slice(0, index),
        position: s.ledgerPosition,
        disputes,
        snapshot: await this.statements.factsSnapshot(m, s.statementId),
      });
      return { identical: JSON.stringify(recomputed) === JSON.stringify(s), stored: s, recomputed };
    });
  }

  approve(actor: Actor, statementId: string): Promise<StoredStatement> {
    const now = this.clock().toISOString();
    return inTenantTransaction(this.dataSource, actor.districtId, async (m) => {
      const stored = await this.statements.get(m, statementId, true);
      if (!stored) throw new StatementNotFound('no such statement');
      const [approved] = decideWorkflow(
        { type: 'ApproveStatement', data: { by: actor.sub, now } },
        this.statements.workflowState(stored),
      );
      if (!approved || approved.type !== 'StatementApproved') throw new Error('approval produced no event');
      await this.statements.approve(m, statementId, actor.sub, now);
      const s = stored.statement;
      await MoneyAudit.statementApproved(m, actor, s);
      const issued: StatementIssuedV1 = toStatementIssuedV1(s);
      const approval: StatementApprovedV1 = {
        statementId: s.statementId,
        contractId: s.contractId,
        approvedBy: actor.sub,
        approvedAt: now,
        totalCents: s.totalCents,
      };
      for (const [type, data] of [
        [STATEMENT_ISSUED_V1, issued],
        [STATEMENT_APPROVED_V1, approval],
      ] as const) {
        const checked = validateEvent(type, data);
        if (!checked.ok)
          throw new ContractViolatesFinanceContract(
            `${type} breaks the finance contract: ${JSON.stringify(checked.errors.slice(0, 5))}`,
          );
      }
      await enqueueOutbox(m, this.schema, [
        {
          topic: FINANCE_PAYOUTS_TOPIC,
          key: s.contractId,
          event: this.cloudEvent(STATEMENT_ISSUED_V1, s, issued, s.computedAt),
        },
        {
          topic: FINANCE_PAYOUTS_TOPIC,
          key: s.contractId,
          event: this.cloudEvent(STATEMENT_APPROVED_V1, s, approval, now),
        },
      ]);
      return { ...stored, status: 'approved', approvedBy: actor.sub, approvedAt: now };
    });
  }

  private cloudEvent<T>(type: string, s: PayoutStatement, data: T, time: string): CloudEvent<T> {
    return {
      specversion: '1.0',
      id: this.newId(),
      source: serviceSource('outcomes-contracting'),
      type,
      time,
      subject: s.statementId,
      datacontenttype: 'application/json',
      districtid: s.districtId,
      data,
    };
  }

  private async read(m: EntityManager, actor: Actor, statementId: string): Promise<StoredStatement> {
    const stored = await this.statements.get(m, statementId);
    if (!stored || (actor.vendorScope !== null && stored.statement.vendorId !== actor.vendorScope))
      throw new StatementNotFound('no such statement');
    return stored;
  }

  get(actor: Actor, statementId: string): Promise<StoredStatement> {
    return inTenantTransaction(this.dataSource, actor.districtId, (m) => this.read(m, actor, statementId));
  }

  /** The statement for a CSV export (student-level money lines leave the platform): the export is on record. */
  getForExport(actor: Actor, statementId: string): Promise<StoredStatement> {
    return inTenantTransaction(this.dataSource, actor.districtId, async (m) => {
      const stored = await this.read(m, actor, statementId);
      await MoneyAudit.statementExported(m, actor, stored.statement);
      return stored;
    });
  }

  list(actor: Actor, contractId: string | null, limit: number, offset: number) {
    return inTenantTransaction(this.dataSource, actor.districtId, (m) =>
      this.statements.list(m, { contractId, vendorId: actor.vendorScope }, limit, offset),
    );
  }

  dispute(
    actor: Actor & { vendorScope: string },
    statementId: string,
    lineIndex: number,
    reason: string,
  ): Promise<StoredDispute> {
    const now = this.clock().toISOString();
    return inTenantTransaction(this.dataSource, actor.districtId, async (m) => {
      const stored = await this.read(m, actor, statementId);
      const disputeId = this.newId();
      decideWorkflow(
        {
          type: 'DisputeLine',
          data: { disputeId, lineIndex, vendorId: actor.vendorScope, by: actor.sub, reason, now },
        },
        this.statements.workflowState(stored),
      );
      const d: StoredDispute = {
        disputeId,
        version: 1,
        status: 'open',
        amountCents: 0,
        note: reason,
        by: actor.sub,
        at: now,
        statementId,
        contractId: stored.statement.contractId,
        vendorId: stored.statement.vendorId,
        lineIndex,
      };
      await this.statements.appendDispute(m, d, actor.districtId);
      await MoneyAudit.disputed(m, actor, d);
      return d;
    });
  }

  resolve(
    actor: Actor,
    disputeId: string,
    resolution: { decision: 'upheld' | 'rejected'; amountCents: number; note: string },
  ): Promise<StoredDispute> {
    const now = this.clock().toISOString();
    return inTenantTransaction(this.dataSource, actor.districtId, async (m) => {
      const versions = await this.statements.disputes(m, { disputeId });
      const latest = versions[versions.length - 1] ?? null;
      const next = resolveDispute(latest, { ...resolution, by: actor.sub, now });
      const d: StoredDispute = { ...(latest as StoredDispute), ...next };
      await this.statements.appendDispute(m, d, actor.districtId);
      await MoneyAudit.resolved(m, actor, d);
      return d;
    });
  }

  disputes(actor: Actor, statementId: string): Promise<StoredDispute[]> {
    return inTenantTransaction(this.dataSource, actor.districtId, async (m) => {
      await this.read(m, actor, statementId);
      return this.statements.disputes(m, { statementId });
    });
  }

  /** A draft rate card priced on the current facts, as if it were the whole contract: nothing is stored. */
  whatIf(
    actor: Actor,
    draft: { vendorId: string; startDate: string; endDate: string; rateCard: RateCard },
    request: StatementRequest,
  ): Promise<PayoutStatement> {
    const now = this.clock().toISOString();
    return inTenantTransaction(this.dataSource, actor.districtId, async (m) => {
      const contract: Contract = {
        contractId: '00000000-0000-4000-8000-000000000000',
        districtId: actor.districtId,
        vendorId: draft.vendorId,
        name: 'what-if',
        startDate: draft.startDate,
        endDate: draft.endDate,
        versions: [
          {
            version: 1,
            effectiveFrom: draft.startDate,
            rateCard: draft.rateCard,
            createdBy: actor.sub,
            createdAt: now,
          },
        ],
      };
      return (await this.computeNext(m, contract, request, '00000000-0000-4000-8000-000000000000', now, false))
        .statement;
    });
  }
}
