// Every service's schema, built the way the services build it at start-up (provision roles, migrate as owner), so
// the security meta-tests look at the real tables. Migrations are found at run time: each context's infrastructure
// lib exports `<CONTEXT>_MIGRATIONS`; a context whose lib does not exist yet gets the messaging tables its app starts
// with. A table another engineer adds later is therefore covered without touching these tests.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { MigrationInterface } from 'typeorm';
import { SERVICES, type ServiceName } from '@tutoring/shared/dev-stack';
import { applyMigrations, provisionServiceDatabase } from '@tutoring/shared/persistence';
import { messagingTablesMigration } from '@tutoring/shared/runtime';

const REPO_ROOT = join(__dirname, '..', '..', '..', '..');

type MigrationClass = new () => MigrationInterface;

export interface ProvisionedSchema {
  service: ServiceName;
  schema: string;
  runtimeUrl: string;
  migrationUrl: string;
  /** Where the migrations came from: the infrastructure lib, or the app's messaging-only fallback. */
  source: string;
}

const isMigrationClass = (value: unknown): value is MigrationClass =>
  typeof value === 'function' &&
  typeof (value as { prototype?: { up?: unknown } }).prototype?.up === 'function' &&
  typeof (value as { prototype?: { down?: unknown } }).prototype?.down === 'function';

const pascal = (name: string): string => name.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());

/** The migration list a service runs, discovered from its infrastructure lib's `*_MIGRATIONS` export. */
export async function serviceMigrations(
  service: ServiceName,
): Promise<{ migrations: MigrationClass[]; source: string }> {
  const lib = `@tutoring/${service}/infrastructure`;
  // A lib that exists but fails to load must fail the test, not shrink what it covers.
  if (existsSync(join(REPO_ROOT, 'libs', service, 'infrastructure', 'src', 'index.ts'))) {
    const exports = (await import(lib)) as Record<string, unknown>;
    const lists = Object.entries(exports).filter(
      ([name, value]) => name.endsWith('_MIGRATIONS') && Array.isArray(value),
    );
    if (lists.length > 0) {
      const migrations = [...new Set(lists.flatMap(([, value]) => value as MigrationClass[]))];
      return { migrations, source: `${lib} (${lists.map(([n]) => n).join(', ')})` };
    }
    // No list exported (yet): every exported migration class, in TypeORM's order (the timestamp ending its name).
    const classes = Object.values(exports).filter(isMigrationClass);
    if (classes.length > 0) {
      const stamp = (c: MigrationClass) => Number(/(\d{13})$/.exec(new c().name ?? c.name)?.[1] ?? 0);
      return { migrations: classes.sort((a, b) => stamp(a) - stamp(b)), source: `${lib} (exported migration classes)` };
    }
    throw new Error(`${lib} exports no migrations: the security meta-tests cannot see its tables`);
  }
  return {
    migrations: [messagingTablesMigration(`${pascal(service)}Messaging1700000000000`)],
    source: `apps/${service} messaging tables only`,
  };
}

/** Provisions every service schema in the database of `adminUrl` and applies its migrations. */
export async function provisionAllServices(adminUrl: string): Promise<ProvisionedSchema[]> {
  const out: ProvisionedSchema[] = [];
  for (const descriptor of SERVICES) {
    const urls = await provisionServiceDatabase(adminUrl, descriptor.schema);
    const { migrations, source } = await serviceMigrations(descriptor.name);
    await applyMigrations(
      {
        url: urls.runtimeUrl,
        migrationUrl: urls.migrationUrl,
        schema: descriptor.schema,
        applicationName: 'security-meta',
      },
      migrations,
    );
    out.push({ service: descriptor.name, schema: descriptor.schema, ...urls, source });
  }
  return out;
}
