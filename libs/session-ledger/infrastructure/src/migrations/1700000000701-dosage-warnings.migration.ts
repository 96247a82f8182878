import { MigrationInterface, QueryRunner } from 'typeorm';
import { isolateTenantTable, migrationSchema } from '@tutoring/shared/persistence';

/**
 * Dosage warnings and scheduled-versus-delivered reads (docs/services/session-ledger.md, "Dosage warnings").
 *
 * - `dosage_districts`: a district registry (ids only, no RLS): every district whose zone is known, so the worker can
 *   visit districts that have enrolled students but no session yet (those are the students most below target).
 *   Filled by a trigger on `ref_districts`.
 * - `dosage_week_closures`: one row per (district, ISO week) judged; its primary key makes closing a week happen
 *   once, whatever the number of replicas or restarts.
 * - `dosage_week_judgements`: one row per (district, student, ISO week) judged, with the streak and the id of the
 *   event published (null when at target): the next week's streak starts from here.
 * - A GIN index on `ref_occurrences.student_ids` for a student's planned occurrences.
 */
export class DosageWarnings1700000000701 implements MigrationInterface {
  name = 'DosageWarnings1700000000701';

  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(
      `CREATE TABLE ${s}.dosage_districts (district_id uuid PRIMARY KEY, first_seen_at timestamptz NOT NULL DEFAULT now())`,
    );
    await q.query(`
      CREATE FUNCTION ${s}.dosage_note_district() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO ${s}.dosage_districts (district_id) VALUES (NEW.district_id) ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER ref_districts_note_dosage AFTER INSERT ON ${s}.ref_districts
      FOR EACH ROW EXECUTE FUNCTION ${s}.dosage_note_district()`);
    // Backfill: the owner is filtered by forced RLS too, so lift the force for this one statement.
    await q.query(`ALTER TABLE ${s}.ref_districts NO FORCE ROW LEVEL SECURITY`);
    await q.query(
      `INSERT INTO ${s}.dosage_districts (district_id) SELECT district_id FROM ${s}.ref_districts ON CONFLICT DO NOTHING`,
    );
    await q.query(`ALTER TABLE ${s}.ref_districts FORCE ROW LEVEL SECURITY`);

    await q.query(`
      CREATE TABLE ${s}.dosage_week_closures (
        district_id uuid NOT NULL,
        iso_week text NOT NULL,
        closed_at timestamptz NOT NULL,
        students_judged integer NOT NULL,
        below_target integer NOT NULL,
        PRIMARY KEY (district_id, iso_week)
      )`);
    await q.query(`
      CREATE TABLE ${s}.dosage_week_judgements (
        district_id uuid NOT NULL,
        student_id uuid NOT NULL,
        iso_week text NOT NULL,
        school_id uuid NULL,
        program_id uuid NULL,
        attended_minutes integer NOT NULL,
        counted_sessions integer NOT NULL,
        target_minutes integer NOT NULL,
        target_sessions integer NOT NULL,
        below boolean NOT NULL,
        consecutive_weeks integer NOT NULL,
        event_id uuid NULL UNIQUE,
        judged_at timestamptz NOT NULL,
        PRIMARY KEY (district_id, student_id, iso_week)
      )`);
    await q.query(`CREATE INDEX ref_occurrences_students ON ${s}.ref_occurrences USING gin (student_ids)`);
    await isolateTenantTable(q, s, 'dosage_week_closures');
    await isolateTenantTable(q, s, 'dosage_week_judgements');
  }

  async down(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`DROP INDEX ${s}.ref_occurrences_students`);
    await q.query(`DROP TABLE ${s}.dosage_week_judgements, ${s}.dosage_week_closures`);
    await q.query(`DROP TRIGGER ref_districts_note_dosage ON ${s}.ref_districts`);
    await q.query(`DROP FUNCTION ${s}.dosage_note_district`);
    await q.query(`DROP TABLE ${s}.dosage_districts`);
  }
}
