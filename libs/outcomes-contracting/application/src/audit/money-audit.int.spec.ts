// Money changes on record (real Postgres, runtime role, RLS on): every change of a contract's rate card, a
// statement's issue and approval, adjustments, disputes and their resolution, and CSV exports write an audit entry
// (who, what, when, why) in the transaction of the change; a refused change leaves none; district admins of the
// district query them, another district sees none; the runtime role cannot rewrite them.
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { RateCard } from '@tutoring/outcomes-contracting/domain';
import { OUTCOMES_CONTRACTING_MIGRATIONS } from '@tutoring/outcomes-contracting/infrastructure';
import { AuditLog, type AuditRecord } from '@tutoring/shared/audit';
import { LEDGER_SESSION_RECORDED_V1, LEDGER_TOPIC } from '@tutoring/shared/contracts';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import { migratedServiceDatabase, type FreshDatabase } from '@tutoring/shared/testing';
import { ContractsService } from '../contracts/contracts.service';
import { FactsConsumer } from '../facts/facts.consumer';
import { StatementsService } from '../statements/statements.service';
import { asIncoming, cloudEvent, ledgerEntry, line } from '../testing/fact-events';
import { MONEY_AUDIT } from './money-audit';

const SCHEMA = 'outcomes_contracting';
const district = randomUUID();
const otherDistrict = randomUUID();
const vendor = randomUUID();
const student = randomUUID();

const card: RateCard = {
  base: { unit: 'student_hour', unitPriceCents: 4000, hourRounding: 'quarter_hour_down' },
  attendanceGateBp: 7000,
  outcome: null,
  declinePenalty: null,
  holdbackBp: 0,
  capPerStudentCents: null,
  capPerContractCents: null,
  settlementWindows: [],
};

describe('outcomes-contracting audit of money changes (real Postgres, runtime role)', () => {
  let db: FreshDatabase;
  let ds: DataSource;
  let contracts: ContractsService;
  let statements: StatementsService;
  const finA = { districtId: district, sub: 'fin-a', vendorScope: null, roles: ['finance'] };
  const finB = { districtId: district, sub: 'fin-b', vendorScope: null, roles: ['finance'] };
  const vendorUser = { districtId: district, sub: 'vendor-user', vendorScope: vendor, roles: ['vendor'] };

  const audit = (districtId: string, q: { resourceType?: string; resourceId?: string } = {}) =>
    inTenantTransaction(ds, districtId, (m) => AuditLog.query(m, { limit: 200, ...q }));
  const find = (items: AuditRecord[], action: string, resourceType: string, id: string) =>
    items.filter((r) => r.action === action && r.resourceType === resourceType && r.resourceIds.includes(id));

  beforeAll(async () => {
    ({ db, dataSource: ds } = await migratedServiceDatabase('outcomes_audit', SCHEMA, OUTCOMES_CONTRACTING_MIGRATIONS));
    contracts = new ContractsService(ds, SCHEMA);
    statements = new StatementsService(ds, SCHEMA);
    const consumer = new FactsConsumer(ds, SCHEMA, () => ({ publish: async () => undefined }), {
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
      debug: () => undefined,
    } as never);
    const entry = ledgerEntry({
      position: 1,
      districtId: district,
      vendorId: vendor,
      sessionId: 'audit-1',
      localDate: '2026-09-02',
      lines: [line(student, 60)],
    });
    await consumer.handleBatch([
      asIncoming(LEDGER_TOPIC, `${vendor}:audit-1`, cloudEvent(LEDGER_SESSION_RECORDED_V1, randomUUID(), entry)),
    ]);
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('records who changed which money, when and why, in the transaction of the change', async () => {
    const startedAt = Date.now() - 1000;
    const contract = await contracts.create({
      districtId: district,
      vendorId: vendor,
      name: 'Audited HDT',
      startDate: '2026-09-01',
      endDate: '2027-06-30',
      rateCard: card,
      by: 'fin-a',
      roles: ['finance'],
    });
    const id = contract.contractId;
    await contracts.revise(district, id, {
      effectiveFrom: '2026-10-01',
      rateCard: { ...card, base: { ...card.base, unitPriceCents: 4500 } },
      by: 'fin-b',
      roles: ['district_admin'],
    });
    const sept = (await statements.issue(finA, id, { kind: 'base', month: '2026-09' })).statement;
    await expect(statements.approve(finA, sept.statementId)).rejects.toThrow(); // four eyes: refused, no entry
    await statements.approve(finB, sept.statementId);
    await statements.getForExport(finA, sept.statementId);
    const dispute = await statements.dispute(vendorUser, sept.statementId, 0, 'a session is missing');
    await statements.resolve(finB, dispute.disputeId, { decision: 'upheld', amountCents: 1250, note: 'confirmed' });
    const oct = (await statements.issue(finA, id, { kind: 'base', month: '2026-10' })).statement;
    expect(oct.lines.some((l) => l.kind === 'adjustment' && l.disputeId === dispute.disputeId)).toBe(true);

    const { items } = await audit(district);
    const one = (action: string, type: string, resourceId: string) => {
      const found = find(items, action, type, resourceId);
      expect(found).toHaveLength(1);
      return found[0] as AuditRecord;
    };
    expect(one('create', MONEY_AUDIT.contract, id)).toMatchObject({ actorSub: 'fin-a', actorRoles: ['finance'] });
    expect(one('update', MONEY_AUDIT.rateCard, id)).toMatchObject({
      actorSub: 'fin-b',
      actorRoles: ['district_admin'],
      purpose: expect.stringContaining('rate card version 2 effective from 2026-10-01'),
    });
    expect(one('create', MONEY_AUDIT.statement, sept.statementId)).toMatchObject({
      actorSub: 'fin-a',
      purpose: expect.stringContaining(`total ${sept.totalCents} cents`),
    });
    expect(one('approve', MONEY_AUDIT.statement, sept.statementId)).toMatchObject({ actorSub: 'fin-b' });
    expect(one('export', MONEY_AUDIT.statement, sept.statementId)).toMatchObject({ actorSub: 'fin-a' });
    expect(one('create', MONEY_AUDIT.dispute, dispute.disputeId)).toMatchObject({
      actorSub: 'vendor-user',
      actorRoles: ['vendor'],
    });
    expect(one('update', MONEY_AUDIT.dispute, dispute.disputeId)).toMatchObject({
      actorSub: 'fin-b',
      purpose: expect.stringContaining('upheld, adjustment of 1250 cents'),
    });
    expect(one('create', MONEY_AUDIT.adjustment, dispute.disputeId)).toMatchObject({
      actorSub: 'fin-a',
      resourceIds: expect.arrayContaining([oct.statementId, id]),
      purpose: expect.stringContaining('1250 cents'),
    });
    // the refused self-approval left nothing; free text typed by callers is not copied into the log
    expect(find(items, 'approve', MONEY_AUDIT.statement, sept.statementId)).toHaveLength(1);
    expect(JSON.stringify(items)).not.toMatch(/a session is missing|confirmed/);
    for (const r of items) {
      expect(r.districtId).toBe(district);
      expect(Date.parse(r.at)).toBeGreaterThanOrEqual(startedAt);
    }
  });

  it('another district sees none of it, and the runtime role cannot rewrite or delete it', async () => {
    expect((await audit(otherDistrict)).items).toEqual([]);
    const tamper = (sql: string) => inTenantTransaction(ds, district, (m) => m.query(sql));
    await expect(tamper(`UPDATE ${SCHEMA}.audit_log SET purpose = 'nothing happened'`)).rejects.toThrow();
    await expect(tamper(`DELETE FROM ${SCHEMA}.audit_log`)).rejects.toThrow();
    expect((await audit(district, { resourceType: MONEY_AUDIT.statement })).items.length).toBeGreaterThanOrEqual(3);
  });
});
