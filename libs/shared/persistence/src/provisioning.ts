import { Client } from 'pg';

/**
 * Creates a service's schema with two roles: `<schema>_owner` owns the schema and applies migrations;
 * `<schema>_app` is what the running service connects as: it can read and write rows but owns nothing,
 * so it cannot alter tables, disable row-level security or bypass it.
 *
 * Used by the local quick start and the tests. In production the district's DBA runs the same statements
 * (infra/postgres/init) once, and the services get the two URLs as secrets.
 */
export interface ServiceDatabaseRoles {
  schema: string;
  ownerRole: string;
  appRole: string;
  ownerPassword: string;
  appPassword: string;
}

export interface ProvisionedServiceDatabase {
  migrationUrl: string;
  runtimeUrl: string;
}

const IDENTIFIER = /^[a-z][a-z0-9_]{0,40}$/;

export function serviceDatabaseRoles(schema: string, password = (role: string) => `${role}_dev`): ServiceDatabaseRoles {
  if (!IDENTIFIER.test(schema)) throw new Error(`schema name "${schema}" must match ${IDENTIFIER}`);
  const ownerRole = `${schema}_owner`;
  const appRole = `${schema}_app`;
  return { schema, ownerRole, appRole, ownerPassword: password(ownerRole), appPassword: password(appRole) };
}

export function provisioningSql(database: string, r: ServiceDatabaseRoles): string[] {
  const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const ensureRole = (role: string, password: string) => `DO $$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${lit(role)}) THEN
        CREATE ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD ${lit(password)};
      END IF;
    END $$`;
  return [
    ensureRole(r.ownerRole, r.ownerPassword),
    ensureRole(r.appRole, r.appPassword),
    `GRANT CONNECT, CREATE ON DATABASE "${database}" TO ${r.ownerRole}`,
    `GRANT CONNECT ON DATABASE "${database}" TO ${r.appRole}`,
    `CREATE SCHEMA IF NOT EXISTS ${r.schema} AUTHORIZATION ${r.ownerRole}`,
    `GRANT USAGE ON SCHEMA ${r.schema} TO ${r.appRole}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${r.ownerRole} IN SCHEMA ${r.schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${r.appRole}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${r.ownerRole} IN SCHEMA ${r.schema} GRANT USAGE, SELECT ON SEQUENCES TO ${r.appRole}`,
    `ALTER ROLE ${r.appRole} SET search_path = ${r.schema}`,
    `ALTER ROLE ${r.ownerRole} SET search_path = ${r.schema}`,
  ];
}

export function withCredentials(adminUrl: string, user: string, password: string): string {
  const url = new URL(adminUrl);
  url.username = user;
  url.password = password;
  return url.toString();
}

/** Idempotent: safe to run at every start of the quick start and in every test suite. */
export async function provisionServiceDatabase(adminUrl: string, schema: string): Promise<ProvisionedServiceDatabase> {
  const roles = serviceDatabaseRoles(schema);
  const database = decodeURIComponent(new URL(adminUrl).pathname.replace(/^\//, '')) || 'postgres';
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    // Role creation races when several suites provision at once on one server: serialise it.
    await client.query('SELECT pg_advisory_lock(4242)');
    for (const sql of provisioningSql(database, roles)) await client.query(sql);
    await client.query('SELECT pg_advisory_unlock(4242)');
  } finally {
    await client.end();
  }
  return {
    migrationUrl: withCredentials(adminUrl, roles.ownerRole, roles.ownerPassword),
    runtimeUrl: withCredentials(adminUrl, roles.appRole, roles.appPassword),
  };
}
