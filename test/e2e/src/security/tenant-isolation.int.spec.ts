/**
 * Tenant isolation meta-test (DESIGN.md §6, issue 3 acceptance): every service schema is built from the services' own
 * migrations, every relation with a district_id column is discovered from the catalogue, and
 * 1. each must have row-level security enabled AND forced, with permissive policies bound to the tenant setting;
 * 2. a SQL session as the service's runtime role with the tenant set to district A cannot read, insert, update or
 *    delete district B's rows in any of them (rows planted generically per table, see seed-rows.ts).
 * A failure names the table. Nothing is listed by hand: a table added by any migration later is covered.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { TENANT_SETTING, tenantIsolationSql } from '@tutoring/shared/persistence';
import { freshDatabase, type FreshDatabase } from '@tutoring/shared/testing';
import { provisionAllServices, type ProvisionedSchema } from './service-schemas';
import { seedRow } from './seed-rows';
import { isDistrictRegistry, isolationProblems, tenantRelations, type TenantRelation } from './tenant-catalog';

const A = randomUUID();
const B = randomUUID();
const setTenantSql = `SELECT set_config('${TENANT_SETTING}', $1, true)`;

describe('tenant isolation across every service schema (real Postgres, runtime roles)', () => {
  let db: FreshDatabase;
  let admin: Client;
  let schemas: ProvisionedSchema[];
  let relations: TenantRelation[];
  const runtime = new Map<string, Client>();

  beforeAll(async () => {
    db = await freshDatabase('tenant_isolation');
    schemas = await provisionAllServices(db.url);
    admin = new Client({ connectionString: db.url });
    await admin.connect();
    relations = await tenantRelations(
      admin,
      schemas.map((s) => s.schema),
    );
    for (const s of schemas) {
      const client = new Client({ connectionString: s.runtimeUrl });
      await client.connect();
      runtime.set(s.schema, client);
    }
    // Which migrations were used, so a reader of the test log knows what was covered.
    console.log(schemas.map((s) => `${s.schema}: ${s.source}`).join('\n'));
  });

  afterAll(async () => {
    for (const c of runtime.values()) await c.end();
    await admin?.end();
    await db?.drop();
  });

  it('finds tenant tables to check (the discovery itself works)', () => {
    expect(relations.filter((r) => r.kind === 'r' || r.kind === 'p').length).toBeGreaterThan(0);
  });

  it('every relation with district_id has row-level security enabled and forced, bound to the tenant', () => {
    const problems = relations.flatMap(isolationProblems);
    expect(problems).toEqual([]);
    const registries = relations.filter(isDistrictRegistry).map((r) => `${r.schema}.${r.table}`);
    console.log(`district registries (district ids only, no RLS needed): ${registries.join(', ') || 'none'}`);
  });

  it('the check itself catches a table without RLS, without FORCE, or with a policy not bound to the tenant', async () => {
    await admin.query('CREATE SCHEMA rls_canary');
    await admin.query('CREATE TABLE rls_canary.no_rls (district_id uuid NOT NULL, note text)');
    await admin.query('CREATE TABLE rls_canary.not_forced (district_id uuid NOT NULL, note text)');
    await admin.query('ALTER TABLE rls_canary.not_forced ENABLE ROW LEVEL SECURITY');
    await admin.query('CREATE TABLE rls_canary.open_policy (district_id uuid NOT NULL, note text)');
    for (const sql of tenantIsolationSql('rls_canary', 'open_policy')) await admin.query(sql);
    await admin.query('CREATE POLICY everyone ON rls_canary.open_policy USING (true)');
    await admin.query('CREATE TABLE rls_canary.isolated (district_id uuid NOT NULL, note text)');
    for (const sql of tenantIsolationSql('rls_canary', 'isolated')) await admin.query(sql);
    await admin.query('CREATE MATERIALIZED VIEW rls_canary.snapshot AS SELECT district_id FROM rls_canary.isolated');
    // a district registry (ids only) needs no RLS; the same table with one more column is tenant data again
    await admin.query('CREATE TABLE rls_canary.registry (district_id uuid PRIMARY KEY, first_seen_at timestamptz)');
    await admin.query('CREATE TABLE rls_canary.registry_plus (district_id uuid PRIMARY KEY, name text)');

    const problems = (await tenantRelations(admin, ['rls_canary'])).flatMap(isolationProblems).join('\n');
    expect(problems).toMatch(/rls_canary.no_rls: row-level security is not enabled/);
    expect(problems).toMatch(/rls_canary.not_forced: row-level security is not forced/);
    expect(problems).toMatch(/rls_canary.open_policy: policy everyone is not bound/);
    expect(problems).toMatch(/rls_canary.snapshot: a materialized view/);
    expect(problems).not.toMatch(/rls_canary.isolated/);
    expect(problems).not.toMatch(/rls_canary.registry:/);
    expect(problems).toMatch(/rls_canary.registry_plus: row-level security is not enabled/);
    await admin.query('DROP SCHEMA rls_canary CASCADE');
  });

  it('runtime roles neither own their tables nor bypass row-level security', async () => {
    const { rows } = await admin.query<{ rolname: string; rolsuper: boolean; rolbypassrls: boolean; owns: number }>(
      `SELECT r.rolname, r.rolsuper, r.rolbypassrls,
              (SELECT count(*)::int FROM pg_class c WHERE c.relowner = r.oid) AS owns
         FROM pg_roles r WHERE r.rolname = ANY($1) ORDER BY 1`,
      [schemas.map((s) => `${s.schema}_app`)],
    );
    expect(rows).toHaveLength(schemas.length);
    for (const r of rows) expect(r).toEqual({ rolname: r.rolname, rolsuper: false, rolbypassrls: false, owns: 0 });
  });

  describe('as the runtime role with tenant = district A', () => {
    const notSeeded: string[] = [];
    const tables = () => relations.filter((r) => (r.kind === 'r' || r.kind === 'p') && !isDistrictRegistry(r));

    /** Runs `sql` in a transaction scoped to district A; returns rows or the error. */
    const asA = async (schema: string, sql: string, params: unknown[] = []) => {
      const client = runtime.get(schema);
      if (!client) throw new Error(`no runtime client for ${schema}`);
      await client.query('BEGIN');
      try {
        await client.query(setTenantSql, [A]);
        const result = await client.query(sql, params);
        await client.query('COMMIT');
        return { rowCount: result.rowCount ?? 0, rows: result.rows as Record<string, unknown>[], error: null };
      } catch (error) {
        await client.query('ROLLBACK');
        return { rowCount: 0, rows: [], error: (error as Error).message };
      }
    };

    const count = async (t: TenantRelation, district: string): Promise<number> => {
      const { rows } = await admin.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${t.schema}"."${t.table}" WHERE district_id = $1`,
        [district],
      );
      return rows[0]?.n ?? -1;
    };

    beforeAll(async () => {
      for (const t of tables()) {
        const a = await seedRow(admin, t.schema, t.table, A);
        const b = a.seeded ? await seedRow(admin, t.schema, t.table, B) : a;
        if (!b.seeded) notSeeded.push(`${t.schema}.${t.table}: ${b.reason}`);
      }
      console.log(`${tables().length} tenant tables; rows planted in ${tables().length - notSeeded.length}`);
      if (notSeeded.length)
        console.warn(`rows could not be planted generically (INSERT check only):\n${notSeeded.join('\n')}`);
    });

    it('cannot INSERT a row for district B into any tenant table (WITH CHECK or no privilege)', async () => {
      const leaks: string[] = [];
      for (const t of tables()) {
        const r = await asA(t.schema, `INSERT INTO "${t.schema}"."${t.table}" (district_id) VALUES ($1)`, [B]);
        // RLS WITH CHECK runs before NOT NULL and CHECK constraints, so the refusal must name the policy.
        if (!r.error || !/row-level security|permission denied/.test(r.error))
          leaks.push(`${t.schema}.${t.table}: ${r.error ?? 'inserted'}`);
      }
      expect(leaks).toEqual([]);
    });

    it("sees its own rows but none of B's, in every seeded table", async () => {
      const leaks: string[] = [];
      for (const t of tables().filter((t) => !notSeeded.some((n) => n.startsWith(`${t.schema}.${t.table}:`)))) {
        const r = await asA(t.schema, `SELECT district_id::text AS d FROM "${t.schema}"."${t.table}"`);
        const seen = r.rows.map((row) => row['d']);
        if (r.error || seen.includes(B) || !seen.includes(A))
          leaks.push(`${t.schema}.${t.table}: ${r.error ?? JSON.stringify(seen)}`);
      }
      expect(leaks).toEqual([]);
    });

    it("cannot UPDATE or DELETE B's rows, nor move its own rows into B", async () => {
      const leaks: string[] = [];
      for (const t of tables().filter((t) => !notSeeded.some((n) => n.startsWith(`${t.schema}.${t.table}:`)))) {
        const name = `${t.schema}.${t.table}`;
        const update = await asA(t.schema, `UPDATE ${name} SET district_id = district_id WHERE district_id = $1`, [B]);
        if (!update.error && update.rowCount > 0) leaks.push(`${name}: UPDATE reached ${update.rowCount} row(s) of B`);
        const del = await asA(t.schema, `DELETE FROM ${name} WHERE district_id = $1`, [B]);
        if (!del.error && del.rowCount > 0) leaks.push(`${name}: DELETE reached ${del.rowCount} row(s) of B`);
        const move = await asA(t.schema, `UPDATE ${name} SET district_id = $1 WHERE district_id = $2`, [B, A]);
        if (!move.error) leaks.push(`${name}: a row of A was moved into B`);
        if ((await count(t, B)) !== 1) leaks.push(`${name}: B's row was changed`);
      }
      expect(leaks).toEqual([]);
    });

    it('with no tenant set, sees no row at all', async () => {
      const leaks: string[] = [];
      for (const t of tables()) {
        const client = runtime.get(t.schema);
        const r = await client
          ?.query(`SELECT count(*)::int AS n FROM "${t.schema}"."${t.table}"`)
          .catch((e: Error) => ({ rows: [{ n: e.message }] }));
        const n = (r?.rows[0] as { n: unknown } | undefined)?.n;
        if (n !== 0 && !(typeof n === 'string' && /permission denied/.test(n)))
          leaks.push(`${t.schema}.${t.table}: ${String(n)}`);
      }
      expect(leaks).toEqual([]);
    });
  });
});
