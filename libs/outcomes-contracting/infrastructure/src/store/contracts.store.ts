// Contracts and their append-only rate card versions.
import type { EntityManager } from 'typeorm';
import type { Contract, ContractEvent, RateCard } from '@tutoring/outcomes-contracting/domain';
import { assertSchemaName } from '@tutoring/shared/messaging';

export interface ContractPage {
  items: Contract[];
  nextOffset: number | null;
}

export class ContractsStore {
  private readonly s: string;
  constructor(schema: string) {
    this.s = assertSchemaName(schema);
  }

  /** `forUpdate` serializes statement issuing and revisions of one contract. */
  async load(m: EntityManager, contractId: string, forUpdate = false): Promise<Contract | null> {
    const rows = (await m.query(
      `SELECT contract_id, district_id, vendor_id, name, to_char(start_date, 'YYYY-MM-DD') AS start_date, to_char(end_date, 'YYYY-MM-DD') AS end_date
         FROM ${this.s}.contracts WHERE contract_id = $1 ${forUpdate ? 'FOR UPDATE' : ''}`,
      [contractId],
    )) as {
      contract_id: string;
      district_id: string;
      vendor_id: string;
      name: string;
      start_date: string;
      end_date: string;
    }[];
    const row = rows[0];
    if (!row) return null;
    const versions = (await m.query(
      `SELECT version, to_char(effective_from, 'YYYY-MM-DD') AS effective_from, rate_card, created_by, created_at
         FROM ${this.s}.contract_versions WHERE contract_id = $1 ORDER BY version`,
      [contractId],
    )) as { version: number; effective_from: string; rate_card: RateCard; created_by: string; created_at: Date }[];
    return {
      contractId: row.contract_id,
      districtId: row.district_id,
      vendorId: row.vendor_id,
      name: row.name,
      startDate: row.start_date,
      endDate: row.end_date,
      versions: versions.map((v) => ({
        version: v.version,
        effectiveFrom: v.effective_from,
        rateCard: v.rate_card,
        createdBy: v.created_by,
        createdAt: v.created_at.toISOString(),
      })),
    };
  }

  async append(m: EntityManager, events: ContractEvent[], createdBy: string, now: string): Promise<void> {
    for (const e of events) {
      if (e.type === 'ContractCreated') {
        const d = e.data;
        await m.query(
          `INSERT INTO ${this.s}.contracts (contract_id, district_id, vendor_id, name, start_date, end_date, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [d.contractId, d.districtId, d.vendorId, d.name, d.startDate, d.endDate, createdBy, now],
        );
      } else {
        const d = e.data;
        const districtId = (
          (await m.query(`SELECT district_id FROM ${this.s}.contracts WHERE contract_id = $1`, [d.contractId])) as {
            district_id: string;
          }[]
        )[0]?.district_id;
        await m.query(
          `INSERT INTO ${this.s}.contract_versions (contract_id, version, district_id, effective_from, rate_card, created_by, created_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)`,
          [d.contractId, d.version, districtId, d.effectiveFrom, JSON.stringify(d.rateCard), d.createdBy, d.createdAt],
        );
      }
    }
  }

  /** Offset pagination ordered by (name, contract_id); a vendor sees only its own contracts. */
  async list(m: EntityManager, vendorId: string | null, limit: number, offset: number): Promise<ContractPage> {
    const rows = (await m.query(
      `SELECT contract_id FROM ${this.s}.contracts WHERE ($1::uuid IS NULL OR vendor_id = $1) ORDER BY name, contract_id LIMIT $2 OFFSET $3`,
      [vendorId, limit + 1, offset],
    )) as { contract_id: string }[];
    const items: Contract[] = [];
    for (const r of rows.slice(0, limit)) {
      const c = await this.load(m, r.contract_id);
      if (c) items.push(c);
    }
    return { items, nextOffset: rows.length > limit ? offset + limit : null };
  }
}
