/**
 * `npm run bench:roster`: imports a generated OneRoster 1.2 district of 30 000 students (bulk), then re-imports
 * it (idempotent: nothing written) and applies a delta, into a fresh database as the service's runtime role.
 * The baseline, measured in the same run on the same server: a raw COPY of the same users.csv rows into an
 * unindexed table of text columns (no checks, no encryption, no events). Prints each figure beside it.
 *
 * Options: --students N (default 30000). Postgres: DATABASE_URL (superuser) or the local / embedded server.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import {
  ENROLLMENT_MIGRATIONS,
  PostgresRosterStore,
  readRosterDirectory,
  StudentCrypto,
} from '@tutoring/enrollment/infrastructure';
import { createDatabase, dropDatabase, resolvePostgres } from '@tutoring/shared/local-infra';
import { applyMigrations, createServiceDataSource, provisionServiceDatabase } from '@tutoring/shared/persistence';
import { writeDistrict } from './generate-district';

const out = (line: string) => process.stdout.write(`${line}\n`);
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const seconds = (ms: number) => (ms / 1000).toFixed(2);

async function main(): Promise<void> {
  const students = Number(arg('students') ?? 30000);
  const pg = await resolvePostgres({ log: out });
  const dbName = `bench_roster_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const dbUrl = await createDatabase(pg.adminUrl, dbName);
  const dir = mkdtempSync(join(tmpdir(), 'bench-roster-'));
  try {
    writeDistrict(dir, { students });
    const urls = await provisionServiceDatabase(dbUrl, 'enrollment');
    const config = {
      url: urls.runtimeUrl,
      migrationUrl: urls.migrationUrl,
      schema: 'enrollment',
      applicationName: 'bench-roster',
    };
    await applyMigrations(config, ENROLLMENT_MIGRATIONS);
    const ds = createServiceDataSource(config);
    await ds.initialize();
    const store = new PostgresRosterStore(ds, 'enrollment', StudentCrypto.fromMasterKey(randomBytes(32)));
    const districtId = randomUUID();
    const run = async (from: string, trace = false) => {
      const started = performance.now();
      const onPhase = trace ? (name: string, ms: number) => out(`  ${name}: ${seconds(ms)} s`) : undefined;
      const files = await readRosterDirectory(from);
      const report = await store.import(files, {
        districtId,
        applyValidRows: false,
        dryRun: false,
        now: new Date(),
        newId: randomUUID,
        onPhase,
      });
      return { report, ms: performance.now() - started };
    };

    out('bulk import phases:');
    const bulk = await run(dir, true);
    if (!bulk.report.applied)
      throw new Error(`bulk import not applied: ${JSON.stringify(bulk.report.errors.slice(0, 5))}`);
    out('re-import phases:');
    const again = await run(dir, true);

    const deltaDir = mkdtempSync(join(tmpdir(), 'bench-roster-delta-'));
    const users = readFileSync(join(dir, 'users.csv'), 'utf8').trim().split('\n');
    const changed = users
      .filter((l) => l.startsWith('00000007-'))
      .slice(0, 100)
      .map((l) => l.replace(/^([^,]+),,,/, '$1,active,2026-10-01T00:00:00Z,').replace(/,s(\d+)@/, ',moved$1@'));
    writeFileSync(
      join(deltaDir, 'manifest.csv'),
      'propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\nfile.users,delta\n',
    );
    writeFileSync(join(deltaDir, 'users.csv'), `${[users[0], ...changed].join('\n')}\n`);
    const delta = await run(deltaDir);
    rmSync(deltaDir, { recursive: true, force: true });
    await ds.destroy();

    // Baseline: the same users.csv rows, COPY'd raw (text columns, no index) on the same server.
    const header = (users[0] ?? '').split(',');
    const client = new Client({ connectionString: dbUrl });
    await client.connect();
    await client.query(`CREATE TABLE copy_baseline (${header.map((c) => `"${c}" text`).join(', ')})`);
    const copyStarted = performance.now();
    await pipeline(
      createReadStream(join(dir, 'users.csv')),
      client.query(copyFrom('COPY copy_baseline FROM STDIN WITH (FORMAT csv, HEADER true)')),
    );
    const copyMs = performance.now() - copyStarted;
    await client.end();

    const rows = bulk.report.rows;
    const userRows = users.length - 1;
    out('');
    out(
      `roster import, ${students} students (${rows} rows in 8 files + manifest), bulk:  ${seconds(bulk.ms)} s  (${Math.round((rows / bulk.ms) * 1000)} rows/s, ${bulk.report.events} events)`,
    );
    out(
      `baseline: raw COPY of the same users.csv (${userRows} rows):            ${seconds(copyMs)} s  (${Math.round((userRows / copyMs) * 1000)} rows/s)`,
    );
    out(`ratio import time / COPY time:                                         ${(bulk.ms / copyMs).toFixed(1)}×`);
    out(
      `students/s imported vs users rows/s COPY'd:                            ${(students / bulk.ms / (userRows / copyMs)).toFixed(3)}`,
    );
    out(
      `re-import of the same files (idempotent):                              ${seconds(again.ms)} s  (${again.report.events} events, ${again.report.students.unchanged} unchanged)`,
    );
    out(
      `delta of 100 changed users:                                            ${seconds(delta.ms)} s  (${delta.report.students.updated} updated, ${delta.report.events} events)`,
    );
    out(`peak RSS: ${Math.round(process.memoryUsage().rss / 1024 / 1024)} MB`);
    out(`target: bulk import of ≥ 30k students ≤ 60 s → ${bulk.ms <= 60_000 ? 'met' : 'NOT met'}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await dropDatabase(pg.adminUrl, dbName).catch(() => undefined);
    await pg.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:roster failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
