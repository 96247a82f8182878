/**
 * `npm run ledger:rebuild`: rebuilds the dosage and payment read models of every district from the ledger
 * (blue/green: replayed from position 0 into the inactive slot, then swapped in), while the service keeps ingesting
 * and serving. Run it after an upgrade whose release notes ask for it, or to check the read models against the
 * ledger. Reads the service's own variables: DATABASE_URL (the runtime role), DATABASE_SCHEMA (default
 * session_ledger), DATABASE_SSL, optional DATABASE_MIGRATION_URL (migrations are applied first when given).
 *
 * Progress goes to stderr as JSON log lines; the result to stdout as JSON. Exit 0 when swapped in, 75 when another
 * rebuild is running (try again later), 78 on a configuration error, 1 on failure (reads stay consistent: before
 * the swap the serving slot was never touched, after it the rebuilt one serves; run it again).
 */
import 'reflect-metadata';
import pino from 'pino';
import { LedgerProjector, RebuildInProgress, SESSION_LEDGER_MIGRATIONS } from '@tutoring/session-ledger/infrastructure';
import { applyMigrations, createServiceDataSource } from '@tutoring/shared/persistence';
import {
  commonServiceConfig,
  loadConfigOrExit,
  LOG_LEVELS,
  oneOf,
  pinoOptions,
  str,
} from '@tutoring/shared/service-kit';

/** EX_TEMPFAIL (sysexits.h): the same command may succeed later. */
const REBUILD_BUSY_EXIT_CODE = 75;

async function main(): Promise<number> {
  const config = loadConfigOrExit(
    {
      DATABASE_URL: commonServiceConfig.DATABASE_URL,
      DATABASE_MIGRATION_URL: commonServiceConfig.DATABASE_MIGRATION_URL,
      DATABASE_SCHEMA: str({ default: 'session_ledger' }),
      DATABASE_SSL: commonServiceConfig.DATABASE_SSL,
      LOG_LEVEL: oneOf(LOG_LEVELS, { default: 'info' }),
    },
    process.env,
  );
  const logger = pino(pinoOptions('ledger-rebuild', config.LOG_LEVEL), pino.destination(2));
  const database = {
    url: config.DATABASE_URL,
    migrationUrl: config.DATABASE_MIGRATION_URL,
    schema: config.DATABASE_SCHEMA,
    ssl: config.DATABASE_SSL,
    applicationName: 'ledger-rebuild',
  };
  if (process.env['DATABASE_MIGRATION_URL']) await applyMigrations(database, SESSION_LEDGER_MIGRATIONS);
  const dataSource = createServiceDataSource(database);
  await dataSource.initialize();
  try {
    const projector = new LedgerProjector(dataSource, database.schema, { logger });
    const result = await projector.rebuild();
    const seconds = result.ms / 1000;
    process.stdout.write(
      `${JSON.stringify({
        rebuilt: true,
        activeSlot: result.slot,
        entries: result.entries,
        seconds: Number(seconds.toFixed(3)),
        entriesPerSecond: seconds > 0 ? Math.round(result.entries / seconds) : result.entries,
      })}\n`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof RebuildInProgress)) throw error;
    logger.warn({}, `${error.message}; nothing was changed, try again when it has finished`);
    return REBUILD_BUSY_EXIT_CODE;
  } finally {
    await dataSource.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`ledger:rebuild: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
