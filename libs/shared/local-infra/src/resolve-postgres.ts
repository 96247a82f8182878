import { canConnectPostgres, checkPostgres } from './postgres-admin';
import { buildPostgresUrl, redactPassword } from './postgres-url';
import { startEmbeddedPostgres, type LocalPostgres } from './embedded-postgres';
import { findFreePort, isPortFree } from './net.util';
import { cachePath } from './repo-paths';

export interface ResolvePostgresOptions {
  log?: (line: string) => void;
  /** Where an embedded cluster keeps its data; default `.cache/postgres/data` (kept between runs). */
  dataDir?: string;
  /** Preferred port for an embedded cluster (default 54329, else a free one). */
  port?: number;
  /** Servers to try before starting an embedded one; default LOCAL_POSTGRES_CANDIDATES. */
  localCandidates?: string[];
}

export interface ResolvedPostgres {
  /** Superuser URL of a running server, database `postgres`. */
  adminUrl: string;
  source: 'env' | 'local' | 'embedded';
  stop(): Promise<void>;
  local?: LocalPostgres;
}

/** The conventional local server a developer or CI machine may already run (trust auth on loopback). */
export const LOCAL_POSTGRES_CANDIDATES = [
  buildPostgresUrl({ user: 'postgres' }),
  buildPostgresUrl({ user: 'root' }),
];

/** DATABASE_URL if set (must answer), else a Postgres already on 127.0.0.1:5432, else an embedded cluster. */
export async function resolvePostgres(opts: ResolvePostgresOptions = {}): Promise<ResolvedPostgres> {
  const log = opts.log ?? (() => undefined);
  const fromEnv = process.env['DATABASE_URL']?.trim();
  if (fromEnv) {
    await checkPostgres(fromEnv, 5000).catch((err: Error) => {
      throw new Error(`DATABASE_URL is set (${redactPassword(fromEnv)}) but Postgres did not accept a connection: ${err.message}`);
    });
    log(`Using Postgres from DATABASE_URL=${redactPassword(fromEnv)}`);
    return { adminUrl: fromEnv, source: 'env', stop: async () => undefined };
  }
  for (const url of opts.localCandidates ?? LOCAL_POSTGRES_CANDIDATES) {
    if (await canConnectPostgres(url, 2000)) {
      log(`Using the Postgres already running at ${url}`);
      return { adminUrl: url, source: 'local', stop: async () => undefined };
    }
  }
  const wanted = opts.port ?? 54329;
  const port = (await isPortFree(wanted)) ? wanted : await findFreePort();
  log('No DATABASE_URL and nothing on 127.0.0.1:5432: starting an embedded PostgreSQL');
  const local = await startEmbeddedPostgres({ port, dataDir: opts.dataDir ?? cachePath('postgres', 'data'), log });
  return { adminUrl: local.adminUrl, source: 'embedded', local, stop: () => local.stop() };
}
