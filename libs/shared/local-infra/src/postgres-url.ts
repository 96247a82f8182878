// Pure helpers around Postgres connection URLs.

export interface PostgresUrlParts {
  host?: string;
  port?: number;
  user: string;
  password?: string;
  database?: string;
}

export function buildPostgresUrl(p: PostgresUrlParts): string {
  const auth = p.password === undefined ? encodeURIComponent(p.user) : `${encodeURIComponent(p.user)}:${encodeURIComponent(p.password)}`;
  return `postgres://${auth}@${p.host ?? '127.0.0.1'}:${p.port ?? 5432}/${encodeURIComponent(p.database ?? 'postgres')}`;
}

/** The same server and credentials, another database (query string such as sslmode kept). */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/** For logs and error messages: never print a password. */
export function redactPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable database URL>';
  }
}

/**
 * Database names are interpolated into DDL (CREATE DATABASE cannot take parameters), so only a conservative
 * identifier shape is accepted.
 */
export function assertDatabaseName(name: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
    throw new Error(`Invalid database name "${name}": use lower-case letters, digits and _, at most 63 characters`);
  }
}
