import { Client } from 'pg';
import { assertDatabaseName, redactPassword, withDatabase } from './postgres-url';

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>, connectTimeoutMs = 5000): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs });
  client.on('error', () => undefined); // a server going away mid-call surfaces through the awaited query instead
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Resolves when `url` accepts a connection and a query; rejects with the driver's reason otherwise. */
export async function checkPostgres(url: string, connectTimeoutMs = 3000): Promise<void> {
  await withClient(url, (c) => c.query('SELECT 1'), connectTimeoutMs);
}

export async function canConnectPostgres(url: string, connectTimeoutMs = 3000): Promise<boolean> {
  return checkPostgres(url, connectTimeoutMs).then(
    () => true,
    () => false,
  );
}

/** Creates database `name` on the server of `adminUrl` and returns a URL to it (same credentials). */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  assertDatabaseName(name);
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE "${name}"`)).catch((err: Error) => {
    throw new Error(`CREATE DATABASE ${name} on ${redactPassword(adminUrl)} failed: ${err.message}`);
  });
  return withDatabase(adminUrl, name);
}

/** Drops database `name` if it exists, first terminating its sessions (a leaked pool must not block cleanup). */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  assertDatabaseName(name);
  await withClient(adminUrl, async (c) => {
    await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [
      name,
    ]);
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
}
