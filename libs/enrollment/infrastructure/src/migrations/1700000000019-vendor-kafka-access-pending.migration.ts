import { MigrationInterface, QueryRunner } from 'typeorm';
import { VENDOR_ACCESS_PENDING_TABLE, vendorAccessPendingSql } from '@tutoring/shared/messaging';
import { migrationSchema } from '@tutoring/shared/persistence';

/** Vendor Kafka grants owed since registration and not yet applied on the broker (ADR 0019): vendor ids only. */
export class VendorKafkaAccessPending1700000000019 implements MigrationInterface {
  name = 'VendorKafkaAccessPending1700000000019';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of vendorAccessPendingSql(migrationSchema(q))) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ${migrationSchema(q)}.${VENDOR_ACCESS_PENDING_TABLE}`);
  }
}
