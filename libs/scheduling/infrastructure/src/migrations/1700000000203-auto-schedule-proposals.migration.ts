import { MigrationInterface, QueryRunner } from 'typeorm';
import { isolateTenantTable, migrationSchema } from '@tutoring/shared/persistence';

/**
 * Auto-schedule proposals: what the solver proposed and the facts it was computed on (`basis`, with `version` its
 * digest), so applying it later is one transaction that first checks nothing it relied on has changed.
 */
export class AutoScheduleProposals1700000000203 implements MigrationInterface {
  name = 'AutoScheduleProposals1700000000203';

  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(
      `CREATE TABLE ${s}.auto_schedule_proposals (
         proposal_id uuid PRIMARY KEY, district_id uuid NOT NULL, program_id uuid NOT NULL, school_ids uuid[] NOT NULL,
         horizon_from date NOT NULL, horizon_to date NOT NULL, minutes integer NOT NULL, slot_defaults jsonb NOT NULL,
         groups jsonb NOT NULL, basis jsonb NOT NULL, version text NOT NULL, status text NOT NULL,
         created_by text NOT NULL, created_at timestamptz NOT NULL, applied_at timestamptz NULL,
         applied_group_ids uuid[] NOT NULL DEFAULT '{}')`,
    );
    await isolateTenantTable(q, s, 'auto_schedule_proposals');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ${migrationSchema(q)}.auto_schedule_proposals`);
  }
}
