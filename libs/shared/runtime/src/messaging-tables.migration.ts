import type { MigrationInterface, QueryRunner } from 'typeorm';
import { messagingTablesSql } from '@tutoring/shared/messaging';
import { migrationSchema } from '@tutoring/shared/persistence';

/**
 * The outbox and processed-message tables as a service's first migration, for a context whose own tables come
 * later. `name` must end in a timestamp (TypeORM orders migrations by it), e.g. `SchedulingMessaging1700000000000`.
 */
export function messagingTablesMigration(name: string): new () => MigrationInterface {
  return class MessagingTablesMigration implements MigrationInterface {
    name = name;

    async up(q: QueryRunner): Promise<void> {
      for (const sql of messagingTablesSql(migrationSchema(q))) await q.query(sql);
    }

    async down(q: QueryRunner): Promise<void> {
      const schema = migrationSchema(q);
      await q.query(`DROP TABLE ${schema}.outbox, ${schema}.processed_messages`);
    }
  };
}
