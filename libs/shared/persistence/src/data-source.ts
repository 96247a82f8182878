import { Client } from 'pg';
import { DataSource, MigrationInterface, QueryRunner } from 'typeorm';

export type DatabaseSslMode = 'disable' | 'require' | 'verify-full';

export interface ServiceDatabaseConfig {
  /** Runtime connection: the service's non-owner role. */
  url: string;
  /** Owner connection, used only to apply migrations at start-up. */
  migrationUrl?: string;
  schema: string;
  ssl?: DatabaseSslMode;
  applicationName: string;
  poolSize?: number;
}

type MigrationClass = new () => MigrationInterface;

function sslOption(mode: DatabaseSslMode | undefined): false | { rejectUnauthorized: boolean } {
  if (!mode || mode === 'disable') return false;
  return { rejectUnauthorized: mode === 'verify-full' };
}

/** One TypeORM data source per service, confined to the service's own schema. */
export function createServiceDataSource(config: ServiceDatabaseConfig, migrations: MigrationClass[] = []): DataSource {
  return new DataSource({
    type: 'postgres',
    url: config.url,
    schema: config.schema,
    ssl: sslOption(config.ssl),
    applicationName: config.applicationName,
    migrations,
    migrationsTableName: 'schema_migrations',
    poolSize: config.poolSize ?? 10,
    extra: {
      // No JIT: the services run short statements, and a cost estimate inflated by statistics that predate a
      // burst of writes (a fresh district's first catch-up) made PostgreSQL spend ~90 ms compiling one of them.
      options: `-c search_path=${config.schema} -c jit=off`,
      connectionTimeoutMillis: 5_000,
      // A broken connection must not hang a readiness probe or a request forever.
      query_timeout: 30_000,
    },
  });
}

/**
 * Applies pending migrations as the schema owner. An advisory lock keyed on the schema makes concurrent
 * replicas of a rolling upgrade wait for each other instead of racing.
 */
export async function applyMigrations(config: ServiceDatabaseConfig, migrations: MigrationClass[]): Promise<string[]> {
  const url = config.migrationUrl ?? config.url;
  const lockClient = new Client({ connectionString: url, ssl: sslOption(config.ssl) });
  await lockClient.connect();
  try {
    await lockClient.query('SELECT pg_advisory_lock(hashtext($1))', [`migrations:${config.schema}`]);
    const owner = createServiceDataSource({ ...config, url, poolSize: 1 }, migrations);
    await owner.initialize();
    try {
      await owner.query(`CREATE SCHEMA IF NOT EXISTS ${config.schema}`);
      const applied = await owner.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    } finally {
      await owner.destroy();
    }
  } finally {
    await lockClient
      .query('SELECT pg_advisory_unlock(hashtext($1))', [`migrations:${config.schema}`])
      .catch(() => undefined);
    await lockClient.end();
  }
}

export async function pendingMigrations(dataSource: DataSource): Promise<boolean> {
  return dataSource.showMigrations();
}

/** The schema a migration runs in (the service's own, from its data source). */
export function migrationSchema(q: QueryRunner): string {
  const schema = (q.connection.options as { schema?: string }).schema;
  if (!schema || !/^[a-z][a-z0-9_]*$/.test(schema))
    throw new Error(`migration needs a valid schema, got ${String(schema)}`);
  return schema;
}
