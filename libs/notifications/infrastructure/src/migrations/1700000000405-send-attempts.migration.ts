import { MigrationInterface, QueryRunner } from 'typeorm';
import { isolateTenantTable, migrationSchema } from '@tutoring/shared/persistence';

/**
 * Each send attempt is recorded (committed with the claim, before anything leaves the process), with the Message-ID
 * fixed at the first attempt on the delivery itself. An attempt still open when the next claim takes the delivery
 * was interrupted (the process died mid-send, possibly after the server's 250): the resend is known and carries the
 * recorded Message-ID, whatever NOTIFICATIONS_MESSAGE_ID_DOMAIN says by then. Attempt numbers here only grow (an
 * admin's requeue resets the delivery's retry count, not this history); a claim given back at shutdown is removed.
 */
export class NotificationsSendAttempts1700000000405 implements MigrationInterface {
  name = 'NotificationsSendAttempts1700000000405';

  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`ALTER TABLE ${s}.deliveries ADD COLUMN message_id text NULL`);
    await q.query(
      `CREATE TABLE ${s}.delivery_attempts (district_id uuid NOT NULL, delivery_id uuid NOT NULL, attempt integer NOT NULL,
        message_id text NULL, started_at timestamptz NOT NULL, finished_at timestamptz NULL, outcome text NULL,
        PRIMARY KEY (delivery_id, attempt),
        CHECK (outcome IN ('accepted', 'failed', 'interrupted')))`,
    );
    await isolateTenantTable(q, s, 'delivery_attempts');
  }

  async down(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`DROP TABLE ${s}.delivery_attempts`);
    await q.query(`ALTER TABLE ${s}.deliveries DROP COLUMN message_id`);
  }
}
