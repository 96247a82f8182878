import { MigrationInterface, QueryRunner } from 'typeorm';
import { isolateTenantTable, migrationSchema } from '@tutoring/shared/persistence';

/**
 * Every cancellation of a planned occurrence, one row per scheduling event (docs/services/session-ledger.md,
 * "Scheduled versus delivered"). Scheduling may cancel one occurrence several times, for different students, reasons
 * and accountable parties; the single `cancelled_*` columns of `ref_occurrences` kept only the last one. Rows are never
 * updated: the key (occurrence, event id) makes a redelivery a no-op, and which cancellation answers for which student
 * is decided at read time by the pure `cancellationFor`, whatever the arrival order.
 *
 * Backfill: an occurrence's existing summary columns become one row with event id `legacy:<occurrence id>` (no time:
 * it ranks below any later cancellation of the same scope).
 */
export class OccurrenceCancellations1700000000750 implements MigrationInterface {
  name = 'OccurrenceCancellations1700000000750';

  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`
      CREATE TABLE ${s}.ref_occurrence_cancellations (
        occurrence_id uuid NOT NULL,
        event_id text NOT NULL,
        district_id uuid NOT NULL,
        reason text NOT NULL,
        accountable text NOT NULL CHECK (accountable IN ('district', 'vendor')),
        student_ids uuid[] NOT NULL DEFAULT '{}',
        cancelled_at timestamptz NULL,
        PRIMARY KEY (occurrence_id, event_id)
      )`);
    // A student's cancellations, including those of occurrences whose latest plan no longer lists them.
    await q.query(
      `CREATE INDEX ref_occurrence_cancellations_students ON ${s}.ref_occurrence_cancellations USING gin (student_ids)`,
    );
    // Backfill: the owner is filtered by forced RLS too, so lift the force for this one statement.
    await q.query(`ALTER TABLE ${s}.ref_occurrences NO FORCE ROW LEVEL SECURITY`);
    await q.query(
      `INSERT INTO ${s}.ref_occurrence_cancellations (occurrence_id, event_id, district_id, reason, accountable, student_ids)
       SELECT occurrence_id, 'legacy:' || occurrence_id::text, district_id, coalesce(cancelled_reason, 'other'),
              cancelled_accountable, coalesce(cancelled_student_ids, '{}')
         FROM ${s}.ref_occurrences WHERE cancelled_accountable IN ('district', 'vendor')`,
    );
    await q.query(`ALTER TABLE ${s}.ref_occurrences FORCE ROW LEVEL SECURITY`);
    await isolateTenantTable(q, s, 'ref_occurrence_cancellations');
  }

  async down(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`DROP TABLE ${s}.ref_occurrence_cancellations`);
  }
}
