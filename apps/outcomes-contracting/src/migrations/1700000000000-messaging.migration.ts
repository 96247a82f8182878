import { MigrationInterface, QueryRunner } from 'typeorm';
import { messagingTablesSql } from '@tutoring/shared/messaging';
import { migrationSchema } from '@tutoring/shared/persistence';

/** The outbox and processed-message tables; the context's own tables come with its first feature. */
export class OutcomesContractingMessaging1700000000000 implements MigrationInterface {
  name = 'OutcomesContractingMessaging1700000000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of messagingTablesSql(migrationSchema(q))) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    const schema = migrationSchema(q);
    await q.query(`DROP TABLE ${schema}.outbox, ${schema}.processed_messages`);
  }
}
