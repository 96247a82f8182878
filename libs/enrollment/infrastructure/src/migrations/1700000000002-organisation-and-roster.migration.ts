import type { MigrationInterface, QueryRunner } from 'typeorm';
import { isolateTenantTable, migrationSchema } from '@tutoring/shared/persistence';

/**
 * Districts, schools and calendars, programs, the OneRoster mirror and students (PII encrypted per student).
 * Every table carries district_id under forced row-level security; the existing vendors table is retrofitted.
 */
export class OrganisationAndRoster1700000000002 implements MigrationInterface {
  name = 'OrganisationAndRoster1700000000002';

  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    const tables: [string, string][] = [
      ['districts', `district_id uuid PRIMARY KEY, time_zone text NOT NULL, updated_at timestamptz NOT NULL`],
      [
        'schools',
        `school_id uuid PRIMARY KEY, district_id uuid NOT NULL, sourced_id text, name text NOT NULL,
         active boolean NOT NULL DEFAULT true, UNIQUE (district_id, sourced_id)`,
      ],
      [
        'school_calendars',
        `district_id uuid NOT NULL, school_id uuid NOT NULL REFERENCES ${s}.schools (school_id), school_year text NOT NULL,
         instructional_days jsonb NOT NULL, early_release_days jsonb NOT NULL, updated_at timestamptz NOT NULL,
         PRIMARY KEY (school_id, school_year)`,
      ],
      [
        'programs',
        `program_id uuid PRIMARY KEY, district_id uuid NOT NULL, snapshot jsonb NOT NULL, updated_at timestamptz NOT NULL`,
      ],
      [
        'roster_records',
        `district_id uuid NOT NULL, kind text NOT NULL, sourced_id text NOT NULL, hash text NOT NULL, data jsonb NOT NULL,
         PRIMARY KEY (district_id, kind, sourced_id)`,
      ],
      [
        'students',
        `student_id uuid PRIMARY KEY, district_id uuid NOT NULL, sourced_id text, school_id uuid NOT NULL,
         grade text NOT NULL, economically_disadvantaged boolean NOT NULL DEFAULT false,
         multilingual_learner boolean NOT NULL DEFAULT false, iep boolean NOT NULL DEFAULT false,
         active boolean NOT NULL, users_hash text, demographics_hash text, pii bytea, demographics_pii bytea,
         local_number_index text, erased_at timestamptz, erased_index text, updated_at timestamptz NOT NULL,
         UNIQUE (district_id, sourced_id)`,
      ],
      [
        'student_keys',
        `student_id uuid PRIMARY KEY, district_id uuid NOT NULL, wrapped_key bytea NOT NULL, key_id text NOT NULL`,
      ],
    ];
    for (const [table, columns] of tables) {
      await q.query(`CREATE TABLE ${s}.${table} (${columns})`);
      await isolateTenantTable(q, s, table);
    }
    await q.query(`CREATE INDEX students_local_number ON ${s}.students (district_id, local_number_index)`);
    await q.query(`CREATE INDEX students_school ON ${s}.students (district_id, school_id, grade)`);
    await q.query(`CREATE INDEX programs_district ON ${s}.programs (district_id)`);
    await isolateTenantTable(q, s, 'vendors');
  }

  async down(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(
      `DROP TABLE ${s}.student_keys, ${s}.students, ${s}.roster_records, ${s}.programs, ${s}.school_calendars, ${s}.schools, ${s}.districts`,
    );
  }
}
