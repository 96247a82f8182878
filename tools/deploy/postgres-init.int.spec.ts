// Runs infra/postgres/init against the real test server and checks what district IT relies on: the app role can
// read and write its own schema under row-level security, but cannot create objects, bypass RLS or read another
// service's schema. Roles are cluster-wide, so everything runs in one transaction that is rolled back.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { freshDatabase, type FreshDatabase } from '@tutoring/shared/testing';

const INIT_DIR = join(__dirname, '..', '..', 'infra', 'postgres', 'init');
const SCHEMAS = ['enrollment', 'scheduling', 'session_ledger', 'outcomes_contracting', 'notifications'];
const DISTRICT_A = '00000000-0000-4000-8000-00000000000a';
const DISTRICT_B = '00000000-0000-4000-8000-00000000000b';

/** The init scripts as the postgres image's entrypoint runs them, minus psql meta-commands (\set ...). */
const initSql = (): string =>
  readdirSync(INIT_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => readFileSync(join(INIT_DIR, f), 'utf8'))
    .join('\n')
    .split('\n')
    .filter((line) => !line.startsWith('\\'))
    .join('\n');

/** The error Postgres raises for `sql`, or null; a savepoint keeps the surrounding transaction usable. */
async function errorOf(client: Client, sql: string): Promise<string | null> {
  await client.query('SAVEPOINT probe');
  try {
    await client.query(sql);
    await client.query('RELEASE SAVEPOINT probe');
    return null;
  } catch (error) {
    await client.query('ROLLBACK TO SAVEPOINT probe');
    return (error as Error).message;
  }
}

describe('infra/postgres/init on a real server', () => {
  let db: FreshDatabase;
  let client: Client;

  beforeAll(async () => {
    db = await freshDatabase('postgres_init');
    client = new Client({ connectionString: db.url });
    await client.connect();
    await client.query('BEGIN');
    await client.query(initSql());
    // Running it twice must be harmless: DBAs re-run it after adding a service.
    await client.query(initSql());
  });

  afterAll(async () => {
    await client.query('ROLLBACK');
    await client.end();
    await db.drop();
  });

  it('creates the owner and app roles without superuser or BYPASSRLS', async () => {
    const { rows } = await client.query<{ rolname: string; rolsuper: boolean; rolbypassrls: boolean }>(
      `SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = ANY($1) ORDER BY rolname`,
      [SCHEMAS.flatMap((s) => [`${s}_owner`, `${s}_app`])],
    );
    expect(rows).toHaveLength(SCHEMAS.length * 2);
    expect(rows.filter((r) => r.rolsuper || r.rolbypassrls)).toEqual([]);
  });

  it.each(SCHEMAS)('%s: the owner migrates, the app role works under RLS and owns nothing', async (schema) => {
    await client.query(`SET LOCAL ROLE ${schema}_owner`);
    await client.query(`CREATE TABLE ${schema}.probe (id bigserial PRIMARY KEY, district_id uuid NOT NULL)`);
    await client.query(`ALTER TABLE ${schema}.probe ENABLE ROW LEVEL SECURITY`);
    await client.query(
      `CREATE POLICY tenant ON ${schema}.probe USING (district_id = current_setting('app.district_id')::uuid)`,
    );

    await client.query(`SET LOCAL ROLE ${schema}_app`);
    await client.query(`SELECT set_config('app.district_id', $1, true)`, [DISTRICT_A]);
    await client.query(`INSERT INTO ${schema}.probe (district_id) VALUES ($1)`, [DISTRICT_A]);
    const own = await client.query(`SELECT count(*)::int AS n FROM ${schema}.probe`);
    await client.query(`SELECT set_config('app.district_id', $1, true)`, [DISTRICT_B]);
    const other = await client.query(`SELECT count(*)::int AS n FROM ${schema}.probe`);

    expect([own.rows[0]?.n, other.rows[0]?.n]).toEqual([1, 0]);
    expect(await errorOf(client, `CREATE TABLE ${schema}.sneaky (id int)`)).toMatch(/permission denied/);
    expect(await errorOf(client, `ALTER TABLE ${schema}.probe DISABLE ROW LEVEL SECURITY`)).toMatch(/must be owner/);
    expect(await errorOf(client, `CREATE TABLE public.sneaky (id int)`)).toMatch(/permission denied/);
    await client.query('RESET ROLE');
  });

  it('keeps each service out of the other services schemas', async () => {
    await client.query(`SET LOCAL ROLE enrollment_owner`);
    await client.query(`CREATE TABLE enrollment.students_probe (id int)`);
    await client.query(`SET LOCAL ROLE session_ledger_app`);
    expect(await errorOf(client, `SELECT * FROM enrollment.students_probe`)).toMatch(/permission denied/);
    await client.query(`SET LOCAL ROLE session_ledger_owner`);
    expect(await errorOf(client, `SELECT * FROM enrollment.students_probe`)).toMatch(/permission denied/);
    await client.query('RESET ROLE');
  });
});
