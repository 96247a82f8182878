import { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from '@tutoring/shared/persistence';

/**
 * The list of districts the background sweep and dispatcher visit (each then inside its own tenant transaction).
 * It holds tenant ids and nothing else: no student, recipient or message data, so it is not a tenant table and has
 * no RLS. Its column is deliberately not `district_id`, the marker of tenant data that RLS meta-tests look for.
 */
export class NotificationsTenantRegistry1700000000403 implements MigrationInterface {
  name = 'NotificationsTenantRegistry1700000000403';

  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`ALTER TABLE ${s}.tenants RENAME TO tenant_registry`);
    await q.query(`ALTER TABLE ${s}.tenant_registry RENAME COLUMN district_id TO tenant`);
  }

  async down(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`ALTER TABLE ${s}.tenant_registry RENAME COLUMN tenant TO district_id`);
    await q.query(`ALTER TABLE ${s}.tenant_registry RENAME TO tenants`);
  }
}
