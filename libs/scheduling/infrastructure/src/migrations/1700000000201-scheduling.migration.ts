import { MigrationInterface, QueryRunner } from 'typeorm';
import { messagingTablesSql } from '@tutoring/shared/messaging';
import { isolateTenantTable, migrationSchema } from '@tutoring/shared/persistence';

/**
 * Scheduling's tables. Reference tables are local copies of enrollment's events (last snapshot wins); the rest is
 * scheduling's own state. Every table carries district_id under forced row-level security.
 */
export class Scheduling1700000000201 implements MigrationInterface {
  name = 'Scheduling1700000000201';

  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    for (const sql of messagingTablesSql(s)) await q.query(sql);
    const tables: [string, string][] = [
      ['districts', `district_id uuid PRIMARY KEY, time_zone text NOT NULL`],
      [
        'school_calendars',
        `district_id uuid NOT NULL, school_id uuid NOT NULL, school_year text NOT NULL,
         instructional_days date[] NOT NULL, early_release_days date[] NOT NULL, PRIMARY KEY (school_id, school_year)`,
      ],
      ['programs', `program_id uuid PRIMARY KEY, district_id uuid NOT NULL, rules jsonb NOT NULL`],
      [
        'students',
        `student_id uuid PRIMARY KEY, district_id uuid NOT NULL, school_id uuid NOT NULL, grade text NOT NULL, active boolean NOT NULL`,
      ],
      [
        'enrolments',
        `enrolment_id uuid PRIMARY KEY, district_id uuid NOT NULL, student_id uuid NOT NULL, school_id uuid NOT NULL,
         program_id uuid NOT NULL, vendor_id uuid NULL, status text NOT NULL, consent text NOT NULL,
         start_date date NULL, end_date date NULL`,
      ],
      [
        'tutors',
        `tutor_id uuid PRIMARY KEY, district_id uuid NOT NULL, vendor_id uuid NOT NULL, profile jsonb NOT NULL`,
      ],
      [
        'bell_schedules',
        `school_id uuid PRIMARY KEY, district_id uuid NOT NULL, rotation jsonb NOT NULL, periods jsonb NOT NULL,
         updated_by text NOT NULL, updated_at timestamptz NOT NULL`,
      ],
      [
        'groups',
        `group_id uuid PRIMARY KEY, district_id uuid NOT NULL, program_id uuid NOT NULL, school_id uuid NOT NULL,
         vendor_id uuid NOT NULL, tutor_id uuid NOT NULL, student_ids uuid[] NOT NULL, slots jsonb NOT NULL,
         version integer NOT NULL, status text NOT NULL, reassignments integer NOT NULL DEFAULT 0`,
      ],
      [
        'group_events',
        `id bigserial PRIMARY KEY, district_id uuid NOT NULL, group_id uuid NOT NULL, version integer NOT NULL,
         type text NOT NULL, data jsonb NOT NULL, recorded_at timestamptz NOT NULL, UNIQUE (group_id, version)`,
      ],
      [
        'occurrences',
        `occurrence_id uuid PRIMARY KEY, district_id uuid NOT NULL, group_id uuid NOT NULL, occurrence_key text NOT NULL,
         program_id uuid NOT NULL, school_id uuid NOT NULL, vendor_id uuid NOT NULL, tutor_id uuid NOT NULL,
         student_ids uuid[] NOT NULL, cancelled_student_ids uuid[] NOT NULL DEFAULT '{}', local_date date NOT NULL,
         starts_at text NOT NULL, ends_at text NOT NULL, UNIQUE (group_id, occurrence_key)`,
      ],
      [
        'cancellations',
        `id bigserial PRIMARY KEY, district_id uuid NOT NULL, occurrence_id uuid NOT NULL, reason text NOT NULL,
         accountable text NOT NULL, student_ids uuid[] NOT NULL, note text NULL, cancelled_by text NOT NULL,
         cancelled_at timestamptz NOT NULL`,
      ],
    ];
    for (const [name, columns] of tables) {
      await q.query(`CREATE TABLE ${s}.${name} (${columns})`);
      await isolateTenantTable(q, s, name);
    }
    await q.query(`CREATE INDEX enrolments_program ON ${s}.enrolments (district_id, program_id, school_id)`);
    await q.query(`CREATE INDEX groups_vendor ON ${s}.groups (district_id, vendor_id, group_id)`);
    await q.query(`CREATE INDEX groups_tutor ON ${s}.groups (district_id, tutor_id)`);
    await q.query(`CREATE INDEX occurrences_vendor_date ON ${s}.occurrences (district_id, vendor_id, local_date)`);
    await q.query(`CREATE INDEX occurrences_group_date ON ${s}.occurrences (group_id, local_date)`);
  }

  async down(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    for (const t of [
      'cancellations',
      'occurrences',
      'group_events',
      'groups',
      'bell_schedules',
      'tutors',
      'enrolments',
      'students',
      'programs',
      'school_calendars',
      'districts',
    ])
      await q.query(`DROP TABLE ${s}.${t}`);
  }
}
