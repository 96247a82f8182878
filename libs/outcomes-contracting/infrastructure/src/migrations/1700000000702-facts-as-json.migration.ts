import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from '@tutoring/shared/persistence';

/**
 * Fact lines are written once and read whole by every statement: `json` keeps the text as written, so reading
 * 300k entries costs no jsonb → text re-serialization (measured by npm run bench:statement).
 */
export class OutcomesFactsAsJson1700000000702 implements MigrationInterface {
  name = 'OutcomesFactsAsJson1700000000702';

  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`ALTER TABLE ${s}.ledger_facts ALTER COLUMN lines TYPE json USING lines::json`);
  }

  async down(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`ALTER TABLE ${s}.ledger_facts ALTER COLUMN lines TYPE jsonb USING lines::jsonb`);
  }
}
