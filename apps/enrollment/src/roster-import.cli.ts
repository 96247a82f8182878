/**
 * `npm run roster:import -- --district <uuid> --dir <folder of OneRoster CSV files> [--apply-valid-rows] [--dry-run]`
 *
 * The same import as POST /v1/roster/imports, run against the service's database: DATABASE_URL (the runtime role),
 * DATABASE_SCHEMA (default enrollment), ENROLLMENT_MASTER_KEY (the service's key), optional DATABASE_MIGRATION_URL
 * (migrations are applied first when given). Events go to the outbox; the running service's relay publishes them.
 * Prints the report as JSON. Exit 0 when applied (or a clean dry run), 2 when the files have errors, 1 on failure.
 */
import { randomUUID } from 'node:crypto';
import { RosterImportHandler } from '@tutoring/enrollment/application';
import {
  ENROLLMENT_MIGRATIONS,
  parseMasterKey,
  PostgresRosterStore,
  readRosterDirectory,
  StudentCrypto,
} from '@tutoring/enrollment/infrastructure';
import { applyMigrations, createServiceDataSource } from '@tutoring/shared/persistence';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const flag = (name: string) => process.argv.includes(`--${name}`);
const fail = (message: string, code = 64): never => {
  process.stderr.write(`roster:import: ${message}\n`);
  process.exit(code);
};

async function main(): Promise<number> {
  const districtId = arg('district')?.toLowerCase() ?? fail('--district <uuid> is required');
  const dir = arg('dir') ?? fail('--dir <folder> is required');
  if (!UUID.test(districtId)) fail('--district must be a UUID');
  const url = process.env['DATABASE_URL'] ?? fail('DATABASE_URL is required (the enrollment runtime role)', 78);
  const rawKey = process.env['ENROLLMENT_MASTER_KEY'] ?? fail('ENROLLMENT_MASTER_KEY is required', 78);
  let key: Buffer;
  try {
    key = parseMasterKey(rawKey);
  } catch (e) {
    return fail((e as Error).message, 78);
  }
  const config = {
    url,
    migrationUrl: process.env['DATABASE_MIGRATION_URL'],
    schema: process.env['DATABASE_SCHEMA'] ?? 'enrollment',
    applicationName: 'roster-import',
  };
  if (config.migrationUrl) await applyMigrations(config, ENROLLMENT_MIGRATIONS);
  const ds = createServiceDataSource(config);
  await ds.initialize();
  try {
    const handler = new RosterImportHandler(
      new PostgresRosterStore(ds, config.schema, StudentCrypto.fromMasterKey(key)),
      () => new Date(),
      randomUUID,
    );
    const report = await handler.handle({
      districtId,
      files: await readRosterDirectory(dir),
      applyValidRows: flag('apply-valid-rows'),
      dryRun: flag('dry-run'),
    });
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return report.applied || (report.valid && flag('dry-run')) ? 0 : 2;
  } finally {
    await ds.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => fail(error instanceof Error ? error.message : String(error), 1),
);
