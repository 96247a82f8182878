import { MigrationInterface, QueryRunner } from 'typeorm';
import { isolateTenantTable, migrationSchema } from '@tutoring/shared/persistence';

/** Tables holding a district's data, each isolated by row-level security on district_id. */
export const TENANT_TABLES = [
  'districts',
  'programs',
  'students',
  'enrolments',
  'occurrences',
  'sessions',
  'district_settings',
  'recipients',
  'recipient_roles',
  'notifications',
  'deliveries',
  'rebuilds',
] as const;

/** Read models rebuilt from the event topics; everything else is configuration or the delivery log. */
export const READ_MODEL_TABLES = [
  'districts',
  'programs',
  'students',
  'enrolments',
  'occurrences',
  'sessions',
] as const;

/**
 * Notifications' own tables. One table carries no tenant data and has no RLS: `tenants` (a district registry: the
 * district ids seen, so the background sweep and dispatcher know which districts to visit, each then inside its own tenant transaction).
 */
export class Notifications1700000000401 implements MigrationInterface {
  name = 'Notifications1700000000401';

  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    const statements = [
      `CREATE TABLE ${s}.tenants (district_id uuid PRIMARY KEY, first_seen_at timestamptz NOT NULL DEFAULT now())`,
      `CREATE TABLE ${s}.rebuilds (rebuild_id uuid PRIMARY KEY, district_id uuid NOT NULL, started_at timestamptz NOT NULL,
        finished_at timestamptz NULL, watermarks jsonb NOT NULL, replayed integer NOT NULL DEFAULT 0)`,
      // ── read models (rebuildable) ──
      `CREATE TABLE ${s}.districts (district_id uuid PRIMARY KEY, time_zone text NOT NULL)`,
      `CREATE TABLE ${s}.programs (program_id uuid PRIMARY KEY, district_id uuid NOT NULL, name text NOT NULL)`,
      `CREATE TABLE ${s}.students (student_id uuid PRIMARY KEY, district_id uuid NOT NULL, school_id uuid NOT NULL, active boolean NOT NULL)`,
      `CREATE TABLE ${s}.enrolments (enrolment_id uuid PRIMARY KEY, district_id uuid NOT NULL, student_id uuid NOT NULL,
        school_id uuid NOT NULL, program_id uuid NOT NULL, vendor_id uuid NULL, status text NOT NULL,
        language text NOT NULL, channel text NOT NULL, changed_at timestamptz NOT NULL)`,
      `CREATE INDEX enrolments_student ON ${s}.enrolments (district_id, student_id)`,
      `CREATE TABLE ${s}.occurrences (occurrence_id uuid PRIMARY KEY, district_id uuid NOT NULL, vendor_id uuid NOT NULL,
        group_id uuid NOT NULL, program_id uuid NULL, school_id uuid NULL, local_date date NOT NULL,
        starts_at timestamptz NOT NULL, ends_at timestamptz NOT NULL, cancelled boolean NOT NULL DEFAULT false)`,
      `CREATE INDEX occurrences_open ON ${s}.occurrences (district_id, ends_at) WHERE NOT cancelled`,
      `CREATE TABLE ${s}.sessions (district_id uuid NOT NULL, vendor_id uuid NOT NULL, session_id text NOT NULL,
        kind text NOT NULL, ledger_position bigint NOT NULL, scheduled_session_id uuid NULL, local_date date NULL,
        lines jsonb NOT NULL, notes jsonb NOT NULL, PRIMARY KEY (vendor_id, session_id))`,
      `CREATE INDEX sessions_week ON ${s}.sessions (district_id, local_date)`,
      `CREATE INDEX sessions_scheduled ON ${s}.sessions (scheduled_session_id) WHERE kind <> 'voided'`,
      // ── configuration: rules, recipient directory (addresses live only here), preferences ──
      `CREATE TABLE ${s}.district_settings (district_id uuid PRIMARY KEY, settings jsonb NOT NULL, updated_by text NOT NULL,
        updated_at timestamptz NOT NULL)`,
      `CREATE TABLE ${s}.recipients (district_id uuid NOT NULL, recipient_id text NOT NULL, channel text NOT NULL,
        address text NOT NULL, language text NULL, time_zone text NULL, opted_out_rules text[] NOT NULL DEFAULT '{}',
        updated_at timestamptz NOT NULL, PRIMARY KEY (district_id, recipient_id, channel),
        CHECK (channel IN ('email', 'sms', 'webhook', 'inbox')))`,
      `CREATE TABLE ${s}.recipient_roles (district_id uuid NOT NULL, role text NOT NULL, scope_key text NOT NULL,
        recipient_id text NOT NULL, PRIMARY KEY (district_id, role, scope_key, recipient_id))`,
      // ── decisions and the delivery queue ──
      `CREATE TABLE ${s}.notifications (notification_id uuid PRIMARY KEY, district_id uuid NOT NULL, rule text NOT NULL,
        source_key text NOT NULL, recipient_id text NOT NULL, channel text NOT NULL, language text NOT NULL,
        payload jsonb NOT NULL, status text NOT NULL, reason text NULL, not_before timestamptz NOT NULL,
        delivery_id uuid NULL, created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT notifications_once UNIQUE (district_id, rule, source_key, recipient_id, channel),
        CHECK (status IN ('pending', 'batched', 'suppressed')))`,
      `CREATE INDEX notifications_due ON ${s}.notifications (district_id, not_before) WHERE status = 'pending'`,
      `CREATE TABLE ${s}.deliveries (delivery_id uuid PRIMARY KEY, district_id uuid NOT NULL, recipient_id text NOT NULL,
        channel text NOT NULL, address text NOT NULL, language text NOT NULL, subject text NOT NULL, body text NOT NULL,
        notification_ids uuid[] NOT NULL, status text NOT NULL, attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL, lease_until timestamptz NULL, last_error text NULL,
        created_at timestamptz NOT NULL, sent_at timestamptz NULL,
        CHECK (status IN ('pending', 'sending', 'sent', 'dead', 'suppressed')))`,
      `CREATE INDEX deliveries_due ON ${s}.deliveries (district_id, next_attempt_at) WHERE status IN ('pending', 'sending')`,
      `CREATE INDEX deliveries_inbox ON ${s}.deliveries (district_id, recipient_id, created_at) WHERE channel = 'inbox'`,
    ];
    for (const sql of statements) await q.query(sql);
    for (const table of TENANT_TABLES) await isolateTenantTable(q, s, table);
  }

  async down(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`DROP TABLE ${['tenants', ...TENANT_TABLES].map((t) => `${s}.${t}`).join(', ')}`);
  }
}
