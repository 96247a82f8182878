// A statement reads its facts through a cursor, one page at a time, and keeps each repeated value once: whatever the
// page size, it gets exactly the facts written, in order (real Postgres, the runtime role with RLS).
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import { migratedServiceDatabase, type FreshDatabase } from '@tutoring/shared/testing';
import { OUTCOMES_CONTRACTING_MIGRATIONS } from '../migrations/1700000000701-outcomes.migration';
import { FactsStore } from './facts.store';

const SCHEMA = 'outcomes_contracting';
const district = randomUUID();
const vendor = randomUUID();
const students = [randomUUID(), randomUUID(), randomUUID()];
const day = (n: number) => `2026-09-${String(7 + n).padStart(2, '0')}`;

describe('FactsStore reads a contract facts page by page (real Postgres)', () => {
  let db: FreshDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    ({ db, dataSource: ds } = await migratedServiceDatabase('outcomes_facts', SCHEMA, OUTCOMES_CONTRACTING_MIGRATIONS));
    const writer = new FactsStore(SCHEMA);
    await inTenantTransaction(ds, district, async (m) => {
      for (let n = 0; n < 7; n++)
        await writer.recordLedgerEntry(m, {
          districtId: district,
          ledgerPosition: 10 + n,
          vendorId: vendor,
          sessionId: `s-${n % 5}`,
          kind: n < 5 ? 'delivered' : 'corrected',
          localDate: day(n % 3),
          scheduledSessionId: null,
          lines: students.map((studentId, k) => ({
            studentId,
            status: k === 2 ? 'absent_unexcused' : 'present',
            minutes: k === 2 ? 0 : 30 + n,
            billable: n !== 4,
            exceptionCodes: n === 4 ? ['tutor_not_cleared'] : [],
          })),
        } as Parameters<FactsStore['recordLedgerEntry']>[1]);
      for (const [k, studentId] of students.entries())
        for (const window of ['BOY', 'MOY'] as const)
          await writer.recordAssessment(m, {
            assessmentId: randomUUID(),
            districtId: district,
            studentId,
            schoolYear: '2026-2027',
            window,
            subject: 'math',
            scaleScore: 400 + k + (window === 'MOY' ? 20 : 0),
            percentile: 50,
            growthPercentile: null,
          });
      for (let n = 0; n < 5; n++)
        await writer.recordOccurrencePlanned(m, {
          occurrenceId: `00000000-0000-4000-8000-00000000000${n}`,
          districtId: district,
          vendorId: vendor,
          date: day(4 - n),
          studentIds: students,
        } as Parameters<FactsStore['recordOccurrencePlanned']>[1]);
      // a re-planned occurrence: only its latest version is read
      await writer.recordOccurrencePlanned(m, {
        occurrenceId: '00000000-0000-4000-8000-000000000000',
        districtId: district,
        vendorId: vendor,
        date: day(6),
        studentIds: students.slice(0, 2),
      } as Parameters<FactsStore['recordOccurrencePlanned']>[1]);
    });
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const readWith = (pageRows: number) =>
    inTenantTransaction(ds, district, async (m) => {
      const facts = new FactsStore(SCHEMA, pageRows);
      const snapshot = await facts.snapshot(m);
      return {
        entries: await facts.ledgerEntries(m, vendor, 15, snapshot),
        tests: await facts.assessments(m, '2026-2027', 'math', snapshot),
        occurrences: await facts.occurrences(m, vendor, '2026-09-01', '2026-09-30', snapshot),
      };
    });

  it('gets the same facts, in the same order, with pages of 1, 2, 3 and 20,000 rows', async () => {
    const whole = await readWith(20_000);
    expect(whole.entries.map((e) => [e.ledgerPosition, e.sessionId, e.kind, e.localDate])).toEqual([
      [10, 's-0', 'delivered', day(0)],
      [11, 's-1', 'delivered', day(1)],
      [12, 's-2', 'delivered', day(2)],
      [13, 's-3', 'delivered', day(0)],
      [14, 's-4', 'delivered', day(1)],
      [15, 's-0', 'corrected', day(2)],
    ]);
    expect(whole.entries[4]?.lines.map((l) => [l.studentId, l.billable, l.exceptionCodes])).toEqual(
      students.map((s) => [s, false, ['tutor_not_cleared']]),
    );
    expect(whole.entries[5]?.lines.map((l) => [l.status, l.minutes, l.exceptionCodes])).toEqual([
      ['present', 35, []],
      ['present', 35, []],
      ['absent_unexcused', 0, []],
    ]);
    expect(whole.tests.map((t) => [t.studentId, t.window, t.scaleScore])).toEqual(
      [...students.entries()]
        .flatMap(([k, s]) => [
          [s, 'BOY', 400 + k],
          [s, 'MOY', 420 + k],
        ])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])) || String(a[1]).localeCompare(String(b[1]))),
    );
    expect(whole.occurrences.map((o) => [o.date, o.occurrenceId.slice(-1), o.studentIds.length])).toEqual([
      [day(0), '4', 3],
      [day(1), '3', 3],
      [day(2), '2', 3],
      [day(3), '1', 3],
      [day(6), '0', 2],
    ]);
    for (const pageRows of [1, 2, 3]) expect(await readWith(pageRows)).toEqual(whole);
  });

  it('shares the lists that repeat: every empty list is one frozen array', async () => {
    const { entries, occurrences } = await readWith(2);
    const lines = entries.flatMap((e) => e.lines);
    const empty = lines.filter((l) => l.exceptionCodes.length === 0).map((l) => l.exceptionCodes);
    expect(empty.length).toBeGreaterThan(1);
    expect(empty.every((codes) => codes === empty[0] && Object.isFrozen(codes))).toBe(true);
    expect(occurrences.every((o) => Object.isFrozen(o.cancelled))).toBe(true);
  });

  it('records a version for each change of an assessment or occurrence, and none for the same state written again', async () => {
    const writer = new FactsStore(SCHEMA);
    const student = randomUUID();
    const occurrenceId = randomUUID();
    const test = {
      assessmentId: randomUUID(),
      districtId: district,
      studentId: student,
      schoolYear: '2026-2027',
      window: 'EOY',
      subject: 'math',
      scaleScore: 430,
      percentile: 60,
      growthPercentile: 55,
    } as Parameters<FactsStore['recordAssessment']>[1];
    const plan = {
      occurrenceId,
      districtId: district,
      vendorId: vendor,
      date: day(8),
      studentIds: [student],
    } as Parameters<FactsStore['recordOccurrencePlanned']>[1];
    const versions = () =>
      inTenantTransaction(ds, district, async (m) => {
        const tests = (await m.query(
          `SELECT scale_score::int AS score FROM ${SCHEMA}.assessment_versions WHERE student_id = $1 ORDER BY seq`,
          [student],
        )) as { score: number }[];
        const plans = (await m.query(
          `SELECT to_char(occurrence_date, 'YYYY-MM-DD') AS date FROM ${SCHEMA}.occurrence_versions WHERE occurrence_id = $1 ORDER BY seq`,
          [occurrenceId],
        )) as { date: string }[];
        return { tests: tests.map((t) => t.score), plans: plans.map((p) => p.date) };
      });

    await inTenantTransaction(ds, district, async (m) => {
      await writer.recordAssessment(m, test);
      await writer.recordOccurrencePlanned(m, plan);
    });
    await inTenantTransaction(ds, district, async (m) => {
      await writer.recordAssessment(m, { ...test });
      await writer.recordOccurrencePlanned(m, { ...plan, studentIds: [student] });
    });
    expect(await versions()).toEqual({ tests: [430], plans: [day(8)] });

    await inTenantTransaction(ds, district, async (m) => {
      await writer.recordAssessment(m, { ...test, scaleScore: 441 });
      await writer.recordOccurrencePlanned(m, { ...plan, date: day(9) });
    });
    expect(await versions()).toEqual({ tests: [430, 441], plans: [day(8), day(9)] });
  });
});
