// Row-level security for tenant tables (DESIGN.md §6). Every table with a district_id column gets RLS enabled
// AND forced (so even the table owner is filtered), with one policy comparing district_id to the transaction's
// tenant setting. Runtime roles have no BYPASSRLS; the tenant is set per transaction with SET LOCAL semantics
// (set_config(..., true)), so a pooled connection never carries one request's tenant into the next.
import type { EntityManager, QueryRunner } from 'typeorm';
import type { DataSource } from 'typeorm';

/** The transaction-local setting that carries the tenant. */
export const TENANT_SETTING = 'tutoring.district_id';
export const TENANT_POLICY = 'tenant_isolation';

const quoteIdent = (name: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe SQL identifier: ${name}`);
  return `"${name}"`;
};

/**
 * DDL that isolates `schema.table` by district_id. Idempotent (drops and recreates the policy), for migrations.
 * Without a tenant set, `current_setting(..., true)` is NULL and no row is visible or writable.
 */
export const tenantIsolationSql = (schema: string, table: string): string[] => {
  const qualified = `${quoteIdent(schema)}.${quoteIdent(table)}`;
  const tenant = `NULLIF(current_setting('${TENANT_SETTING}', true), '')::uuid`;
  return [
    `ALTER TABLE ${qualified} ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE ${qualified} FORCE ROW LEVEL SECURITY`,
    `DROP POLICY IF EXISTS ${TENANT_POLICY} ON ${qualified}`,
    `CREATE POLICY ${TENANT_POLICY} ON ${qualified} USING (district_id = ${tenant}) WITH CHECK (district_id = ${tenant})`,
  ];
};

/** Runs the statements of tenantIsolationSql in a migration. */
export const isolateTenantTable = async (q: QueryRunner, schema: string, table: string): Promise<void> => {
  for (const sql of tenantIsolationSql(schema, table)) await q.query(sql);
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Sets the tenant for the rest of the current transaction (must run inside one). */
export const setTenant = async (manager: EntityManager | QueryRunner, districtId: string): Promise<void> => {
  if (!UUID.test(districtId)) throw new Error('districtId must be a lowercase UUID');
  await manager.query(`SELECT set_config('${TENANT_SETTING}', $1, true)`, [districtId]);
};

/** One transaction scoped to one district: every statement in `work` sees only that district's rows. */
export const inTenantTransaction = <T>(
  dataSource: DataSource,
  districtId: string,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> =>
  dataSource.transaction(async (manager) => {
    await setTenant(manager, districtId);
    return work(manager);
  });
