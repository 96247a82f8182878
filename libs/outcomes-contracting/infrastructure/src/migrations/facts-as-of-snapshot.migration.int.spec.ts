// The upgrade to fact versions (ADR 0028) on a database that already holds facts, as district IT runs it (the
// service applies its migrations at start): the writes of the earlier code, unchanged, are versioned by the database;
// and the way back.
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { applyMigrations, createServiceDataSource, inTenantTransaction } from '@tutoring/shared/persistence';
import { migratedServiceDatabase, type FreshDatabase } from '@tutoring/shared/testing';
import { FactsStore } from '../store/facts.store';
import { OUTCOMES_CONTRACTING_MIGRATIONS } from './1700000000701-outcomes.migration';

const SCHEMA = 'outcomes_contracting';
const district = randomUUID();
const vendor = randomUUID();
const student = randomUUID();
const occurrence = randomUUID();

describe('migration OutcomesFactsAsOfSnapshot1700000000704 (real Postgres)', () => {
  let db: FreshDatabase;
  let ds: DataSource;
  let config: { url: string; migrationUrl: string; schema: string; applicationName: string };
  const facts = new FactsStore(SCHEMA);

  beforeAll(async () => {
    // every migration before this one
    const migrated = await migratedServiceDatabase(
      'outcomes_upgrade',
      SCHEMA,
      OUTCOMES_CONTRACTING_MIGRATIONS.slice(0, -1),
    );
    ({ db, dataSource: ds } = migrated);
    config = { url: migrated.runtimeUrl, migrationUrl: migrated.migrationUrl, schema: SCHEMA, applicationName: 'test' };
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const read = (asOf?: string) =>
    inTenantTransaction(ds, district, async (m) => {
      const snapshot = asOf ?? (await facts.snapshot(m));
      return {
        snapshot,
        entries: await facts.ledgerEntries(m, vendor, 100, snapshot),
        tests: await facts.assessments(m, '2026-2027', 'math', snapshot),
        occurrences: await facts.occurrences(m, vendor, '2026-09-01', '2026-09-30', snapshot),
      };
    });

  it('keeps every fact as its first version, versions every later write, and drops the versions on the way back', async () => {
    await inTenantTransaction(ds, district, async (m) => {
      await m.query(
        `INSERT INTO ${SCHEMA}.ledger_facts (district_id, ledger_position, vendor_id, session_id, kind, local_date, lines)
         VALUES ($1, 7, $2, 's-1', 'delivered', '2026-09-08', '[]'::json)`,
        [district, vendor],
      );
      await m.query(
        `INSERT INTO ${SCHEMA}.assessments (district_id, student_id, school_year, test_window, subject, assessment_id, scale_score, percentile)
         VALUES ($1, $2, '2026-2027', 'BOY', 'math', $3, 400, 40)`,
        [district, student, randomUUID()],
      );
      await m.query(
        `INSERT INTO ${SCHEMA}.occurrences (district_id, occurrence_id, vendor_id, occurrence_date, student_ids, cancelled)
         VALUES ($1, $2, $3, '2026-09-08', ARRAY[$4]::uuid[], $5::jsonb)`,
        [district, occurrence, vendor, student, JSON.stringify([{ studentId: student, accountable: 'district' }])],
      );
    });

    expect(await applyMigrations(config, OUTCOMES_CONTRACTING_MIGRATIONS)).toEqual([
      'OutcomesFactsAsOfSnapshot1700000000704',
    ]);
    const upgraded = await read();
    expect(upgraded.entries.map((e) => [e.ledgerPosition, e.sessionId])).toEqual([[7, 's-1']]);
    expect(upgraded.tests.map((a) => [a.studentId, a.window, a.scaleScore])).toEqual([[student, 'BOY', 400]]);
    expect(upgraded.occurrences).toEqual([
      {
        occurrenceId: occurrence,
        date: '2026-09-08',
        studentIds: [student],
        cancelled: [{ studentId: student, accountable: 'district' }],
      },
    ]);

    // a re-scored test and a second cancellation, written as the earlier code writes them (in place), are new versions
    await inTenantTransaction(ds, district, async (m) => {
      await facts.recordAssessment(m, {
        assessmentId: randomUUID(),
        districtId: district,
        studentId: student,
        schoolYear: '2026-2027',
        window: 'BOY',
        subject: 'math',
        scaleScore: 410,
        percentile: 45,
        growthPercentile: null,
      });
      await facts.recordOccurrenceCancelled(m, {
        occurrenceId: occurrence,
        districtId: district,
        groupId: randomUUID(),
        vendorId: vendor,
        reason: 'tutor_absence',
        accountable: 'vendor',
        studentIds: [student],
        note: null,
      });
    });
    const later = await read();
    expect(later.tests.map((a) => a.scaleScore)).toEqual([410]);
    expect(later.occurrences.map((o) => o.cancelled.map((c) => c.accountable))).toEqual([['district', 'vendor']]);
    const before = await read(upgraded.snapshot);
    expect(before.tests.map((a) => a.scaleScore)).toEqual([400]);
    expect(before.occurrences.map((o) => o.cancelled.map((c) => c.accountable))).toEqual([['district']]);

    // undone: the current tables, which the earlier code reads, hold the latest state
    const owner = createServiceDataSource(
      { ...config, url: config.migrationUrl, poolSize: 1 },
      OUTCOMES_CONTRACTING_MIGRATIONS,
    );
    await owner.initialize();
    try {
      await owner.undoLastMigration({ transaction: 'each' });
    } finally {
      await owner.destroy();
    }
    const back = await inTenantTransaction(ds, district, async (m) => ({
      tests: await m.query(`SELECT scale_score::int AS score FROM ${SCHEMA}.assessments`),
      occurrences: await m.query(`SELECT cancelled FROM ${SCHEMA}.occurrences`),
    }));
    expect(back.tests).toEqual([{ score: 410 }]);
    expect(back.occurrences).toEqual([
      {
        cancelled: [
          { studentId: student, accountable: 'district' },
          { studentId: student, accountable: 'vendor' },
        ],
      },
    ]);
  });
});
