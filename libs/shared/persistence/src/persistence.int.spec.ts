import { Client } from 'pg';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { createDatabase, dropDatabase } from '@tutoring/shared/local-infra';

// Not the testing lib's freshDatabase: that lib builds on this one (migratedServiceDatabase).
const freshDatabase = async (prefix: string) => {
  const adminUrl = process.env['TEST_POSTGRES_ADMIN_URL'];
  if (!adminUrl) throw new Error('TEST_POSTGRES_ADMIN_URL is not set: run this suite through the int jest project');
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const url = await createDatabase(adminUrl, name);
  return { url, drop: () => dropDatabase(adminUrl, name) };
};
import { applyMigrations, createServiceDataSource } from './data-source';
import { provisionServiceDatabase } from './provisioning';

class CreateWidgets1700000000000 implements MigrationInterface {
  name = 'CreateWidgets1700000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE widgets (id int PRIMARY KEY, label text NOT NULL)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE widgets');
  }
}

describe('service persistence (real Postgres)', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  beforeAll(async () => {
    db = await freshDatabase('persistence');
  });
  afterAll(async () => {
    await db.drop();
  });

  it('applies migrations as the owner once, and the runtime role uses but cannot alter the schema', async () => {
    const urls = await provisionServiceDatabase(db.url, 'widgets_svc');
    const config = {
      url: urls.runtimeUrl,
      migrationUrl: urls.migrationUrl,
      schema: 'widgets_svc',
      applicationName: 'test',
    };

    expect(await applyMigrations(config, [CreateWidgets1700000000000])).toEqual(['CreateWidgets1700000000000']);
    expect(await applyMigrations(config, [CreateWidgets1700000000000])).toEqual([]);

    const runtime = createServiceDataSource(config, [CreateWidgets1700000000000]);
    await runtime.initialize();
    try {
      await runtime.query("INSERT INTO widgets VALUES (1, 'a')");
      expect(await runtime.query('SELECT label FROM widgets')).toEqual([{ label: 'a' }]);
      expect(await runtime.showMigrations()).toBe(false);
      await expect(runtime.query('ALTER TABLE widgets ADD COLUMN x int')).rejects.toThrow(/must be owner/);
      await expect(runtime.query('DROP TABLE widgets')).rejects.toThrow(/must be owner/);
      await expect(runtime.query('CREATE TABLE sneaky (id int)')).rejects.toThrow(/permission denied/);
    } finally {
      await runtime.destroy();
    }

    const admin = new Client({ connectionString: db.url });
    await admin.connect();
    const [role] = (await admin.query("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = 'widgets_svc_app'"))
      .rows as { rolsuper: boolean; rolbypassrls: boolean }[];
    await admin.end();
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false });
  });
});
