import type { MigrationInterface, QueryRunner } from 'typeorm';
import { isolateTenantTable, migrationSchema } from '@tutoring/shared/persistence';

/** Enrolments (an event stream per enrolment + a snapshot table), tutors and assessment results. */
export class EnrolmentsTutorsAssessments1700000000004 implements MigrationInterface {
  name = 'EnrolmentsTutorsAssessments1700000000004';

  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    const tables: [string, string][] = [
      [
        'enrolment_events',
        `district_id uuid NOT NULL, enrolment_id uuid NOT NULL, version int NOT NULL, type text NOT NULL, data jsonb NOT NULL,
         recorded_at timestamptz NOT NULL, PRIMARY KEY (enrolment_id, version)`,
      ],
      [
        'enrolments',
        `enrolment_id uuid PRIMARY KEY, district_id uuid NOT NULL, student_id uuid NOT NULL, program_id uuid NOT NULL,
         vendor_id uuid, status text NOT NULL, version int NOT NULL, snapshot jsonb NOT NULL, UNIQUE (district_id, student_id, program_id)`,
      ],
      [
        'tutors',
        `tutor_id uuid PRIMARY KEY, district_id uuid NOT NULL, vendor_id uuid NOT NULL, snapshot jsonb NOT NULL, updated_at timestamptz NOT NULL`,
      ],
      [
        'assessments',
        `assessment_id uuid PRIMARY KEY, district_id uuid NOT NULL, student_id uuid NOT NULL, school_year text NOT NULL,
         test_window text NOT NULL, subject text NOT NULL, scale_score int NOT NULL, percentile int NOT NULL,
         growth_percentile int, UNIQUE (district_id, student_id, school_year, test_window, subject)`,
      ],
    ];
    for (const [table, columns] of tables) {
      await q.query(`CREATE TABLE ${s}.${table} (${columns})`);
      await isolateTenantTable(q, s, table);
    }
    // The enrolment event stream is append-only, for every role.
    await q.query(`CREATE FUNCTION ${s}.enrolment_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'enrolment_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege'; END $$`);
    await q.query(`CREATE TRIGGER enrolment_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ${s}.enrolment_events
      FOR EACH STATEMENT EXECUTE FUNCTION ${s}.enrolment_events_append_only()`);
    await q.query(`CREATE INDEX enrolments_program ON ${s}.enrolments (district_id, program_id, status)`);
    await q.query(`CREATE INDEX enrolments_vendor ON ${s}.enrolments (district_id, vendor_id)`);
    await q.query(`CREATE INDEX tutors_vendor ON ${s}.tutors (district_id, vendor_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`DROP TABLE ${s}.assessments, ${s}.tutors, ${s}.enrolments, ${s}.enrolment_events`);
    await q.query(`DROP FUNCTION ${s}.enrolment_events_append_only`);
  }
}
