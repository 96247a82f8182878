import { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from '@tutoring/shared/persistence';

/**
 * Where the live consumer's history ends: the input partitions' end offsets when this service first started.
 * Kafka positions only, no tenant data (so no district_id and no RLS).
 */
export class NotificationsLiveStart1700000000402 implements MigrationInterface {
  name = 'NotificationsLiveStart1700000000402';

  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`CREATE TABLE ${s}.live_start_offsets (topic text NOT NULL, partition integer NOT NULL, start_offset bigint NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (topic, partition))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ${migrationSchema(q)}.live_start_offsets`);
  }
}
