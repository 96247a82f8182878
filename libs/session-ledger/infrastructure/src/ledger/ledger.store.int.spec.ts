import { DataSource } from 'typeorm';
import { inTenantTransaction, setTenant } from '@tutoring/shared/persistence';
import { FreshDatabase, migratedServiceDatabase } from '@tutoring/shared/testing';
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
    ({ db, dataSource: ds } = await migratedServiceDatabase('ledger', 'session_ledger', SESSION_LEDGER_MIGRATIONS));
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const tenant = <T>(work: (m: import('typeorm').EntityManager) => Promise<T>) =>
    inTenantTransaction(ds, districtId, work);

  it('appends with optimistic concurrency and refuses UPDATE, DELETE and TRUNCATE', async () => {
    const first = await tenant((m) => store.append(m, entry('e-1', 0)));
    const second = await tenant((m) =>
      store.append(m, {
        ...entry('e-2', 1),
        verdicts: [{ studentId: vendorId, billable: false, exceptionCodes: ['not_enrolled'] }],
        localDate: '2026-11-02',
      }),
    );
    expect(second).toBeGreaterThan(first);
    await expect(tenant((m) => store.append(m, entry('e-3', 1)))).rejects.toBeInstanceOf(ConcurrencyConflict);
    expect(await tenant((m) => store.loadStream(m, vendorId, 's-1'))).toEqual({ version: 2, status: 'active' });

    await expect(tenant((m) => m.query(`UPDATE session_ledger.ledger_entries SET data = '{}'`))).rejects.toThrow(
      /append-only/,
    );
    await expect(tenant((m) => m.query(`DELETE FROM session_ledger.ledger_entries`))).rejects.toThrow(/append-only/);
    await expect(ds.query(`TRUNCATE session_ledger.ledger_entries`)).rejects.toThrow(
      /append-only|permission denied|must be owner/,
    );
    expect(await tenant((m) => m.query(`SELECT count(*)::int AS n FROM session_ledger.ledger_entries`))).toEqual([
      { n: 2 },
    ]);
    expect(
      await tenant((m) =>
        m.query(
          `SELECT verdicts, local_date::text AS d FROM session_ledger.ledger_entries ORDER BY position DESC LIMIT 1`,
        ),
      ),
    ).toEqual([
      { verdicts: [{ studentId: vendorId, billable: false, exceptionCodes: ['not_enrolled'] }], d: '2026-11-02' },
    ]);
  });

  it("refuses a stream's next version from a transaction older than the one that wrote its previous version", async () => {
    const s7 = (eventId: string, expectedVersion: number) => ({ ...entry(eventId, expectedVersion), sessionId: 's-7' });
    const older = ds.createQueryRunner();
    await older.connect();
    try {
      await older.startTransaction();
      await setTenant(older, districtId);
      await older.query(`SELECT pg_current_xact_id()`); // this transaction has its id now
      const first = await tenant((m) => store.append(m, s7('s7-1', 0))); // a younger transaction commits version 1
      await expect(store.append(older.manager, s7('s7-2', 1))).rejects.toBeInstanceOf(ConcurrencyConflict);
      await older.rollbackTransaction();
      // Decided again in a new transaction, the same append goes through, after version 1 in every reader's order.
      const second = await tenant((m) => store.append(m, s7('s7-2', 1)));
      expect(
        await tenant((m) =>
          m.query(
            `SELECT stream_version AS v FROM session_ledger.ledger_entries WHERE stream_id = $1 ORDER BY transaction_id, position`,
            [`${vendorId}/s-7`],
          ),
        ),
      ).toEqual([{ v: 1 }, { v: 2 }]);
      expect(second).toBeGreaterThan(first);
    } finally {
      await older.release();
    }
  });

  it('hides every row from a transaction without the tenant, and refuses a row of another district', async () => {
    expect(await ds.query(`SELECT count(*)::int AS n FROM session_ledger.ledger_entries`)).toEqual([{ n: 0 }]);
    const other = '33333333-3333-4333-8333-333333333333';
    await expect(
      inTenantTransaction(ds, other, (m) => store.append(m, { ...entry('e-9', 0), sessionId: 's-9' })),
    ).rejects.toThrow(/row-level security/);
  });
});
