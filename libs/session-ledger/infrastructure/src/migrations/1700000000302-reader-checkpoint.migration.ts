import { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from '@tutoring/shared/persistence';

/**
 * Checkpoints that do not wait for unrelated long transactions: besides the horizon (`transaction_id`, below which
 * every writer has finished) they keep the transactions above it already consumed, and where a size-limited batch
 * stopped inside one transaction (see LedgerReader).
 */
export class ReaderCheckpoint1700000000302 implements MigrationInterface {
  name = 'ReaderCheckpoint1700000000302';

  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`
      ALTER TABLE ${s}.proj_checkpoints
        ADD COLUMN done xid8[] NOT NULL DEFAULT '{}',
        ADD COLUMN partial_transaction_id xid8 NULL,
        ADD COLUMN partial_position bigint NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(
      `ALTER TABLE ${s}.proj_checkpoints DROP COLUMN done, DROP COLUMN partial_transaction_id, DROP COLUMN partial_position`,
    );
  }
}
