import type { MigrationInterface, QueryRunner } from 'typeorm';
import { isolateTenantTable, migrationSchema } from '@tutoring/shared/persistence';

/**
 * Statements see the facts as of one snapshot (ADR 0028). Every fact row records the transaction that wrote it
 * (`recorded_tx`), and no fact row changes any more: a re-scored test or a re-planned occurrence is a new row (the
 * highest `seq` visible wins), a cancellation is a row of its own. A statement stores the snapshot it read its facts
 * in (`facts_snapshot`), so its recomputation reads exactly those facts, whatever arrived or committed after it.
 *
 * Existing rows get this migration's transaction id: visible to every statement issued after it. Statements issued
 * before it have no snapshot and are recomputed on the facts as they are (as before).
 */
export class OutcomesFactsAsOfSnapshot1700000000704 implements MigrationInterface {
  name = 'OutcomesFactsAsOfSnapshot1700000000704';

  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    const recordedTx = `ADD COLUMN recorded_tx xid8 NOT NULL DEFAULT pg_current_xact_id()`;
    const seq = `ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY`;
    await q.query(`ALTER TABLE ${s}.ledger_facts ${recordedTx}`);

    await q.query(`ALTER TABLE ${s}.assessments ${seq}, ${recordedTx}`);
    await q.query(`ALTER TABLE ${s}.assessments DROP CONSTRAINT assessments_pkey, ADD PRIMARY KEY (district_id, seq)`);
    await q.query(
      `CREATE INDEX assessments_latest ON ${s}.assessments (district_id, school_year, subject, student_id, test_window, seq)`,
    );

    await q.query(`
      CREATE TABLE ${s}.occurrence_cancellations (
        district_id uuid NOT NULL,
        seq bigint GENERATED ALWAYS AS IDENTITY,
        occurrence_id uuid NOT NULL,
        cancelled jsonb NOT NULL, -- [{ studentId, accountable }] of one cancellation event, in its order
        recorded_tx xid8 NOT NULL DEFAULT pg_current_xact_id(),
        PRIMARY KEY (district_id, seq)
      )`);
    await q.query(
      `CREATE INDEX occurrence_cancellations_occurrence ON ${s}.occurrence_cancellations (district_id, occurrence_id, seq)`,
    );
    // Backfill: the owner is filtered by forced RLS too, so lift the force for this one statement.
    await q.query(`ALTER TABLE ${s}.occurrences NO FORCE ROW LEVEL SECURITY`);
    await q.query(
      `INSERT INTO ${s}.occurrence_cancellations (district_id, occurrence_id, cancelled)
       SELECT district_id, occurrence_id, cancelled FROM ${s}.occurrences WHERE cancelled <> '[]'::jsonb`,
    );
    await q.query(`ALTER TABLE ${s}.occurrences FORCE ROW LEVEL SECURITY`);
    await isolateTenantTable(q, s, 'occurrence_cancellations');
    await q.query(`ALTER TABLE ${s}.occurrences DROP COLUMN cancelled, ${seq}, ${recordedTx}`);
    await q.query(`ALTER TABLE ${s}.occurrences DROP CONSTRAINT occurrences_pkey, ADD PRIMARY KEY (district_id, seq)`);
    await q.query(`CREATE INDEX occurrences_versions ON ${s}.occurrences (district_id, occurrence_id, seq)`);

    await q.query(`ALTER TABLE ${s}.statements ADD COLUMN facts_snapshot pg_snapshot NULL`);
    // The snapshot is part of what an issued statement is: it never changes either.
    await q.query(`
      CREATE OR REPLACE FUNCTION ${s}.statements_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'statements are never deleted' USING ERRCODE = 'check_violation'; END IF;
        IF OLD.status = 'approved' THEN RAISE EXCEPTION 'an approved statement never changes' USING ERRCODE = 'check_violation'; END IF;
        IF NEW.body::text IS DISTINCT FROM OLD.body::text OR NEW.total_cents <> OLD.total_cents OR NEW.ledger_position <> OLD.ledger_position
           OR NEW.facts_snapshot::text IS DISTINCT FROM OLD.facts_snapshot::text
           OR NEW.issued_by <> OLD.issued_by OR NEW.status <> 'approved' THEN
          RAISE EXCEPTION 'an issued statement changes only by its approval' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$`);
  }

  /** Back to one row per assessment and occurrence: the latest version of each is kept, older versions are lost. */
  async down(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`ALTER TABLE ${s}.statements DROP COLUMN facts_snapshot`);
    await q.query(`
      CREATE OR REPLACE FUNCTION ${s}.statements_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'statements are never deleted' USING ERRCODE = 'check_violation'; END IF;
        IF OLD.status = 'approved' THEN RAISE EXCEPTION 'an approved statement never changes' USING ERRCODE = 'check_violation'; END IF;
        IF NEW.body::text IS DISTINCT FROM OLD.body::text OR NEW.total_cents <> OLD.total_cents OR NEW.ledger_position <> OLD.ledger_position
           OR NEW.issued_by <> OLD.issued_by OR NEW.status <> 'approved' THEN
          RAISE EXCEPTION 'an issued statement changes only by its approval' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$`);
    for (const table of ['assessments', 'occurrences', 'occurrence_cancellations'])
      await q.query(`ALTER TABLE ${s}.${table} NO FORCE ROW LEVEL SECURITY`);
    await q.query(
      `DELETE FROM ${s}.assessments a USING ${s}.assessments b
        WHERE (b.district_id, b.student_id, b.school_year, b.test_window, b.subject) = (a.district_id, a.student_id, a.school_year, a.test_window, a.subject)
          AND b.seq > a.seq`,
    );
    await q.query(
      `DELETE FROM ${s}.occurrences a USING ${s}.occurrences b
        WHERE (b.district_id, b.occurrence_id) = (a.district_id, a.occurrence_id) AND b.seq > a.seq`,
    );
    await q.query(`ALTER TABLE ${s}.occurrences ADD COLUMN cancelled jsonb NOT NULL DEFAULT '[]'::jsonb`);
    await q.query(
      `UPDATE ${s}.occurrences o SET cancelled = c.cancelled
         FROM (SELECT district_id, occurrence_id, jsonb_agg(e.v ORDER BY x.seq, e.n) AS cancelled
                 FROM ${s}.occurrence_cancellations x, jsonb_array_elements(x.cancelled) WITH ORDINALITY AS e(v, n)
                GROUP BY district_id, occurrence_id) c
        WHERE (c.district_id, c.occurrence_id) = (o.district_id, o.occurrence_id)`,
    );
    await q.query(`DROP TABLE ${s}.occurrence_cancellations`);
    await q.query(`DROP INDEX ${s}.occurrences_versions`);
    await q.query(
      `ALTER TABLE ${s}.occurrences DROP CONSTRAINT occurrences_pkey, DROP COLUMN seq, DROP COLUMN recorded_tx`,
    );
    await q.query(`ALTER TABLE ${s}.occurrences ADD PRIMARY KEY (district_id, occurrence_id)`);
    await q.query(`DROP INDEX ${s}.assessments_latest`);
    await q.query(
      `ALTER TABLE ${s}.assessments DROP CONSTRAINT assessments_pkey, DROP COLUMN seq, DROP COLUMN recorded_tx`,
    );
    await q.query(
      `ALTER TABLE ${s}.assessments ADD PRIMARY KEY (district_id, student_id, school_year, test_window, subject)`,
    );
    for (const table of ['assessments', 'occurrences'])
      await q.query(`ALTER TABLE ${s}.${table} FORCE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE ${s}.ledger_facts DROP COLUMN recorded_tx`);
  }
}
