import type { MigrationInterface, QueryRunner } from 'typeorm';
import { auditLogMigration } from '@tutoring/shared/audit';
import { messagingTablesSql } from '@tutoring/shared/messaging';
import { isolateTenantTable, migrationSchema } from '@tutoring/shared/persistence';
import { messagingTablesMigration } from '@tutoring/shared/runtime';
import { OutcomesFactsAsJson1700000000702 } from './1700000000702-facts-as-json.migration';
import { OutcomesFactsAsOfSnapshot1700000000704 } from './1700000000704-facts-as-of-snapshot.migration';

const TENANT_TABLES = [
  'contracts',
  'contract_versions',
  'ledger_facts',
  'assessments',
  'occurrences',
  'statements',
  'disputes',
];

/**
 * Contracts and their rate card versions, the local payment fact table (one row per ledger position), the
 * assessment and schedule facts the settlement needs, statements and dispute versions. Every table carries
 * district_id under forced row-level security. Versions, facts, statements and disputes are append-only; a
 * statement row may change once, from issued to approved, and its body never.
 */
export class OutcomesContracting1700000000701 implements MigrationInterface {
  name = 'OutcomesContracting1700000000701';

  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    for (const sql of messagingTablesSql(s)) await q.query(sql);
    await q.query(`
      CREATE TABLE ${s}.contracts (
        contract_id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        vendor_id uuid NOT NULL,
        name text NOT NULL,
        start_date date NOT NULL,
        end_date date NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX contracts_vendor ON ${s}.contracts (district_id, vendor_id)`);
    await q.query(`
      CREATE TABLE ${s}.contract_versions (
        contract_id uuid NOT NULL REFERENCES ${s}.contracts (contract_id),
        version integer NOT NULL,
        district_id uuid NOT NULL,
        effective_from date NOT NULL,
        rate_card jsonb NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (contract_id, version)
      )`);
    await q.query(`
      CREATE TABLE ${s}.ledger_facts (
        district_id uuid NOT NULL,
        ledger_position bigint NOT NULL,
        vendor_id uuid NOT NULL,
        session_id text NOT NULL,
        kind text NOT NULL,
        local_date date NULL,
        scheduled_session_id uuid NULL,
        lines jsonb NOT NULL,
        PRIMARY KEY (district_id, ledger_position)
      )`);
    await q.query(`CREATE INDEX ledger_facts_vendor ON ${s}.ledger_facts (district_id, vendor_id, ledger_position)`);
    await q.query(`
      CREATE TABLE ${s}.assessments (
        district_id uuid NOT NULL,
        student_id uuid NOT NULL,
        school_year text NOT NULL,
        test_window text NOT NULL,
        subject text NOT NULL,
        assessment_id uuid NOT NULL,
        scale_score numeric NOT NULL,
        percentile numeric NOT NULL,
        growth_percentile numeric NULL,
        PRIMARY KEY (district_id, student_id, school_year, test_window, subject)
      )`);
    await q.query(`
      CREATE TABLE ${s}.occurrences (
        district_id uuid NOT NULL,
        occurrence_id uuid NOT NULL,
        vendor_id uuid NOT NULL,
        occurrence_date date NOT NULL,
        student_ids uuid[] NOT NULL,
        cancelled jsonb NOT NULL DEFAULT '[]'::jsonb,
        PRIMARY KEY (district_id, occurrence_id)
      )`);
    await q.query(`CREATE INDEX occurrences_vendor ON ${s}.occurrences (district_id, vendor_id, occurrence_date)`);
    await q.query(`
      CREATE TABLE ${s}.statements (
        statement_id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        contract_id uuid NOT NULL REFERENCES ${s}.contracts (contract_id),
        vendor_id uuid NOT NULL,
        kind text NOT NULL,
        label text NOT NULL,
        period_start date NOT NULL,
        period_end date NOT NULL,
        ledger_position bigint NOT NULL,
        total_cents bigint NOT NULL,
        body json NOT NULL, -- json, not jsonb: the exact bytes issued are kept (recomputation is compared byte for byte)
        status text NOT NULL CHECK (status IN ('issued', 'approved')),
        issued_by text NOT NULL,
        issued_at timestamptz NOT NULL,
        approved_by text NULL,
        approved_at timestamptz NULL,
        UNIQUE (contract_id, kind, label)
      )`);
    await q.query(`CREATE INDEX statements_vendor ON ${s}.statements (district_id, vendor_id, issued_at)`);
    // An issued statement never changes: the only update allowed is issued → approved, body untouched.
    await q.query(`
      CREATE FUNCTION ${s}.statements_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'statements are never deleted' USING ERRCODE = 'check_violation'; END IF;
        IF OLD.status = 'approved' THEN RAISE EXCEPTION 'an approved statement never changes' USING ERRCODE = 'check_violation'; END IF;
        IF NEW.body::text IS DISTINCT FROM OLD.body::text OR NEW.total_cents <> OLD.total_cents OR NEW.ledger_position <> OLD.ledger_position
           OR NEW.issued_by <> OLD.issued_by OR NEW.status <> 'approved' THEN
          RAISE EXCEPTION 'an issued statement changes only by its approval' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(
      `CREATE TRIGGER statements_immutable BEFORE UPDATE OR DELETE ON ${s}.statements FOR EACH ROW EXECUTE FUNCTION ${s}.statements_immutable()`,
    );
    await q.query(`
      CREATE TABLE ${s}.disputes (
        district_id uuid NOT NULL,
        dispute_id uuid NOT NULL,
        version integer NOT NULL,
        statement_id uuid NOT NULL REFERENCES ${s}.statements (statement_id),
        contract_id uuid NOT NULL,
        vendor_id uuid NOT NULL,
        line_index integer NOT NULL,
        status text NOT NULL CHECK (status IN ('open', 'upheld', 'rejected')),
        amount_cents bigint NOT NULL,
        note text NOT NULL,
        actor text NOT NULL,
        at timestamptz NOT NULL,
        PRIMARY KEY (dispute_id, version)
      )`);
    await q.query(`CREATE INDEX disputes_statement ON ${s}.disputes (district_id, statement_id)`);
    for (const table of TENANT_TABLES) await isolateTenantTable(q, s, table);
  }

  async down(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(
      `DROP TABLE ${s}.disputes, ${s}.statements, ${s}.occurrences, ${s}.assessments, ${s}.ledger_facts, ${s}.contract_versions, ${s}.contracts`,
    );
    await q.query(`DROP FUNCTION ${s}.statements_immutable()`);
  }
}

/** Everything the outcomes-contracting service applies at start-up, in order (its tests and bench apply the same). */
export const OUTCOMES_CONTRACTING_MIGRATIONS = [
  messagingTablesMigration('OutcomesContractingMessaging1700000000000'),
  OutcomesContracting1700000000701,
  OutcomesFactsAsJson1700000000702,
  // who changed money, when and why (contracts, rate cards, statements, adjustments, disputes): append-only
  auditLogMigration('OutcomesContractingAuditLog1700000000703'),
  // statements read their facts as of one snapshot, so a recomputation reads the same facts (ADR 0028)
  OutcomesFactsAsOfSnapshot1700000000704,
];
