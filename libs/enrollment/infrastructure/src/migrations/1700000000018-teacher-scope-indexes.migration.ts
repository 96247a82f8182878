import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from '@tutoring/shared/persistence';

/**
 * Teacher scope (ADR 0018): which students a teacher may see is read from the OneRoster mirror (roles and
 * enrollments rows of roster_records) at request time. These partial indexes find a teacher's enrollments and
 * roles by user, and a class's enrollments by class, without scanning the district's mirror.
 */
export class TeacherScopeIndexes1700000000018 implements MigrationInterface {
  name = 'TeacherScopeIndexes1700000000018';

  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(
      `CREATE INDEX roster_by_user ON ${s}.roster_records (district_id, (data->>'userSourcedId'))
        WHERE kind IN ('enrollments', 'roles')`,
    );
    await q.query(
      `CREATE INDEX roster_enrollments_by_class ON ${s}.roster_records (district_id, (data->>'classSourcedId'))
        WHERE kind = 'enrollments'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`DROP INDEX ${s}.roster_enrollments_by_class, ${s}.roster_by_user`);
  }
}
