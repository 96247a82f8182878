// Settlement through the real consumer and Postgres: scheduled occurrences (scheduling's events), assessments
// (enrollment's events), ledger entries; the MOY settlement pays outcome lines to students past the gate,
// releases the holdback withheld by the base statement, and the caps apply last.
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { FactsStore, OUTCOMES_CONTRACTING_MIGRATIONS } from '@tutoring/outcomes-contracting/infrastructure';
import type { RateCard } from '@tutoring/outcomes-contracting/domain';
import {
  ASSESSMENT_RECORDED_V1,
  ENROLLMENT_ASSESSMENTS_TOPIC,
  LEDGER_SESSION_RECORDED_V1,
  LEDGER_TOPIC,
  OCCURRENCE_CANCELLED_V1,
  OCCURRENCE_PLANNED_V1,
  SCHEDULING_TOPIC,
  STATEMENT_ISSUED_V1,
  validateEvent,
  validateInternalEvent,
  type InternalEventDataMap,
  type InternalEventType,
} from '@tutoring/shared/contracts';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import { migratedServiceDatabase, type FreshDatabase } from '@tutoring/shared/testing';
import { ContractsService } from '../contracts/contracts.service';
import { FactsConsumer } from '../facts/facts.consumer';
import { asIncoming, cloudEvent, ledgerEntry, line } from '../testing/fact-events';
import { toStatementIssuedV1 } from '@tutoring/outcomes-contracting/domain';
import { StatementsService } from './statements.service';

const SCHEMA = 'outcomes_contracting';
const district = randomUUID();
const vendor = randomUUID();
const [pass, fail, capped] = [randomUUID(), randomUUID(), randomUUID()].sort() as [string, string, string]; // lines are ordered by student id
const group = randomUUID();

const card: RateCard = {
  base: { unit: 'student_session', unitPriceCents: 5000, hourRounding: 'quarter_hour_down' },
  attendanceGateBp: 7000,
  outcome: {
    metric: 'scale_score_gain',
    subject: 'math',
    schoolYear: '2026-2027',
    tiers: [
      { min: 10, cents: 40_000 },
      { min: 25, cents: 90_000 },
    ],
  },
  declinePenalty: null,
  holdbackBp: 4000,
  capPerStudentCents: 100_000,
  capPerContractCents: null,
  settlementWindows: [{ window: 'MOY', baseline: 'BOY', periodEnd: '2026-09-30' }],
};

describe('settlement statement (real Postgres, facts through the consumer)', () => {
  let db: FreshDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    ({ db, dataSource: ds } = await migratedServiceDatabase(
      'outcomes_settle',
      SCHEMA,
      OUTCOMES_CONTRACTING_MIGRATIONS,
    ));
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('gate, tiers, holdback release and per-student cap, each line with its evidence', async () => {
    const dead: string[] = [];
    const consumer = new FactsConsumer(ds, SCHEMA, (t) => ({ publish: async () => void dead.push(t) }), {
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
      debug: () => undefined,
    } as never);
    const send = async <T extends InternalEventType>(topic: string, type: T, data: InternalEventDataMap[T]) => {
      const checked = validateInternalEvent(type, data);
      expect(checked.ok ? [] : checked.errors).toEqual([]); // shaped exactly as the producer's schema says
      await consumer.handleBatch([
        asIncoming(topic, 'k', cloudEvent(type, randomUUID(), data as { districtId: string })),
      ]);
    };
    // 10 occurrences in September for the three students; #1 cancelled by the district for everyone
    const occurrenceIds = Array.from({ length: 10 }, () => randomUUID());
    const plan = (occurrenceId: string, date: string) =>
      send(SCHEDULING_TOPIC, OCCURRENCE_PLANNED_V1, {
        occurrenceId,
        districtId: district,
        groupId: group,
        programId: randomUUID(),
        schoolId: randomUUID(),
        vendorId: vendor,
        tutorId: randomUUID(),
        studentIds: [pass, fail, capped],
        date,
        startsAt: `${date}T15:00:00-05:00`,
        endsAt: `${date}T15:45:00-05:00`,
      });
    for (const [i, occurrenceId] of occurrenceIds.entries()) {
      await plan(occurrenceId, `2026-09-${String(i + 7).padStart(2, '0')}`);
    }
    const closure = (occurrenceId: string, studentIds: string[]) =>
      send(SCHEDULING_TOPIC, OCCURRENCE_CANCELLED_V1, {
        occurrenceId,
        districtId: district,
        groupId: group,
        vendorId: vendor,
        reason: 'closure',
        accountable: 'district',
        studentIds,
        note: null,
      });
    await closure(occurrenceIds[0] as string, [pass, fail, capped]);
    // pass and capped attend occurrences 2..8 (7 of 9 scheduled = 77.77 %); fail attends 2..6 (5/9 = 55.55 %)
    let position = 100;
    for (const [i, occurrenceId] of occurrenceIds.entries()) {
      if (i === 0 || i > 7) continue;
      const date = `2026-09-${String(i + 7).padStart(2, '0')}`;
      const lines = [line(pass, 45), line(capped, 45), ...(i <= 5 ? [line(fail, 45)] : [])];
      const e = ledgerEntry({
        position: position++,
        districtId: district,
        vendorId: vendor,
        sessionId: `occ-${i}`,
        localDate: date,
        lines,
        scheduledSessionId: occurrenceId,
      });
      await consumer.handleBatch([
        asIncoming(LEDGER_TOPIC, 'k', cloudEvent(LEDGER_SESSION_RECORDED_V1, randomUUID(), e)),
      ]);
    }
    const score = (studentId: string, window: 'BOY' | 'MOY', scaleScore: number) =>
      send(ENROLLMENT_ASSESSMENTS_TOPIC, ASSESSMENT_RECORDED_V1, {
        assessmentId: randomUUID(),
        districtId: district,
        studentId,
        schoolYear: '2026-2027',
        window,
        subject: 'math',
        scaleScore,
        percentile: 40,
        growthPercentile: null,
      });
    for (const s of [pass, fail, capped]) await score(s, 'BOY', 400);
    await score(pass, 'MOY', 412); // gain 12 → 40 000
    await score(fail, 'MOY', 450); // gain 50 but gate failed
    await score(capped, 'MOY', 430); // gain 30 → 90 000, capped at 100 000 with its base
    expect(dead).toEqual([]);

    const contracts = new ContractsService(ds, SCHEMA);
    const statements = new StatementsService(ds, SCHEMA);
    const finA = { districtId: district, sub: 'fin-a', vendorScope: null };
    const contract = await contracts.create({
      districtId: district,
      vendorId: vendor,
      name: 'Outcomes',
      startDate: '2026-09-01',
      endDate: '2027-06-30',
      rateCard: card,
      by: 'fin-a',
    });
    const sept = await statements.issue(finA, contract.contractId, { kind: 'base', month: '2026-09' });
    // pass 7 × 5000 = 35 000, capped 35 000, fail 5 × 5000 = 25 000; holdback 40 % of 95 000 = −38 000
    expect(sept.statement.totalCents).toBe(95_000 - 38_000);

    const moy = await statements.issue(finA, contract.contractId, { kind: 'settlement', window: 'MOY' });
    // capped: 35 000 base + 90 000 outcome = 125 000 > 100 000 → cap −25 000
    expect(moy.statement.lines.map((l) => [l.kind, l.studentId, l.amountCents])).toEqual([
      ['outcome', pass, 40_000],
      ['outcome', capped, 90_000],
      ['holdback_release', null, 38_000],
      ['cap', capped, -25_000],
    ]);
    expect(moy.statement.totalCents).toBe(143_000);
    expect(moy.statement.lines[0]?.description).toContain('scale_score_gain 12');
    expect(moy.statement.lines[0]?.description).toContain('attended 7/9 = 77.77 %');
    expect(moy.statement.lines[0]?.evidence).toEqual({ ledgerPositions: [100, 106], entries: 7 });
    expect(moy.statement.notes).toEqual([
      { studentId: fail, code: 'attendance_gate', description: 'attended 5/9 = 55.55 % < gate 70.00 %' },
    ]);
    expect(validateEvent(STATEMENT_ISSUED_V1, toStatementIssuedV1(moy.statement)).ok).toBe(true);
    expect((await statements.recompute(finA, moy.statement.statementId)).identical).toBe(true);

    // after the settlement: pass's MOY test is re-scored, the last occurrence moves to October, the second is
    // cancelled by the district for pass. The facts as they are now show each change once (latest version wins) …
    await score(pass, 'MOY', 430);
    await plan(occurrenceIds[9] as string, '2026-10-05');
    await closure(occurrenceIds[1] as string, [pass]);
    expect(dead).toEqual([]);
    const facts = new FactsStore(SCHEMA);
    const now = await inTenantTransaction(ds, district, async (m) => {
      const snapshot = await facts.snapshot(m);
      return {
        tests: await facts.assessments(m, '2026-2027', 'math', snapshot),
        september: await facts.occurrences(m, vendor, '2026-09-01', '2026-09-30', snapshot),
      };
    });
    expect(now.tests.filter((a) => a.studentId === pass).map((a) => [a.window, a.scaleScore])).toEqual([
      ['BOY', 400],
      ['MOY', 430],
    ]);
    expect(now.september.map((o) => o.occurrenceId)).toEqual(occurrenceIds.slice(0, 9));
    expect(now.september.map((o) => o.cancelled.length)).toEqual([3, 1, 0, 0, 0, 0, 0, 0, 0]);
    // … and the settlement, recomputed, still reads the facts it was issued on: the same bytes
    const again = await statements.recompute(finA, moy.statement.statementId);
    expect(again.recomputed.totalCents).toBe(143_000);
    expect(again.identical).toBe(true);
  });
});
