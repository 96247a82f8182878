// Issued statements (immutable; the database refuses any change but issued → approved) and dispute versions.
import type { EntityManager } from 'typeorm';
import type {
  DisputeVersion,
  PayoutStatement,
  PriorStatement,
  ResolvedDispute,
  StatementWorkflowState,
} from '@tutoring/outcomes-contracting/domain';
import { assertSchemaName } from '@tutoring/shared/messaging';
import type { FactsSnapshot } from './facts.store';

export interface StoredStatement {
  statement: PayoutStatement;
  status: 'issued' | 'approved';
  issuedBy: string;
  issuedAt: string;
  approvedBy: string | null;
  approvedAt: string | null;
}

export interface StatementSummary {
  statementId: string;
  contractId: string;
  vendorId: string;
  kind: string;
  label: string;
  periodStart: string;
  periodEnd: string;
  totalCents: number;
  status: string;
  issuedAt: string;
  approvedAt: string | null;
}

export interface StoredDispute extends DisputeVersion {
  statementId: string;
  contractId: string;
  vendorId: string;
  lineIndex: number;
}

export class StatementAlreadyIssued extends Error {}

type Row = {
  body: PayoutStatement;
  status: 'issued' | 'approved';
  issued_by: string;
  issued_at: Date;
  approved_by: string | null;
  approved_at: Date | null;
};

export class StatementsStore {
  private readonly s: string;
  constructor(schema: string) {
    this.s = assertSchemaName(schema);
  }

  /** `factsSnapshot`: the snapshot its facts were read in (FactsStore), kept for its recomputation. */
  async insert(
    m: EntityManager,
    st: PayoutStatement,
    issuedBy: string,
    issuedAt: string,
    factsSnapshot: FactsSnapshot,
  ): Promise<void> {
    try {
      await m.query(
        `INSERT INTO ${this.s}.statements (statement_id, district_id, contract_id, vendor_id, kind, label, period_start, period_end, ledger_position, total_cents, body, status, issued_by, issued_at, facts_snapshot)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::json, 'issued', $12, $13, $14::pg_snapshot)`,
        [
          st.statementId,
          st.districtId,
          st.contractId,
          st.vendorId,
          st.kind,
          st.label,
          st.periodStart,
          st.periodEnd,
          st.ledgerPosition,
          st.totalCents,
          JSON.stringify(st),
          issuedBy,
          issuedAt,
          factsSnapshot,
        ],
      );
    } catch (error) {
      if ((error as { code?: string }).code === '23505')
        throw new StatementAlreadyIssued(`a ${st.kind} statement for ${st.label} is already issued for this contract`);
      throw error;
    }
  }

  async approve(m: EntityManager, statementId: string, by: string, at: string): Promise<void> {
    await m.query(
      `UPDATE ${this.s}.statements SET status = 'approved', approved_by = $2, approved_at = $3 WHERE statement_id = $1`,
      [statementId, by, at],
    );
  }

  async get(m: EntityManager, statementId: string, forUpdate = false): Promise<StoredStatement | null> {
    const rows = (await m.query(
      `SELECT body, status, issued_by, issued_at, approved_by, approved_at FROM ${this.s}.statements WHERE statement_id = $1 ${forUpdate ? 'FOR UPDATE' : ''}`,
      [statementId],
    )) as Row[];
    const r = rows[0];
    return r
      ? {
          statement: r.body,
          status: r.status,
          issuedBy: r.issued_by,
          issuedAt: r.issued_at.toISOString(),
          approvedBy: r.approved_by,
          approvedAt: r.approved_at?.toISOString() ?? null,
        }
      : null;
  }

  /** The snapshot the statement's facts were read in; null for a statement issued before snapshots were kept. */
  async factsSnapshot(m: EntityManager, statementId: string): Promise<FactsSnapshot | null> {
    const rows = (await m.query(`SELECT facts_snapshot::text AS s FROM ${this.s}.statements WHERE statement_id = $1`, [
      statementId,
    ])) as { s: string | null }[];
    return rows[0]?.s ?? null;
  }

  workflowState(stored: StoredStatement): StatementWorkflowState {
    return {
      statementId: stored.statement.statementId,
      vendorId: stored.statement.vendorId,
      status: stored.status,
      issuedBy: stored.issuedBy,
      approvedBy: stored.approvedBy,
      approvedAt: stored.approvedAt,
      lineCount: stored.statement.lines.length,
    };
  }

  /** Every issued statement of the contract, oldest first (issued statements never change, approved or not). */
  async prior(m: EntityManager, contractId: string): Promise<PriorStatement[]> {
    const rows = (await m.query(
      `SELECT body FROM ${this.s}.statements WHERE contract_id = $1 ORDER BY issued_at, statement_id`,
      [contractId],
    )) as { body: PayoutStatement }[];
    return rows.map(({ body }) => ({
      kind: body.kind,
      label: body.label,
      periodStart: body.periodStart,
      periodEnd: body.periodEnd,
      ledgerPosition: body.ledgerPosition,
      lines: body.lines,
    }));
  }

  /** The last periodEnd on an issued statement: no new rate card version may start on or before it. */
  async lockedThrough(m: EntityManager, contractId: string): Promise<string | null> {
    const rows = (await m.query(
      `SELECT to_char(MAX(period_end), 'YYYY-MM-DD') AS d FROM ${this.s}.statements WHERE contract_id = $1`,
      [contractId],
    )) as { d: string | null }[];
    return rows[0]?.d ?? null;
  }

  async list(
    m: EntityManager,
    filter: { contractId: string | null; vendorId: string | null },
    limit: number,
    offset: number,
  ): Promise<{ items: StatementSummary[]; nextOffset: number | null }> {
    const rows = (await m.query(
      `SELECT statement_id, contract_id, vendor_id, kind, label, to_char(period_start, 'YYYY-MM-DD') AS period_start, to_char(period_end, 'YYYY-MM-DD') AS period_end,
              total_cents, status, issued_at, approved_at
         FROM ${this.s}.statements WHERE ($1::uuid IS NULL OR contract_id = $1) AND ($2::uuid IS NULL OR vendor_id = $2)
        ORDER BY issued_at DESC, statement_id LIMIT $3 OFFSET $4`,
      [filter.contractId, filter.vendorId, limit + 1, offset],
    )) as {
      statement_id: string;
      contract_id: string;
      vendor_id: string;
      kind: string;
      label: string;
      period_start: string;
      period_end: string;
      total_cents: string;
      status: string;
      issued_at: Date;
      approved_at: Date | null;
    }[];
    const items = rows.slice(0, limit).map((r) => ({
      statementId: r.statement_id,
      contractId: r.contract_id,
      vendorId: r.vendor_id,
      kind: r.kind,
      label: r.label,
      periodStart: r.period_start,
      periodEnd: r.period_end,
      totalCents: Number(r.total_cents),
      status: r.status,
      issuedAt: r.issued_at.toISOString(),
      approvedAt: r.approved_at?.toISOString() ?? null,
    }));
    return { items, nextOffset: rows.length > limit ? offset + limit : null };
  }

  async appendDispute(m: EntityManager, d: StoredDispute, districtId: string): Promise<void> {
    await m.query(
      `INSERT INTO ${this.s}.disputes (district_id, dispute_id, version, statement_id, contract_id, vendor_id, line_index, status, amount_cents, note, actor, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        districtId,
        d.disputeId,
        d.version,
        d.statementId,
        d.contractId,
        d.vendorId,
        d.lineIndex,
        d.status,
        d.amountCents,
        d.note,
        d.by,
        d.at,
      ],
    );
  }

  /** Every version of the disputes of a statement (or of one dispute), oldest first. */
  async disputes(
    m: EntityManager,
    filter: { statementId?: string; disputeId?: string; contractId?: string },
  ): Promise<StoredDispute[]> {
    const rows = (await m.query(
      `SELECT dispute_id, version, statement_id, contract_id, vendor_id, line_index, status, amount_cents, note, actor, at FROM ${this.s}.disputes
        WHERE ($1::uuid IS NULL OR statement_id = $1) AND ($2::uuid IS NULL OR dispute_id = $2) AND ($3::uuid IS NULL OR contract_id = $3)
        ORDER BY at, dispute_id, version`,
      [filter.statementId ?? null, filter.disputeId ?? null, filter.contractId ?? null],
    )) as {
      dispute_id: string;
      version: number;
      statement_id: string;
      contract_id: string;
      vendor_id: string;
      line_index: number;
      status: DisputeVersion['status'];
      amount_cents: string;
      note: string;
      actor: string;
      at: Date;
    }[];
    return rows.map((r) => ({
      disputeId: r.dispute_id,
      version: r.version,
      statementId: r.statement_id,
      contractId: r.contract_id,
      vendorId: r.vendor_id,
      lineIndex: r.line_index,
      status: r.status,
      amountCents: Number(r.amount_cents),
      note: r.note,
      by: r.actor,
      at: r.at.toISOString(),
    }));
  }

  /** Upheld disputes of the contract whose money no issued statement carries yet. */
  async unpaidUpheldDisputes(
    m: EntityManager,
    contractId: string,
    prior: readonly PriorStatement[],
  ): Promise<ResolvedDispute[]> {
    const paid = new Set(
      prior.flatMap((p) => p.lines.map((l) => l.disputeId)).filter((id): id is string => id !== null),
    );
    const all = await this.disputes(m, { contractId });
    const latest = new Map<string, StoredDispute>();
    for (const d of all) if ((latest.get(d.disputeId)?.version ?? 0) < d.version) latest.set(d.disputeId, d);
    const out: ResolvedDispute[] = [];
    for (const d of [...latest.values()].sort((a, b) => (a.disputeId < b.disputeId ? -1 : 1))) {
      if (d.status !== 'upheld' || paid.has(d.disputeId) || d.amountCents === 0) continue;
      const disputed = (await this.get(m, d.statementId))?.statement.lines[d.lineIndex];
      out.push({
        disputeId: d.disputeId,
        studentId: disputed?.studentId ?? null,
        period: disputed?.period ?? null,
        amountCents: d.amountCents,
        description: d.note,
      });
    }
    return out;
  }
}
