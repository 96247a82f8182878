import type { MigrationInterface, QueryRunner } from 'typeorm';
import { isolateTenantTable, migrationSchema } from '@tutoring/shared/persistence';

/**
 * Statements read their facts as of one snapshot (ADR 0028). Every ledger fact records the transaction that wrote it
 * (`recorded_tx`). Assessments and occurrences change in place (a re-scored test, a re-plan, a cancellation), so the
 * database keeps every state they pass through: a trigger appends each inserted or updated row, with its writer's
 * transaction, to `assessment_versions` and `occurrence_versions`. A statement stores the snapshot it read its facts
 * in (`facts_snapshot`), and its recomputation reads exactly those facts, whatever arrived or committed after it.
 *
 * Additive only (infra/helm/tutoring/README.md, "Upgrade"): the current tables and what the earlier code writes to
 * them are unchanged, so pods of both versions run side by side during a rolling upgrade, and the triggers record
 * the writes of either. Existing rows become versions of this migration's transaction, and existing ledger facts keep
 * no transaction: both are visible to every statement issued after it. Statements issued before it have no snapshot
 * and are recomputed on the facts as they are.
 */
export class OutcomesFactsAsOfSnapshot1700000000704 implements MigrationInterface {
  name = 'OutcomesFactsAsOfSnapshot1700000000704';

  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    // Existing entries keep NULL (visible to every snapshot): no rewrite of a large table while pods run.
    await q.query(`ALTER TABLE ${s}.ledger_facts ADD COLUMN recorded_tx xid8 NULL`);
    await q.query(`ALTER TABLE ${s}.ledger_facts ALTER COLUMN recorded_tx SET DEFAULT pg_current_xact_id()`);
    await q.query(`
      CREATE TABLE ${s}.assessment_versions (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        recorded_tx xid8 NOT NULL DEFAULT pg_current_xact_id(),
        district_id uuid NOT NULL,
        student_id uuid NOT NULL,
        school_year text NOT NULL,
        test_window text NOT NULL,
        subject text NOT NULL,
        assessment_id uuid NOT NULL,
        scale_score numeric NOT NULL,
        percentile numeric NOT NULL,
        growth_percentile numeric NULL
      )`);
    await q.query(
      `CREATE INDEX assessment_versions_latest ON ${s}.assessment_versions (district_id, school_year, subject, student_id, test_window, seq)`,
    );
    await q.query(`
      CREATE TABLE ${s}.occurrence_versions (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        recorded_tx xid8 NOT NULL DEFAULT pg_current_xact_id(),
        district_id uuid NOT NULL,
        occurrence_id uuid NOT NULL,
        vendor_id uuid NOT NULL,
        occurrence_date date NOT NULL,
        student_ids uuid[] NOT NULL,
        cancelled jsonb NOT NULL
      )`);
    await q.query(
      `CREATE INDEX occurrence_versions_vendor ON ${s}.occurrence_versions (district_id, vendor_id, occurrence_date)`,
    );
    await q.query(
      `CREATE INDEX occurrence_versions_latest ON ${s}.occurrence_versions (district_id, occurrence_id, seq)`,
    );
    for (const [table, versions, columns] of VERSIONED) {
      const list = columns.join(', ');
      // No write between the backfill and the trigger (pods of the earlier version keep writing during an upgrade):
      // writers wait for this migration's commit, and the backfill sees every write committed before it.
      await q.query(`LOCK TABLE ${s}.${table} IN SHARE ROW EXCLUSIVE MODE`);
      // Backfill: the owner is filtered by forced RLS too, so lift the force for this one statement.
      await q.query(`ALTER TABLE ${s}.${table} NO FORCE ROW LEVEL SECURITY`);
      await q.query(`INSERT INTO ${s}.${versions} (${list}) SELECT ${list} FROM ${s}.${table}`);
      await q.query(`ALTER TABLE ${s}.${table} FORCE ROW LEVEL SECURITY`);
      await isolateTenantTable(q, s, versions);
      // Every state the row passes through, written in the same transaction as the change itself.
      await q.query(`
        CREATE FUNCTION ${s}.${versions}_append() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO ${s}.${versions} (${list}) VALUES (${columns.map((c) => `NEW.${c}`).join(', ')});
          RETURN NULL;
        END $$`);
      await q.query(
        `CREATE TRIGGER ${versions}_append AFTER INSERT OR UPDATE ON ${s}.${table} FOR EACH ROW EXECUTE FUNCTION ${s}.${versions}_append()`,
      );
    }

    await q.query(`ALTER TABLE ${s}.statements ADD COLUMN facts_snapshot pg_snapshot NULL`);
    // The snapshot is part of what an issued statement is: it never changes either.
    await q.query(statementsImmutable(s, `OR NEW.facts_snapshot::text IS DISTINCT FROM OLD.facts_snapshot::text`));
  }

  async down(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(statementsImmutable(s, ''));
    await q.query(`ALTER TABLE ${s}.statements DROP COLUMN facts_snapshot`);
    for (const versions of ['assessment_versions', 'occurrence_versions']) {
      await q.query(`DROP TABLE ${s}.${versions}`);
      await q.query(`DROP FUNCTION ${s}.${versions}_append() CASCADE`);
    }
    await q.query(`ALTER TABLE ${s}.ledger_facts DROP COLUMN recorded_tx`);
  }
}

/** The tables whose rows change in place, their version tables, and the columns a version keeps. */
const VERSIONED = [
  [
    'assessments',
    'assessment_versions',
    [
      'district_id',
      'student_id',
      'school_year',
      'test_window',
      'subject',
      'assessment_id',
      'scale_score',
      'percentile',
      'growth_percentile',
    ],
  ],
  [
    'occurrences',
    'occurrence_versions',
    ['district_id', 'occurrence_id', 'vendor_id', 'occurrence_date', 'student_ids', 'cancelled'],
  ],
] as const;

/** The immutability trigger of statements (OutcomesContracting1700000000701), with `extra` changes refused too. */
const statementsImmutable = (s: string, extra: string): string => `
  CREATE OR REPLACE FUNCTION ${s}.statements_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'statements are never deleted' USING ERRCODE = 'check_violation'; END IF;
    IF OLD.status = 'approved' THEN RAISE EXCEPTION 'an approved statement never changes' USING ERRCODE = 'check_violation'; END IF;
    IF NEW.body::text IS DISTINCT FROM OLD.body::text OR NEW.total_cents <> OLD.total_cents OR NEW.ledger_position <> OLD.ledger_position
       ${extra} OR NEW.issued_by <> OLD.issued_by OR NEW.status <> 'approved' THEN
      RAISE EXCEPTION 'an issued statement changes only by its approval' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
  END $$`;
