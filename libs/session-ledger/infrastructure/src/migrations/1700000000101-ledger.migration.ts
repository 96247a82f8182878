import { MigrationInterface, QueryRunner } from 'typeorm';
import { messagingTablesSql } from '@tutoring/shared/messaging';
import { migrationSchema } from '@tutoring/shared/persistence';
import { auditLogMigration } from '@tutoring/shared/audit';
import { ReferenceAndTenancy1700000000201 } from './1700000000201-reference-and-tenancy.migration';
import { Projections1700000000301 } from './1700000000301-projections.migration';
import { ReaderCheckpoint1700000000302 } from './1700000000302-reader-checkpoint.migration';
import { ReaderPending1700000000770 } from './1700000000770-reader-pending.migration';
import { DosageWarnings1700000000701 } from './1700000000701-dosage-warnings.migration';
import { OccurrenceCancellations1700000000750 } from './1700000000750-occurrence-cancellations.migration';
import { LedgerStreamOrder1700000000760 } from './1700000000760-stream-order.migration';

/**
 * The append-only ledger and what ingest needs around it. The ledger refuses UPDATE and DELETE by trigger, so not
 * even a bug in this service (or an operator with its credentials) can rewrite what a vendor claimed.
 */
export class Ledger1700000000101 implements MigrationInterface {
  name = 'Ledger1700000000101';

  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    for (const sql of messagingTablesSql(s)) await q.query(sql);
    await q.query(`
      CREATE TABLE ${s}.known_vendors (
        vendor_id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        name text NOT NULL,
        registered_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE ${s}.ledger_entries (
        position bigserial PRIMARY KEY,
        stream_id text NOT NULL,
        stream_version integer NOT NULL CHECK (stream_version > 0),
        event_id text NOT NULL,
        event_type text NOT NULL,
        schema_version integer NOT NULL,
        district_id uuid NOT NULL,
        vendor_id uuid NOT NULL,
        data jsonb NOT NULL,
        metadata jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (stream_id, stream_version),
        UNIQUE (vendor_id, event_id)
      )`);
    await q.query(`
      CREATE FUNCTION ${s}.ledger_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the ledger is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ${s}.ledger_entries
      FOR EACH STATEMENT EXECUTE FUNCTION ${s}.ledger_is_append_only()`);
    await q.query(`
      CREATE TABLE ${s}.ingest_rejections (
        id bigserial PRIMARY KEY,
        vendor_id uuid,
        district_id uuid,
        channel text NOT NULL,
        source_ref text NOT NULL UNIQUE,
        event_id text,
        session_id text,
        errors jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ingest_rejections_vendor ON ${s}.ingest_rejections (vendor_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`DROP TABLE ${s}.ingest_rejections, ${s}.ledger_entries, ${s}.known_vendors`);
    await q.query(`DROP FUNCTION ${s}.ledger_is_append_only`);
  }
}

/** Every read of student records through the read API is audited (DESIGN.md §6). */
export const SessionLedgerAuditLog1700000000202 = auditLogMigration('SessionLedgerAuditLog1700000000202');

export const SESSION_LEDGER_MIGRATIONS = [
  Ledger1700000000101,
  ReferenceAndTenancy1700000000201,
  SessionLedgerAuditLog1700000000202,
  Projections1700000000301,
  ReaderCheckpoint1700000000302,
  DosageWarnings1700000000701,
  OccurrenceCancellations1700000000750,
  LedgerStreamOrder1700000000760,
  ReaderPending1700000000770,
];
