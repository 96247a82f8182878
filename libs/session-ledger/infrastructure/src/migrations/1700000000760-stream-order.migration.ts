import { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from '@tutoring/shared/persistence';

/**
 * Every follower of the ledger (projector, ledger publisher, dosage warnings, a rebuild) reads it in (writer's
 * transaction id, position) order, the order that never skips a late commit. For that order to be each stream's
 * version order too, a stream's next version must be written by a transaction no older than the one that wrote its
 * previous version. Ingest reads the stream heads before its transaction's first write, so its transaction id comes
 * after every version it saw committed (ADR 0025); this trigger makes the database itself refuse any writer that
 * breaks the rule, with a serialization failure that the writer retries in a new transaction. Only rows with a
 * previous version pay for the check (one probe of the (stream_id, stream_version) key).
 */
export class LedgerStreamOrder1700000000760 implements MigrationInterface {
  name = 'LedgerStreamOrder1700000000760';

  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`
      CREATE FUNCTION ${s}.ledger_stream_in_transaction_order() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        previous xid8;
      BEGIN
        SELECT l.transaction_id INTO previous FROM ${s}.ledger_entries l
         WHERE l.stream_id = NEW.stream_id AND l.stream_version = NEW.stream_version - 1;
        IF previous > pg_current_xact_id() THEN
          RAISE EXCEPTION 'version % of stream % comes from a transaction older than the one that wrote version %',
            NEW.stream_version, NEW.stream_id, NEW.stream_version - 1
            USING ERRCODE = 'serialization_failure';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER ledger_entries_stream_order BEFORE INSERT ON ${s}.ledger_entries
      FOR EACH ROW WHEN (NEW.stream_version > 1) EXECUTE FUNCTION ${s}.ledger_stream_in_transaction_order()`);
  }

  async down(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`DROP TRIGGER ledger_entries_stream_order ON ${s}.ledger_entries`);
    await q.query(`DROP FUNCTION ${s}.ledger_stream_in_transaction_order`);
  }
}
