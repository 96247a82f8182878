import { randomBytes } from 'node:crypto';
import { createDatabase, dropDatabase } from '@tutoring/shared/local-infra';

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
  const clean = prefix.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^[^a-z_]+/, '').slice(0, 40) || 'test';
  return `${clean}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/** Creates an empty database for one suite on the test server; `drop()` removes it (open sessions are ended). */
export async function freshDatabase(prefix: string): Promise<FreshDatabase> {
  const adminUrl = testPostgresAdminUrl();
  const name = uniqueDatabaseName(prefix);
  const url = await createDatabase(adminUrl, name);
  return { url, name, drop: () => dropDatabase(adminUrl, name) };
}
