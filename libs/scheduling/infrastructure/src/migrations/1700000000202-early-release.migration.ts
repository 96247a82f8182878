import { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from '@tutoring/shared/persistence';

/** Bell schedules may carry the shortened periods a school runs on its early-release days. */
export class EarlyRelease1700000000202 implements MigrationInterface {
  name = 'EarlyRelease1700000000202';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ${migrationSchema(q)}.bell_schedules ADD COLUMN early_release jsonb NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ${migrationSchema(q)}.bell_schedules DROP COLUMN early_release`);
  }
}
