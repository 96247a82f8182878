import { DataSource } from 'typeorm';
import { applyMigrations, createServiceDataSource, provisionServiceDatabase } from '@tutoring/shared/persistence';
import { freshDatabase, FreshDatabase } from '@tutoring/shared/testing';
import { SESSION_LEDGER_MIGRATIONS } from '../migrations/1700000000101-ledger.migration';
import { ConcurrencyConflict, LedgerStore } from './ledger.store';

const vendorId = '11111111-1111-4111-8111-111111111111';
const districtId = '22222222-2222-4222-8222-222222222222';

describe('ledger store (real Postgres, runtime role)', () => {
  let db: FreshDatabase;
  let ds: DataSource;
  const store = new LedgerStore('session_ledger');
  const entry = (eventId: string, expectedVersion: number) => ({
    vendorId,
    sessionId: 's-1',
    expectedVersion,
    eventId,
    eventType: 'org.tutoring.session.delivered.v1',
    schemaVersion: 1,
    districtId,
    data: { n: eventId },
    metadata: {},
  });

  beforeAll(async () => {
    db = await freshDatabase('ledger');
    const urls = await provisionServiceDatabase(db.url, 'session_ledger');
    const config = { url: urls.runtimeUrl, migrationUrl: urls.migrationUrl, schema: 'session_ledger', applicationName: 'test' };
    await applyMigrations(config, SESSION_LEDGER_MIGRATIONS);
    ds = createServiceDataSource(config);
    await ds.initialize();
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('appends with optimistic concurrency and refuses UPDATE, DELETE and TRUNCATE', async () => {
    const first = await ds.transaction((m) => store.append(m, entry('e-1', 0)));
    const second = await ds.transaction((m) => store.append(m, entry('e-2', 1)));
    expect(second).toBeGreaterThan(first);
    await expect(ds.transaction((m) => store.append(m, entry('e-3', 1)))).rejects.toBeInstanceOf(ConcurrencyConflict);
    expect(await ds.transaction((m) => store.loadStream(m, vendorId, 's-1'))).toEqual({ version: 2, status: 'active' });

    await expect(ds.query(`UPDATE session_ledger.ledger_entries SET data = '{}'`)).rejects.toThrow(/append-only/);
    await expect(ds.query(`DELETE FROM session_ledger.ledger_entries`)).rejects.toThrow(/append-only/);
    await expect(ds.query(`TRUNCATE session_ledger.ledger_entries`)).rejects.toThrow(/append-only|permission denied|must be owner/);
    expect(await ds.query(`SELECT count(*)::int AS n FROM session_ledger.ledger_entries`)).toEqual([{ n: 2 }]);
  });
});
