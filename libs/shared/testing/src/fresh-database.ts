import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createDatabase, dropDatabase } from '@tutoring/shared/local-infra';
import { applyMigrations, createServiceDataSource, provisionServiceDatabase } from '@tutoring/shared/persistence';

export interface FreshDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** The superuser URL the jest global setup exported; a clear error when a suite runs outside the int/e2e projects. */
export function testPostgresAdminUrl(): string {
  const url = process.env['TEST_POSTGRES_ADMIN_URL'];
  if (!url) {
    throw new Error(
      'TEST_POSTGRES_ADMIN_URL is not set: run this suite through the int or e2e jest project (its global setup starts Postgres)',
    );
  }
  return url;
}

/** `prefix` lower-cased to identifier characters, plus a random suffix: unique across suites and runs. */
export function uniqueDatabaseName(prefix: string): string {
  const clean =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, '_')
      .replace(/^[^a-z_]+/, '')
      .slice(0, 40) || 'test';
  return `${clean}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/** Creates an empty database for one suite on the test server; `drop()` removes it (open sessions are ended). */
export async function freshDatabase(prefix: string): Promise<FreshDatabase> {
  const adminUrl = testPostgresAdminUrl();
  const name = uniqueDatabaseName(prefix);
  const url = await createDatabase(adminUrl, name);
  return { url, name, drop: () => dropDatabase(adminUrl, name) };
}

export interface MigratedServiceDatabase {
  db: FreshDatabase;
  /** Initialised, as the service's runtime role (RLS applies), confined to `schema`. */
  dataSource: DataSource;
  runtimeUrl: string;
  migrationUrl: string;
}

/**
 * A fresh database provisioned as a service's is (owner and runtime roles), migrated as the owner, with a data
 * source as the runtime role: what every service's integration suite starts from. Tear down with
 * `dataSource.destroy()` then `db.drop()`.
 */
export async function migratedServiceDatabase(
  prefix: string,
  schema: string,
  migrations: Parameters<typeof applyMigrations>[1],
): Promise<MigratedServiceDatabase> {
  const db = await freshDatabase(prefix);
  const urls = await provisionServiceDatabase(db.url, schema);
  const config = { url: urls.runtimeUrl, migrationUrl: urls.migrationUrl, schema, applicationName: 'test' };
  await applyMigrations(config, migrations);
  const dataSource = createServiceDataSource(config);
  await dataSource.initialize();
  return { db, dataSource, runtimeUrl: urls.runtimeUrl, migrationUrl: urls.migrationUrl };
}
