import { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from '@tutoring/shared/persistence';

/**
 * The districts scheduling has heard of, so the background planner can roll every district's horizon (each then in
 * its own tenant transaction). District ids and when first seen, nothing else: a district registry, not tenant data
 * (the tenant-isolation meta-test recognises it by these two columns).
 */
export class SchedulingDistrictRegistry1700000000204 implements MigrationInterface {
  name = 'SchedulingDistrictRegistry1700000000204';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE ${migrationSchema(q)}.district_registry (district_id uuid PRIMARY KEY, first_seen_at timestamptz NOT NULL DEFAULT now())`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ${migrationSchema(q)}.district_registry`);
  }
}
