import { MigrationInterface, QueryRunner } from 'typeorm';
import { isolateTenantTable, migrationSchema } from '@tutoring/shared/persistence';

/**
 * Reference facts for the billable-line rules (fed by enrollment and scheduling events), the verdicts decided at
 * append time, the per-student index of active session intervals (overlap and duplicate rules), and tenant
 * isolation (RLS, forced) on every table that holds district data, the ledger included.
 *
 * Routing data that ingest needs before it knows the tenant lives in tables without tenant data: `vendor_topics`
 * (which vendors have topics: read across districts by the registry) and `unattributed_rejections` (messages that
 * could not be tied to a registered vendor's district: no district, no student data).
 */
export class ReferenceAndTenancy1700000000201 implements MigrationInterface {
  name = 'ReferenceAndTenancy1700000000201';

  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);

    // ── reference tables (one row per entity, last snapshot wins) ────────────────────────────────────────
    await q.query(`CREATE TABLE ${s}.ref_districts (district_id uuid PRIMARY KEY, time_zone text NOT NULL)`);
    await q.query(`
      CREATE TABLE ${s}.ref_school_days (
        district_id uuid NOT NULL,
        school_id uuid NOT NULL,
        day date NOT NULL,
        early_release boolean NOT NULL DEFAULT false,
        PRIMARY KEY (school_id, day)
      )`);
    await q.query(`
      CREATE TABLE ${s}.ref_programs (
        program_id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        subject text NOT NULL,
        max_group_size integer NOT NULL,
        target_sessions_per_week integer NOT NULL,
        target_minutes_per_session integer NOT NULL,
        start_date date NOT NULL,
        end_date date NOT NULL,
        plausible_from time NOT NULL DEFAULT '06:00',
        plausible_to time NOT NULL DEFAULT '20:00',
        vendor_ids uuid[] NOT NULL DEFAULT '{}'
      )`);
    await q.query(`
      CREATE TABLE ${s}.ref_students (
        student_id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        school_id uuid NOT NULL,
        grade text NOT NULL
      )`);
    await q.query(`
      CREATE TABLE ${s}.ref_enrolments (
        enrolment_id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        student_id uuid NOT NULL,
        program_id uuid NOT NULL,
        vendor_id uuid NULL,
        school_id uuid NOT NULL,
        status text NOT NULL,
        consent text NOT NULL,
        start_date date NULL,
        end_date date NULL
      )`);
    await q.query(`CREATE INDEX ref_enrolments_student ON ${s}.ref_enrolments (student_id)`);
    await q.query(`
      CREATE TABLE ${s}.ref_tutors (
        tutor_id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        vendor_id uuid NOT NULL,
        cleared_until date NULL
      )`);
    await q.query(`
      CREATE TABLE ${s}.ref_occurrences (
        occurrence_id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        group_id uuid NOT NULL,
        vendor_id uuid NOT NULL,
        program_id uuid NULL,
        school_id uuid NULL,
        tutor_id uuid NULL,
        date date NULL,
        starts_at timestamptz NULL,
        ends_at timestamptz NULL,
        student_ids uuid[] NOT NULL DEFAULT '{}',
        cancelled_reason text NULL,
        cancelled_accountable text NULL,
        cancelled_student_ids uuid[] NULL
      )`);
    await q.query(`CREATE INDEX ref_occurrences_group_date ON ${s}.ref_occurrences (group_id, date)`);

    // ── verdicts decided at append time (written by the same INSERT: the ledger stays append-only) ───────
    await q.query(`ALTER TABLE ${s}.ledger_entries ADD COLUMN verdicts jsonb NOT NULL DEFAULT '[]'::jsonb`);
    await q.query(`ALTER TABLE ${s}.ledger_entries ADD COLUMN local_date date NULL`);
    // Readers that follow the ledger gate on the writer's transaction id (a late commit never gets skipped).
    await q.query(
      `ALTER TABLE ${s}.ledger_entries ADD COLUMN transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id()`,
    );
    await q.query(`CREATE INDEX ledger_entries_district_position ON ${s}.ledger_entries (district_id, position)`);

    // ── the attended lines of every active session, per student: overlap and duplicate lookups ──────────
    await q.query(`
      CREATE TABLE ${s}.active_session_lines (
        district_id uuid NOT NULL,
        vendor_id uuid NOT NULL,
        session_id text NOT NULL,
        student_id uuid NOT NULL,
        tutor_id uuid NOT NULL,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        PRIMARY KEY (vendor_id, session_id, student_id)
      )`);
    await q.query(`CREATE INDEX active_session_lines_student ON ${s}.active_session_lines (student_id, starts_at)`);
    await q.query(`
      INSERT INTO ${s}.active_session_lines (district_id, vendor_id, session_id, student_id, tutor_id, starts_at, ends_at)
      SELECT e.district_id, e.vendor_id, e.data->>'sessionId', (a->>'studentId')::uuid, (e.data->>'tutorId')::uuid,
             (e.data->>'startedAt')::timestamptz, (e.data->>'endedAt')::timestamptz
        FROM (SELECT DISTINCT ON (stream_id) * FROM ${s}.ledger_entries ORDER BY stream_id, stream_version DESC) e
        CROSS JOIN LATERAL jsonb_array_elements(e.data->'attendance') a
       WHERE e.event_type NOT LIKE '%.voided.%' AND a->>'status' IN ('present', 'late', 'left_early')
      ON CONFLICT DO NOTHING`);

    // ── routing without tenant data ─────────────────────────────────────────────────────────────────────
    await q.query(
      `CREATE TABLE ${s}.vendor_topics (vendor_id uuid PRIMARY KEY, registered_at timestamptz NOT NULL DEFAULT now())`,
    );
    await q.query(
      `INSERT INTO ${s}.vendor_topics (vendor_id, registered_at) SELECT vendor_id, registered_at FROM ${s}.known_vendors`,
    );
    await q.query(`
      CREATE TABLE ${s}.unattributed_rejections (
        id bigserial PRIMARY KEY,
        vendor_id uuid NULL,
        channel text NOT NULL,
        source_ref text NOT NULL UNIQUE,
        event_id text NULL,
        session_id text NULL,
        errors jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      INSERT INTO ${s}.unattributed_rejections (vendor_id, channel, source_ref, event_id, session_id, errors, received_at)
      SELECT vendor_id, channel, source_ref, event_id, session_id, errors, received_at FROM ${s}.ingest_rejections WHERE district_id IS NULL`);
    await q.query(`DELETE FROM ${s}.ingest_rejections WHERE district_id IS NULL`);
    await q.query(`ALTER TABLE ${s}.ingest_rejections ALTER COLUMN district_id SET NOT NULL`);
    await q.query(`ALTER TABLE ${s}.ingest_rejections ADD COLUMN source jsonb NOT NULL DEFAULT '{}'::jsonb`);

    for (const table of [
      'known_vendors',
      'ledger_entries',
      'ingest_rejections',
      'active_session_lines',
      'ref_districts',
      'ref_school_days',
      'ref_programs',
      'ref_students',
      'ref_enrolments',
      'ref_tutors',
      'ref_occurrences',
    ]) {
      await isolateTenantTable(q, s, table);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    for (const table of ['known_vendors', 'ledger_entries', 'ingest_rejections']) {
      await q.query(`DROP POLICY IF EXISTS tenant_isolation ON ${s}.${table}`);
      await q.query(`ALTER TABLE ${s}.${table} NO FORCE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${s}.${table} DISABLE ROW LEVEL SECURITY`);
    }
    await q.query(`ALTER TABLE ${s}.ingest_rejections DROP COLUMN source`);
    await q.query(`ALTER TABLE ${s}.ingest_rejections ALTER COLUMN district_id DROP NOT NULL`);
    await q.query(`DROP TABLE ${s}.unattributed_rejections, ${s}.vendor_topics, ${s}.active_session_lines`);
    await q.query(`DROP INDEX ${s}.ledger_entries_district_position`);
    // Dropping columns of the append-only ledger is DDL, not UPDATE: the trigger does not fire.
    await q.query(
      `ALTER TABLE ${s}.ledger_entries DROP COLUMN transaction_id, DROP COLUMN local_date, DROP COLUMN verdicts`,
    );
    await q.query(
      `DROP TABLE ${s}.ref_occurrences, ${s}.ref_tutors, ${s}.ref_enrolments, ${s}.ref_students, ${s}.ref_programs, ${s}.ref_school_days, ${s}.ref_districts`,
    );
  }
}
