// The audit log table of one service schema (DESIGN.md §6: every read of student records is audited, append-only).
// Append-only is enforced by the database twice over: a trigger refuses UPDATE, DELETE and TRUNCATE for every role
// (the owner included), and no role but the owner holds those privileges on the table. Rows are isolated by
// district with the same forced row-level security as every tenant table.
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema, tenantIsolationSql, TENANT_SETTING } from '@tutoring/shared/persistence';

export const AUDIT_TABLE = 'audit_log';

/** Actions an entry can record. Extending it needs a migration that widens the CHECK constraint. */
export const AUDIT_ACTIONS = ['read', 'create', 'update', 'delete', 'erase', 'approve', 'export'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

const IDENT = /^[a-z][a-z0-9_]*$/;

export function auditLogSql(schema: string): string[] {
  if (!IDENT.test(schema)) throw new Error(`unsafe schema name: ${schema}`);
  const t = `${schema}.${AUDIT_TABLE}`;
  const actions = AUDIT_ACTIONS.map((a) => `'${a}'`).join(', ');
  return [
    `CREATE TABLE ${t} (
      id bigserial PRIMARY KEY,
      district_id uuid NOT NULL DEFAULT NULLIF(current_setting('${TENANT_SETTING}', true), '')::uuid,
      at timestamptz NOT NULL DEFAULT clock_timestamp(),
      actor_sub text NOT NULL CHECK (length(actor_sub) BETWEEN 1 AND 256),
      actor_roles text[] NOT NULL,
      action text NOT NULL CHECK (action IN (${actions})),
      resource_type text NOT NULL CHECK (resource_type ~ '^[a-z][a-z0-9_.-]{0,63}$'),
      resource_ids text[] NOT NULL CHECK (cardinality(resource_ids) <= 1000),
      purpose text NOT NULL CHECK (length(purpose) BETWEEN 1 AND 500),
      request_id text CHECK (length(request_id) <= 128),
      trace_id text CHECK (length(trace_id) <= 64)
    )`,
    `CREATE INDEX ${AUDIT_TABLE}_district_id ON ${t} (district_id, id DESC)`,
    `CREATE INDEX ${AUDIT_TABLE}_resource_ids ON ${t} USING gin (resource_ids)`,
    `CREATE FUNCTION ${schema}.audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`,
    `CREATE TRIGGER ${AUDIT_TABLE}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ${t}
      FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.audit_log_is_append_only()`,
    // Default privileges gave the runtime role UPDATE/DELETE on every new table: take them back from everyone but
    // the owner, whatever the roles are called in this installation.
    `DO $$
      DECLARE grantee_name text;
      BEGIN
        FOR grantee_name IN
          SELECT DISTINCT grantee FROM information_schema.role_table_grants
           WHERE table_schema = '${schema}' AND table_name = '${AUDIT_TABLE}'
             AND privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')
             AND grantee <> (SELECT tableowner FROM pg_tables WHERE schemaname = '${schema}' AND tablename = '${AUDIT_TABLE}')
        LOOP
          EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON ${t} FROM %I', grantee_name);
        END LOOP;
      END $$`,
    ...tenantIsolationSql(schema, AUDIT_TABLE),
  ];
}

/**
 * The audit log as a TypeORM migration of a service. `name` must end in a timestamp that orders it among the
 * service's migrations, e.g. `EnrollmentAuditLog1700000000050`.
 */
export function auditLogMigration(name: string): new () => MigrationInterface {
  return class AuditLogMigration implements MigrationInterface {
    name = name;

    async up(q: QueryRunner): Promise<void> {
      for (const sql of auditLogSql(migrationSchema(q))) await q.query(sql);
    }

    async down(q: QueryRunner): Promise<void> {
      const schema = migrationSchema(q);
      await q.query(`DROP TABLE ${schema}.${AUDIT_TABLE}`);
      await q.query(`DROP FUNCTION ${schema}.audit_log_is_append_only`);
    }
  };
}
