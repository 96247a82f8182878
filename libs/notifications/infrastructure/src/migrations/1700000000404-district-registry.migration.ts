import { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from '@tutoring/shared/persistence';

/**
 * Undoes 403's renaming: the registry of districts the sweep and dispatcher visit is named for what it is
 * (`tenants`, column `district_id`). It holds district ids only; the tenant-isolation meta-test recognises such a
 * district registry by its columns instead of the column being renamed out of the test's sight.
 */
export class NotificationsDistrictRegistry1700000000404 implements MigrationInterface {
  name = 'NotificationsDistrictRegistry1700000000404';

  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`ALTER TABLE ${s}.tenant_registry RENAME COLUMN tenant TO district_id`);
    await q.query(`ALTER TABLE ${s}.tenant_registry RENAME TO tenants`);
  }

  async down(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`ALTER TABLE ${s}.tenants RENAME TO tenant_registry`);
    await q.query(`ALTER TABLE ${s}.tenant_registry RENAME COLUMN district_id TO tenant`);
  }
}
