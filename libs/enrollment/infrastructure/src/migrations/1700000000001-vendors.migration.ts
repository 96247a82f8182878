import { MigrationInterface, QueryRunner } from 'typeorm';
import { messagingTablesSql } from '@tutoring/shared/messaging';
import { migrationSchema } from '@tutoring/shared/persistence';

/** Vendors of a district, plus the outbox and processed-message tables every service has. */
export class Vendors1700000000001 implements MigrationInterface {
  name = 'Vendors1700000000001';

  async up(q: QueryRunner): Promise<void> {
    const schema = migrationSchema(q);
    for (const sql of messagingTablesSql(schema)) await q.query(sql);
    await q.query(`
      CREATE TABLE ${schema}.vendors (
        vendor_id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        name text NOT NULL,
        registered_by text NOT NULL,
        registered_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX vendors_district_name ON ${schema}.vendors (district_id, lower(name))`);
  }

  async down(q: QueryRunner): Promise<void> {
    const schema = migrationSchema(q);
    await q.query(`DROP TABLE ${schema}.vendors`);
  }
}
