// What the database says about tenant tables: which relations carry district_id, and how they are protected.
import type { Client } from 'pg';
import { TENANT_SETTING } from '@tutoring/shared/persistence';

export interface TenantRelation {
  schema: string;
  table: string;
  /** r = table, p = partitioned table, m = materialized view, v = view */
  kind: string;
  rlsEnabled: boolean;
  rlsForced: boolean;
  policies: { name: string; permissive: string; cmd: string; qual: string | null; withCheck: string | null }[];
  /** Every column of the relation. */
  columns: string[];
}

/**
 * Columns a district registry may have. A registry lists which districts exist (so a background worker can open one
 * tenant transaction per district) and holds nothing else: no student, session, money or recipient data. It is the
 * one kind of table with district_id that needs no RLS, and it is recognised by its columns, never listed by hand:
 * add any other column and it becomes a tenant table the checks below apply to.
 */
export const DISTRICT_REGISTRY_COLUMNS: readonly string[] = ['district_id', 'first_seen_at'];

export const isDistrictRegistry = (r: TenantRelation): boolean =>
  (r.kind === 'r' || r.kind === 'p') && r.columns.every((c) => DISTRICT_REGISTRY_COLUMNS.includes(c));

/** Every relation in `schemas` with a district_id column, found from the catalogue (nothing hard-coded). */
export async function tenantRelations(client: Client, schemas: string[]): Promise<TenantRelation[]> {
  const { rows } = await client.query<{
    schema: string;
    table: string;
    kind: string;
    rls_enabled: boolean;
    rls_forced: boolean;
  }>(
    `SELECT n.nspname AS schema, c.relname AS table, c.relkind::text AS kind,
            c.relrowsecurity AS rls_enabled, c.relforcerowsecurity AS rls_forced
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE a.attname = 'district_id' AND NOT a.attisdropped AND n.nspname = ANY($1)
        AND c.relkind IN ('r', 'p', 'm', 'v')
      ORDER BY 1, 2`,
    [schemas],
  );
  const { rows: policies } = await client.query<{
    schemaname: string;
    tablename: string;
    policyname: string;
    permissive: string;
    cmd: string;
    qual: string | null;
    with_check: string | null;
  }>(
    `SELECT schemaname, tablename, policyname, permissive, cmd, qual, with_check FROM pg_policies WHERE schemaname = ANY($1)`,
    [schemas],
  );
  const { rows: columns } = await client.query<{ schema: string; table: string; column: string }>(
    `SELECT table_schema AS schema, table_name AS table, column_name AS column
       FROM information_schema.columns WHERE table_schema = ANY($1)`,
    [schemas],
  );
  return rows.map((r) => ({
    columns: columns.filter((c) => c.schema === r.schema && c.table === r.table).map((c) => c.column),
    schema: r.schema,
    table: r.table,
    kind: r.kind,
    rlsEnabled: r.rls_enabled,
    rlsForced: r.rls_forced,
    policies: policies
      .filter((p) => p.schemaname === r.schema && p.tablename === r.table)
      .map((p) => ({
        name: p.policyname,
        permissive: p.permissive,
        cmd: p.cmd,
        qual: p.qual,
        withCheck: p.with_check,
      })),
  }));
}

const tenantBound = (expr: string | null): boolean =>
  expr !== null && expr.includes('district_id') && expr.includes(TENANT_SETTING);

/** Why a tenant relation is not isolated, or [] when it is. */
export function isolationProblems(r: TenantRelation): string[] {
  const name = `${r.schema}.${r.table}`;
  if (r.kind === 'm')
    return [`${name}: a materialized view cannot have row-level security; keep tenant data in tables`];
  if (r.kind === 'v') return []; // views read their tables under the caller's (or the forced owner's) policies
  if (isDistrictRegistry(r)) return []; // district ids only, see DISTRICT_REGISTRY_COLUMNS
  const problems: string[] = [];
  if (!r.rlsEnabled) problems.push(`${name}: row-level security is not enabled`);
  if (!r.rlsForced) problems.push(`${name}: row-level security is not forced (the owner would bypass it)`);
  if (r.policies.length === 0) problems.push(`${name}: no policy`);
  for (const p of r.policies.filter((p) => p.permissive === 'PERMISSIVE')) {
    // A permissive policy that is not bound to the tenant opens every row to every district.
    const readOk = p.cmd === 'INSERT' || tenantBound(p.qual);
    const writeOk = !['ALL', 'INSERT', 'UPDATE'].includes(p.cmd) || tenantBound(p.withCheck ?? p.qual);
    if (!readOk || !writeOk) problems.push(`${name}: policy ${p.name} is not bound to district_id = ${TENANT_SETTING}`);
  }
  return problems;
}
