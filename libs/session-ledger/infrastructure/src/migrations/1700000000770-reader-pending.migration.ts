import { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from '@tutoring/shared/persistence';

/**
 * Checkpoints whose horizon follows the snapshot's xmax: the transactions still running below it are kept as
 * `pending` (see LedgerReader), so an open transaction elsewhere no longer makes every read walk over the entries
 * consumed since it began. Existing checkpoints keep their meaning with no pending transaction (their horizon was an
 * xmin, below which every writer had finished).
 */
export class ReaderPending1700000000770 implements MigrationInterface {
  name = 'ReaderPending1700000000770';

  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`ALTER TABLE ${s}.proj_checkpoints ADD COLUMN pending xid8[] NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`ALTER TABLE ${s}.proj_checkpoints DROP COLUMN pending`);
  }
}
