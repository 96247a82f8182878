import { MigrationInterface, QueryRunner } from 'typeorm';
import { isolateTenantTable, migrationSchema } from '@tutoring/shared/persistence';

/** The two physical slots every read-model table has: one serves reads, the other is rebuilt (blue/green). */
export const PROJECTION_SLOTS = ['a', 'b'] as const;
export type ProjectionSlot = (typeof PROJECTION_SLOTS)[number];

const slotTables = (s: string, slot: ProjectionSlot): string[] => [
  `CREATE TABLE ${s}.proj_sessions_${slot} (
     district_id uuid NOT NULL,
     vendor_id uuid NOT NULL,
     session_id text NOT NULL,
     local_date date NOT NULL,
     iso_week text NOT NULL,
     period text NOT NULL,
     tutor_id uuid NULL,
     group_id uuid NULL,
     group_size integer NOT NULL,
     counted_lines integer NOT NULL,
     counted_minutes integer NOT NULL,
     billable_lines integer NOT NULL,
     exception_lines integer NOT NULL,
     position bigint NOT NULL,
     lines jsonb NOT NULL,
     PRIMARY KEY (district_id, vendor_id, session_id)
   )`,
  `CREATE INDEX proj_sessions_${slot}_week ON ${s}.proj_sessions_${slot} (district_id, iso_week)`,
  `CREATE TABLE ${s}.proj_dosage_weeks_${slot} (
     district_id uuid NOT NULL,
     student_id uuid NOT NULL,
     iso_week text NOT NULL,
     attended_minutes integer NOT NULL,
     counted_sessions integer NOT NULL,
     PRIMARY KEY (district_id, student_id, iso_week)
   )`,
  `CREATE INDEX proj_dosage_weeks_${slot}_week ON ${s}.proj_dosage_weeks_${slot} (district_id, iso_week)`,
  `CREATE TABLE ${s}.proj_student_tutors_${slot} (
     district_id uuid NOT NULL,
     student_id uuid NOT NULL,
     tutor_id uuid NOT NULL,
     counted_sessions integer NOT NULL,
     PRIMARY KEY (district_id, student_id, tutor_id)
   )`,
  `CREATE TABLE ${s}.proj_payment_periods_${slot} (
     district_id uuid NOT NULL,
     vendor_id uuid NOT NULL,
     period text NOT NULL,
     billable_minutes bigint NOT NULL,
     billable_sessions bigint NOT NULL,
     exception_lines bigint NOT NULL,
     exception_minutes bigint NOT NULL,
     PRIMARY KEY (district_id, vendor_id, period)
   )`,
];

/**
 * Dosage and payment read models (ADR 0011). Each table exists twice (slot a and b): the active slot is what the
 * live projector maintains and reads serve; a rebuild replays the ledger from position 0 into the other slot while
 * ingest continues, then flips `proj_slots.active`. Checkpoints are per district and slot, written in the same
 * transaction as the rows. The runtime role cannot create tables, hence slots made here rather than at rebuild.
 */
export class Projections1700000000301 implements MigrationInterface {
  name = 'Projections1700000000301';

  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    for (const slot of PROJECTION_SLOTS) for (const sql of slotTables(s, slot)) await q.query(sql);
    // Which slot serves: metadata, no tenant data.
    await q.query(`
      CREATE TABLE ${s}.proj_slots (
        projection text PRIMARY KEY,
        active text NOT NULL CHECK (active IN ('a', 'b')),
        rebuilding text NULL CHECK (rebuilding IN ('a', 'b')),
        swapped_at timestamptz NULL
      )`);
    await q.query(`INSERT INTO ${s}.proj_slots (projection, active) VALUES ('sessions', 'a')`);
    await q.query(`
      CREATE TABLE ${s}.proj_checkpoints (
        district_id uuid NOT NULL,
        projection text NOT NULL,
        slot text NOT NULL CHECK (slot IN ('a', 'b')),
        transaction_id xid8 NOT NULL,
        position bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (district_id, projection, slot)
      )`);

    // The gap-free reader's order: (transaction_id, position) per district.
    await q.query(
      `CREATE INDEX ledger_entries_district_tx ON ${s}.ledger_entries (district_id, transaction_id, position)`,
    );

    // Districts that have ledger entries: only ids, so the projector can open one tenant transaction per district
    // without reading the ledger across tenants. Filled by a statement trigger on the ledger; only a district's
    // very first transactions can wait on each other here (the row is then committed and merely probed).
    await q.query(`CREATE TABLE ${s}.ledger_districts (district_id uuid PRIMARY KEY)`);
    await q.query(`
      CREATE FUNCTION ${s}.ledger_note_districts() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO ${s}.ledger_districts (district_id)
        SELECT DISTINCT n.district_id FROM new_rows n
         WHERE NOT EXISTS (SELECT 1 FROM ${s}.ledger_districts d WHERE d.district_id = n.district_id)
        ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER ledger_entries_note_districts AFTER INSERT ON ${s}.ledger_entries
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${s}.ledger_note_districts()`);
    // Backfill: the owner is filtered by forced RLS too, so lift the force for this one statement.
    await q.query(`ALTER TABLE ${s}.ledger_entries NO FORCE ROW LEVEL SECURITY`);
    await q.query(
      `INSERT INTO ${s}.ledger_districts SELECT DISTINCT district_id FROM ${s}.ledger_entries ON CONFLICT DO NOTHING`,
    );
    await q.query(`ALTER TABLE ${s}.ledger_entries FORCE ROW LEVEL SECURITY`);

    for (const slot of PROJECTION_SLOTS) {
      for (const t of ['proj_sessions', 'proj_dosage_weeks', 'proj_student_tutors', 'proj_payment_periods']) {
        await isolateTenantTable(q, s, `${t}_${slot}`);
      }
    }
    await isolateTenantTable(q, s, 'proj_checkpoints');
  }

  async down(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`DROP TRIGGER ledger_entries_note_districts ON ${s}.ledger_entries`);
    await q.query(`DROP FUNCTION ${s}.ledger_note_districts`);
    await q.query(`DROP INDEX ${s}.ledger_entries_district_tx`);
    await q.query(`DROP TABLE ${s}.ledger_districts, ${s}.proj_checkpoints, ${s}.proj_slots`);
    for (const slot of PROJECTION_SLOTS) {
      await q.query(
        `DROP TABLE ${s}.proj_sessions_${slot}, ${s}.proj_dosage_weeks_${slot}, ${s}.proj_student_tutors_${slot}, ${s}.proj_payment_periods_${slot}`,
      );
    }
  }
}
