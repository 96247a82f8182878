// Real Postgres as the runtime role (row-level security on): facts in through the consumer, a statement issued,
// approved by another finance user, published through the outbox; approved statements immutable; a correction
// after approval becomes an adjustment in the next month; recomputation identical; tenants isolated.
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { FactsStore, OUTCOMES_CONTRACTING_MIGRATIONS } from '@tutoring/outcomes-contracting/infrastructure';
import { WorkflowRuleViolation, type RateCard } from '@tutoring/outcomes-contracting/domain';
import {
  FINANCE_PAYOUTS_TOPIC,
  LEDGER_SESSION_RECORDED_V1,
  LEDGER_TOPIC,
  STATEMENT_APPROVED_V1,
  STATEMENT_ISSUED_V1,
  validateEvent,
} from '@tutoring/shared/contracts';
import { inTenantTransaction, setTenant } from '@tutoring/shared/persistence';
import { migratedServiceDatabase, type FreshDatabase } from '@tutoring/shared/testing';
import { ContractsService } from '../contracts/contracts.service';
import { FactsConsumer } from '../facts/facts.consumer';
import { asIncoming, cloudEvent, ledgerEntry, line } from '../testing/fact-events';
import { statementCsv } from './statement-csv';
import { StatementsService } from './statements.service';

const SCHEMA = 'outcomes_contracting';
const district = randomUUID();
const otherDistrict = randomUUID();
const vendor = randomUUID();
const [s1, s2] = [randomUUID(), randomUUID()].sort() as [string, string]; // lines are ordered by student id

const card: RateCard = {
  base: { unit: 'student_hour', unitPriceCents: 4000, hourRounding: 'quarter_hour_down' },
  attendanceGateBp: 7000,
  outcome: null,
  declinePenalty: null,
  holdbackBp: 2000,
  capPerStudentCents: null,
  capPerContractCents: null,
  settlementWindows: [],
};

describe('outcomes-contracting statements (real Postgres, runtime role)', () => {
  let db: FreshDatabase;
  let ds: DataSource;
  let contracts: ContractsService;
  let statements: StatementsService;
  let consumer: FactsConsumer;
  const deadLettered: string[] = [];
  const finA = { districtId: district, sub: 'fin-a', vendorScope: null };
  const finB = { districtId: district, sub: 'fin-b', vendorScope: null };

  const publishLedger = async (e: ReturnType<typeof ledgerEntry>) =>
    consumer.handleBatch([
      asIncoming(LEDGER_TOPIC, `${e.vendorId}:${e.sessionId}`, cloudEvent(LEDGER_SESSION_RECORDED_V1, randomUUID(), e)),
    ]);

  beforeAll(async () => {
    ({ db, dataSource: ds } = await migratedServiceDatabase('outcomes', SCHEMA, OUTCOMES_CONTRACTING_MIGRATIONS));
    contracts = new ContractsService(ds, SCHEMA);
    statements = new StatementsService(ds, SCHEMA);
    consumer = new FactsConsumer(ds, SCHEMA, (topic) => ({ publish: async () => void deadLettered.push(topic) }), {
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
      debug: () => undefined,
    } as never);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('issues, refuses self-approval, approves, publishes; corrections after approval adjust the next month', async () => {
    const contract = await contracts.create({
      districtId: district,
      vendorId: vendor,
      name: 'Math HDT',
      startDate: '2026-09-01',
      endDate: '2027-06-30',
      rateCard: card,
      by: 'fin-a',
    });
    await publishLedger(
      ledgerEntry({
        position: 10,
        districtId: district,
        vendorId: vendor,
        sessionId: 'v-1',
        localDate: '2026-09-02',
        lines: [line(s1, 60), line(s2, 45)],
      }),
    );
    await publishLedger(
      ledgerEntry({
        position: 11,
        districtId: district,
        vendorId: vendor,
        sessionId: 'v-2',
        localDate: '2026-09-03',
        lines: [line(s1, 30, false, ['tutor_not_cleared'])],
      }),
    );
    // redelivery of the same message id is a no-op; an unreadable message is dead-lettered, not dropped
    const dup = cloudEvent(
      LEDGER_SESSION_RECORDED_V1,
      randomUUID(),
      ledgerEntry({
        position: 12,
        districtId: district,
        vendorId: vendor,
        sessionId: 'v-3',
        localDate: '2026-09-04',
        lines: [line(s2, 15)],
      }),
    );
    await consumer.handleBatch([asIncoming(LEDGER_TOPIC, 'k', dup), asIncoming(LEDGER_TOPIC, 'k', dup)]);
    await consumer.handleBatch([
      asIncoming(
        LEDGER_TOPIC,
        'k',
        cloudEvent(LEDGER_SESSION_RECORDED_V1, randomUUID(), { districtId: district, ledgerPosition: -1 } as never),
      ),
    ]);
    const foreign = cloudEvent(
      LEDGER_SESSION_RECORDED_V1,
      randomUUID(),
      ledgerEntry({
        position: 13,
        districtId: district,
        vendorId: vendor,
        sessionId: 'v-4',
        localDate: '2026-09-04',
        lines: [line(s2, 60)],
      }),
    );
    await consumer.handleBatch([asIncoming(LEDGER_TOPIC, 'k', { ...foreign, districtid: otherDistrict })]);
    expect(deadLettered).toEqual([`${LEDGER_TOPIC}.dlq`, `${LEDGER_TOPIC}.dlq`]);

    const sept = await statements.issue(finA, contract.contractId, { kind: 'base', month: '2026-09' });
    // s1 1 h = 4000, s2 0.75 + 0.25 h = 4000; holdback 20 % of 8000 = −1600
    expect(sept.statement.lines.map((l) => [l.kind, l.studentId, l.quantity, l.amountCents])).toEqual([
      ['base', s1, '1', 4000],
      ['base', s2, '1', 4000],
      ['holdback', null, '1', -1600],
    ]);
    expect(sept.statement.totalCents).toBe(6400);
    expect(sept.statement.ledgerPosition).toBe(12);
    expect(sept.statement.exceptions).toHaveLength(1);
    await expect(statements.issue(finA, contract.contractId, { kind: 'base', month: '2026-09' })).rejects.toThrow(
      /already issued/,
    );

    await expect(statements.approve(finA, sept.statement.statementId)).rejects.toThrow(WorkflowRuleViolation);
    const outboxBefore = await ds.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.outbox`);
    expect(outboxBefore[0].n).toBe(0);
    const approved = await statements.approve(finB, sept.statement.statementId);
    expect(approved.status).toBe('approved');
    await expect(statements.approve({ ...finB, sub: 'fin-c' }, sept.statement.statementId)).rejects.toThrow(
      /never changes/,
    );

    const outbox = (await ds.query(`SELECT topic, message_key, payload FROM ${SCHEMA}.outbox ORDER BY id`)) as {
      topic: string;
      message_key: string;
      payload: { type: string; data: unknown };
    }[];
    expect(outbox.map((o) => [o.topic, o.message_key, o.payload.type])).toEqual([
      [FINANCE_PAYOUTS_TOPIC, contract.contractId, STATEMENT_ISSUED_V1],
      [FINANCE_PAYOUTS_TOPIC, contract.contractId, STATEMENT_APPROVED_V1],
    ]);
    expect(validateEvent(STATEMENT_ISSUED_V1, outbox[0]?.payload.data).ok).toBe(true);
    expect(outbox[1]?.payload.data).toMatchObject({
      statementId: sept.statement.statementId,
      approvedBy: 'fin-b',
      totalCents: 6400,
    });

    // the database itself refuses to change an approved statement, even from a tenant transaction
    await expect(
      inTenantTransaction(ds, district, (m) => m.query(`UPDATE ${SCHEMA}.statements SET total_cents = 1`)),
    ).rejects.toThrow(/never changes/);
    await expect(inTenantTransaction(ds, district, (m) => m.query(`DELETE FROM ${SCHEMA}.statements`))).rejects.toThrow(
      /never deleted/,
    );

    // correction after approval: s1's session of 09-02 was 30 min, not 60
    await publishLedger(
      ledgerEntry({
        position: 20,
        districtId: district,
        vendorId: vendor,
        sessionId: 'v-1',
        kind: 'corrected',
        localDate: '2026-09-02',
        lines: [line(s1, 30), line(s2, 45)],
      }),
    );
    await publishLedger(
      ledgerEntry({
        position: 21,
        districtId: district,
        vendorId: vendor,
        sessionId: 'v-9',
        localDate: '2026-10-05',
        lines: [line(s2, 60)],
      }),
    );
    const oct = await statements.issue(finB, contract.contractId, { kind: 'base', month: '2026-10' });
    expect(
      oct.statement.lines.map((l) => [
        l.kind,
        l.studentId,
        l.period,
        l.quantity,
        l.amountCents,
        l.evidence.ledgerPositions,
      ]),
    ).toEqual([
      ['base', s2, '2026-10', '1', 4000, [21, 21]],
      ['adjustment', s1, '2026-09', '-0.5', -2000, [20, 20]],
      ['holdback', null, null, '1', -400, [20, 21]],
    ]);

    // recomputation at the same ledger position is byte-for-byte identical (approved or not)
    for (const id of [sept.statement.statementId, oct.statement.statementId])
      expect((await statements.recompute(finA, id)).identical).toBe(true);

    // no rate card version may reach into an issued period
    await expect(
      contracts.revise(district, contract.contractId, { effectiveFrom: '2026-10-15', rateCard: card, by: 'fin-a' }),
    ).rejects.toThrow(/issued through 2026-10-31/);
    const revised = await contracts.revise(district, contract.contractId, {
      effectiveFrom: '2026-11-01',
      rateCard: { ...card, holdbackBp: 0 },
      by: 'fin-a',
    });
    expect(revised.versions.map((v) => v.version)).toEqual([1, 2]);

    // CSV lists the lines and, unpaid, the exception
    const csv = statementCsv(sept.statement);
    expect(csv.split('\r\n')[0]).toContain('amount_cents');
    expect(csv).toContain(',exception,2026-09,');
    expect(csv).toContain('tutor_not_cleared');
  });

  it('vendors read only their own statements; disputes are versions; upheld money is paid next month', async () => {
    const list = await statements.list(finA, null, 50, 0);
    const sept = list.items.find((i) => i.label === '2026-09');
    if (!sept) throw new Error('no September statement');
    const other = { districtId: district, sub: 'v-user', vendorScope: randomUUID() };
    await expect(statements.get(other, sept.statementId)).rejects.toThrow(/no such statement/);
    expect((await statements.list(other, null, 50, 0)).items).toEqual([]);
    const mine = { districtId: district, sub: 'v-user', vendorScope: vendor };
    expect((await statements.get(mine, sept.statementId)).statement.vendorId).toBe(vendor);

    const dispute = await statements.dispute(
      { ...mine, vendorScope: vendor },
      sept.statementId,
      0,
      'one session of s1 missing',
    );
    const resolved = await statements.resolve(finB, dispute.disputeId, {
      decision: 'upheld',
      amountCents: 1000,
      note: 'session v-7 confirmed',
    });
    expect([resolved.version, resolved.status]).toEqual([2, 'upheld']);
    expect((await statements.disputes(finA, sept.statementId)).map((d) => [d.version, d.status])).toEqual([
      [1, 'open'],
      [2, 'upheld'],
    ]);
    const contractId = sept.contractId;
    const nov = await statements.issue(finA, contractId, { kind: 'base', month: '2026-11' });
    expect(nov.statement.lines.map((l) => [l.kind, l.studentId, l.amountCents, l.disputeId])).toEqual([
      ['adjustment', expect.any(String), 1000, dispute.disputeId],
    ]);
  });

  it('what-if prices a draft card on the current facts and stores nothing', async () => {
    const count = () =>
      inTenantTransaction(ds, district, (m) => m.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.statements`));
    const before = await count();
    expect(before[0].n).toBe(3);
    const result = await statements.whatIf(
      finA,
      {
        vendorId: vendor,
        startDate: '2026-09-01',
        endDate: '2027-06-30',
        rateCard: {
          ...card,
          base: { unit: 'student_session', unitPriceCents: 2500, hourRounding: 'quarter_hour_down' },
          holdbackBp: 0,
        },
      },
      { kind: 'base', month: '2026-09' },
    );
    // current ledger: s1 one payable session (v-1 corrected), s2 two (v-1, v-3)
    expect(result.lines.map((l) => [l.studentId, l.amountCents])).toEqual(
      [
        [s1, 2500],
        [s2, 5000],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    const after = await count();
    expect(after).toEqual(before);
  });

  it('a fact that commits or arrives after a statement is not in its recomputation; the next month pays it', async () => {
    const lateDistrict = randomUUID();
    const lateVendor = randomUUID();
    const fin = { districtId: lateDistrict, sub: 'fin-a', vendorScope: null };
    const entry = (position: number, sessionId: string, studentId: string, minutes: number) =>
      ledgerEntry({
        position,
        districtId: lateDistrict,
        vendorId: lateVendor,
        sessionId,
        localDate: '2026-09-10',
        lines: [line(studentId, minutes)],
      });
    const contract = await contracts.create({
      districtId: lateDistrict,
      vendorId: lateVendor,
      name: 'Late facts',
      startDate: '2026-09-01',
      endDate: '2027-06-30',
      rateCard: card,
      by: 'fin-a',
    });
    await publishLedger(entry(10, 'a', s1, 60));
    await publishLedger(entry(13, 'd', s2, 45));
    // position 11 is being written while the statement is issued; position 12 arrives after it (another partition)
    const writer = ds.createQueryRunner();
    await writer.connect();
    await writer.startTransaction();
    try {
      await setTenant(writer.manager, lateDistrict);
      await new FactsStore(SCHEMA).recordLedgerEntry(writer.manager, entry(11, 'b', s1, 30));
      const sept = await statements.issue(fin, contract.contractId, { kind: 'base', month: '2026-09' });
      // s1 1 h = 4000, s2 0.75 h = 3000; holdback 20 % of 7000 = −1400
      expect(sept.statement.lines.map((l) => [l.kind, l.studentId, l.amountCents])).toEqual([
        ['base', s1, 4000],
        ['base', s2, 3000],
        ['holdback', null, -1400],
      ]);
      expect(sept.statement.ledgerPosition).toBe(13);
      await writer.commitTransaction();
      await publishLedger(entry(12, 'c', s2, 15));

      // both facts are below the statement's position, and now committed: its recomputation still leaves them out
      const again = await statements.recompute(fin, sept.statement.statementId);
      expect(again.recomputed.totalCents).toBe(5600);
      expect(again.identical).toBe(true);

      // the next month pays them as corrections of September
      const oct = await statements.issue(fin, contract.contractId, { kind: 'base', month: '2026-10' });
      expect(
        oct.statement.lines.map((l) => [l.kind, l.studentId, l.period, l.amountCents, l.evidence.ledgerPositions]),
      ).toEqual([
        ['adjustment', s1, '2026-09', 2000, [10, 11]],
        ['adjustment', s2, '2026-09', 1000, [12, 13]],
        ['holdback', null, null, -600, [10, 13]],
      ]);
      expect((await statements.recompute(fin, oct.statement.statementId)).identical).toBe(true);
    } finally {
      if (writer.isTransactionActive) await writer.rollbackTransaction();
      await writer.release();
    }
  });

  it('another district sees none of it (row-level security)', async () => {
    const outsider = { districtId: otherDistrict, sub: 'fin-x', vendorScope: null };
    expect((await statements.list(outsider, null, 50, 0)).items).toEqual([]);
    expect((await contracts.list(otherDistrict, null, 50, 0)).items).toEqual([]);
    const facts = await inTenantTransaction(ds, otherDistrict, (m) =>
      m.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.ledger_facts`),
    );
    expect(facts[0].n).toBe(0);
    // without a tenant, the runtime role sees no row at all
    expect((await ds.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.statements`))[0].n).toBe(0);
  });
});
