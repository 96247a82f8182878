import { DataSource } from 'typeorm';
import { projectBatch, projectedEntryOf, ProjectionBatch } from '@tutoring/session-ledger/domain';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import { FreshDatabase, migratedServiceDatabase } from '@tutoring/shared/testing';
import { LedgerStore } from '../ledger/ledger.store';
import { SESSION_LEDGER_MIGRATIONS } from '../migrations/1700000000101-ledger.migration';
import { READER_START } from '../reader/ledger.reader';
import { LedgerProjector, RebuildInProgress } from './ledger.projector';
import { ReadModelSnapshot } from './session-projection.store';

const D1 = '22222222-2222-4222-8222-222222222222';
const D2 = '33333333-3333-4333-8333-333333333333';
const V1 = '11111111-1111-4111-8111-111111111111';
const V2 = '44444444-4444-4444-8444-444444444444';
const D3 = '55555555-5555-4555-8555-555555555555';
const D4 = '66666666-6666-4666-8666-666666666666';
const D5 = '77777777-7777-4777-8777-777777777777';
const D6 = '88888888-8888-4888-8888-888888888888';
const uuid = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const TUTORS = [uuid(9001), uuid(9002)];
const STATUSES = ['present', 'late', 'left_early', 'absent_excused', 'absent_unexcused'] as const;

/** A tiny seeded generator: the scenario is random-looking but the same on every run. */
const rng = (seed: number) => () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};

describe('ledger projector (real Postgres, runtime role, RLS)', () => {
  let db: FreshDatabase;
  let ds: DataSource;
  let ledger: LedgerStore;
  let projector: LedgerProjector;
  const versions = new Map<string, number>();

  const append = async (
    districtId: string,
    vendorId: string,
    sessionId: string,
    kind: 'delivered' | 'corrected' | 'voided',
    seed: number,
  ) => {
    const r = rng(seed);
    const students = [0, 1, 2].map((i) => uuid(1 + ((seed + i * 7) % 11)));
    const day = 1 + Math.floor(r() * 27);
    const attendance = students.map((studentId) => ({
      studentId,
      status: STATUSES[Math.floor(r() * 5)] ?? 'present',
      minutes: Math.floor(r() * 45),
    }));
    const key = `${vendorId}/${sessionId}`;
    const expectedVersion = versions.get(key) ?? 0;
    await inTenantTransaction(ds, districtId, (m) =>
      ledger.append(m, {
        vendorId,
        sessionId,
        expectedVersion,
        eventId: `${sessionId}-${expectedVersion + 1}`,
        eventType: `org.tutoring.session.${kind}.v1`,
        schemaVersion: 1,
        districtId,
        data:
          kind === 'voided'
            ? { sessionId, vendorId, districtId, reason: 'test' }
            : { sessionId, vendorId, districtId, tutorId: TUTORS[seed % 2], groupId: null, attendance },
        metadata: {},
        verdicts:
          kind === 'voided'
            ? []
            : attendance.map((a) => ({ studentId: a.studentId, billable: r() > 0.3, exceptionCodes: [] })),
        localDate: kind === 'voided' ? null : `2026-11-${String(day).padStart(2, '0')}`,
      }),
    );
    versions.set(key, expectedVersion + 1);
  };

  /** Reference: the pure projection over the whole ledger, read back from Postgres. */
  const reference = async (districtId: string): Promise<ProjectionBatch> =>
    inTenantTransaction(ds, districtId, async (m) =>
      projectBatch(
        new Map(),
        (await projector.reader.readBatch(m, districtId, READER_START, 1_000_000)).rows.map(projectedEntryOf),
      ),
    );

  const snapshot = (districtId: string, slot?: 'a' | 'b'): Promise<ReadModelSnapshot> =>
    inTenantTransaction(ds, districtId, async (m) =>
      projector.store.snapshot(m, districtId, slot ?? (await projector.store.activeSlot(m))),
    );

  beforeAll(async () => {
    ({ db, dataSource: ds } = await migratedServiceDatabase('projector', 'session_ledger', SESSION_LEDGER_MIGRATIONS));
    ledger = new LedgerStore('session_ledger');
    // Small batches (live 7, growing to 11 behind a backlog; rebuilds 11) put batch boundaries everywhere.
    projector = new LedgerProjector(ds, 'session_ledger', { batchSize: 7, rebuildBatchSize: 11 });
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('never skips an entry whose transaction commits after a later position was read', async () => {
    await append(D1, V1, 'first', 'delivered', 3); // the district is known (its first transaction committed)
    expect(await projector.catchUp()).toBe(1);
    const runner = ds.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    await runner.query(`SELECT set_config('tutoring.district_id', $1, true)`, [D1]);
    // The slow writer takes the lower position first …
    await ledger.append(runner.manager, {
      vendorId: V1,
      sessionId: 'late',
      expectedVersion: 0,
      eventId: 'late-1',
      eventType: 'org.tutoring.session.delivered.v1',
      schemaVersion: 1,
      districtId: D1,
      data: {
        sessionId: 'late',
        tutorId: TUTORS[0],
        groupId: null,
        attendance: [{ studentId: uuid(500), status: 'present', minutes: 30 }],
      },
      metadata: {},
      verdicts: [{ studentId: uuid(500), billable: true, exceptionCodes: [] }],
      localDate: '2026-11-02',
    });
    // … a fast writer commits a higher position, and the projector runs in between.
    await append(D1, V1, 'early', 'delivered', 1);
    // The committed entry is consumed; the open transaction's is not visible yet and must not be passed for good.
    expect(await projector.catchUp()).toBe(1);
    expect(await projector.lag(D1)).toBe(0);
    await runner.commitTransaction();
    await runner.release();
    expect(await projector.lag(D1)).toBe(1);
    expect(await projector.catchUp()).toBe(1);
    expect(await projector.lag(D1)).toBe(0);
    const snap = await snapshot(D1);
    expect(snap.dosage.some((r) => r.startsWith(`${uuid(500)}|2026-W45|30|1`))).toBe(true);
    expect(snap.sessions.map((s) => s.split('|')[1])).toEqual(['early', 'first', 'late']);
  });

  it('keeps incremental read models equal to the reference and to a blue/green rebuild done while ingest continues', async () => {
    const r = rng(42);
    const live: string[] = [];
    const step = async (i: number) => {
      const districtId = r() < 0.8 ? D1 : D2;
      const vendorId = r() < 0.5 ? V1 : V2;
      const active = live.filter((k) => k.startsWith(`${districtId}|${vendorId}|`));
      const roll = r();
      if (active.length && roll < 0.25)
        await append(districtId, vendorId, active[Math.floor(r() * active.length)]!.split('|')[2]!, 'corrected', i);
      else if (active.length && roll < 0.35) {
        const key = active[Math.floor(r() * active.length)]!;
        live.splice(live.indexOf(key), 1);
        await append(districtId, vendorId, key.split('|')[2]!, 'voided', i);
      } else {
        live.push(`${districtId}|${vendorId}|s-${i}`);
        await append(districtId, vendorId, `s-${i}`, 'delivered', i);
      }
    };
    for (let i = 0; i < 120; i++) {
      await step(i);
      if (i % 13 === 0) await projector.catchUp();
    }
    // Rebuild into the other slot while appends go on.
    const before = await inTenantTransaction(ds, D1, (m) => projector.store.activeSlot(m));
    const rebuilding = projector.rebuild();
    for (let i = 120; i < 200; i++) await step(i);
    const result = await rebuilding;
    expect(result.slot).not.toBe(before);
    await projector.catchUp();

    for (const districtId of [D1, D2]) {
      const ref = await reference(districtId);
      const snap = await snapshot(districtId);
      expect(snap.dosage.length).toBe([...ref.dosage.values()].filter((d) => d.countedSessions !== 0).length);
      expect(snap.sessions.length).toBe([...ref.sessions.values()].filter(Boolean).length);
      const refDosage = [...ref.dosage.values()]
        .filter((d) => d.countedSessions !== 0)
        .map((d) => `${d.studentId}|${d.isoWeek}|${d.attendedMinutes}|${d.countedSessions}`)
        .sort();
      expect(snap.dosage).toEqual(refDosage);
      const refPayment = [...ref.payment.values()]
        .filter((p) => p.billableSessions || p.exceptionLines)
        .map(
          (p) =>
            `${p.vendorId}|${p.period}|${p.billableMinutes}|${p.billableSessions}|${p.exceptionLines}|${p.exceptionMinutes}`,
        )
        .sort();
      expect(snap.payment).toEqual(refPayment);
      const refTutors = [...ref.tutors.values()]
        .filter((t) => t.countedSessions !== 0)
        .map((t) => `${t.studentId}|${t.tutorId}|${t.countedSessions}`)
        .sort();
      expect(snap.tutors).toEqual(refTutors);
    }
    // A second rebuild lands in the first slot again: both slots equal, row for row.
    await projector.rebuild();
    for (const districtId of [D1, D2]) expect(await snapshot(districtId, 'a')).toEqual(await snapshot(districtId, 'b'));
  });

  it('runs one rebuild at a time: a second one started meanwhile is refused and the first completes', async () => {
    const slotBefore = await inTenantTransaction(ds, D1, (m) => projector.store.activeSlot(m));
    const outcomes = await Promise.allSettled([projector.rebuild(), projector.rebuild()]);
    const refused = outcomes.filter((o) => o.status === 'rejected');
    const done = outcomes.filter((o) => o.status === 'fulfilled');
    expect(refused).toHaveLength(1);
    expect((refused[0] as PromiseRejectedResult).reason).toBeInstanceOf(RebuildInProgress);
    expect(done).toHaveLength(1);
    // Exactly one flip happened, and the lock is free again afterwards.
    expect(await inTenantTransaction(ds, D1, (m) => projector.store.activeSlot(m))).not.toBe(slotBefore);
    await expect(projector.rebuild()).resolves.toMatchObject({ slot: slotBefore });
  });

  /** A ledger entry written with a chosen (historical) writer transaction id, as a slow or reordered writer leaves it. */
  const rawEntry = async (
    districtId: string,
    sessionId: string,
    version: number,
    transactionId: string,
    minutes: number,
  ): Promise<void> => {
    const studentId = uuid(700);
    await inTenantTransaction(ds, districtId, (m) =>
      m.query(
        `INSERT INTO session_ledger.ledger_entries (stream_id, stream_version, event_id, event_type, schema_version, district_id,
           vendor_id, data, metadata, verdicts, local_date, transaction_id)
         VALUES ($1, $2, $3, $4, 1, $5, $6, $7, '{}', $8, '2026-11-03', $9::xid8)`,
        [
          `${V1}/${sessionId}`,
          version,
          `${sessionId}-${version}`,
          `org.tutoring.session.${version === 1 ? 'delivered' : 'corrected'}.v1`,
          districtId,
          V1,
          JSON.stringify({
            sessionId,
            tutorId: TUTORS[0],
            groupId: null,
            attendance: [{ studentId, status: 'present', minutes }],
          }),
          JSON.stringify([{ studentId, billable: true, exceptionCodes: [] }]),
          transactionId,
        ],
      ),
    );
  };

  it('reads writer transactions in numeric order: 999 before 1000', async () => {
    await rawEntry(D3, 'tx-1000', 1, '1000', 30);
    await rawEntry(D3, 'tx-999', 1, '999', 30);
    const first = await inTenantTransaction(ds, D3, (m) => projector.reader.readBatch(m, D3, READER_START, 1));
    expect(first.rows.map((r) => r.transactionId)).toEqual(['999']);
    const rest = await inTenantTransaction(ds, D3, (m) => projector.reader.readBatch(m, D3, first.next, 10));
    expect(rest.rows.map((r) => r.transactionId)).toEqual(['1000']);
    expect(await projector.catchUp()).toBe(2);
    expect(await projector.lag(D3)).toBe(0);
  });

  it('replays a batch with every session loaded when a session new by its stream version already has a row', async () => {
    // Version 2 was written by a transaction with a lower id than version 1's, so the reader meets it first.
    await rawEntry(D4, 'reordered', 2, '500', 40);
    await rawEntry(D4, 'reordered', 1, '501', 30);
    expect(await projector.projectDistrict(D4, undefined, 1)).toBe(1); // version 2 alone
    expect(await projector.projectDistrict(D4, undefined, 1)).toBe(1); // version 1: taken as new, has a row → replay
    expect(await projector.lag(D4)).toBe(0);
    const ref = await reference(D4);
    const snap = await snapshot(D4);
    expect(snap.dosage).toEqual(
      [...ref.dosage.values()].map((d) => `${d.studentId}|${d.isoWeek}|${d.attendedMinutes}|${d.countedSessions}`),
    );
    expect(snap.dosage).toEqual([`${uuid(700)}|2026-W45|30|1`]); // counted once, not 40 + 30
    expect(snap.sessions).toHaveLength(1);
  });

  it('reads a transaction once when cut batches end exactly on transactions while the horizon stays below them', async () => {
    // Transaction ids above the snapshot's xmax keep the horizon below them (as, before ADR 0026, a long transaction
    // elsewhere did); two entries per transaction and batches of two end exactly on each.
    const base = BigInt(((await ds.query(`SELECT pg_current_xact_id()::text AS x`)) as { x: string }[])[0]!.x);
    const tx = (n: number) => String(base + 1_000_000n + BigInt(n));
    for (const n of [1, 2, 3]) {
      await rawEntry(D5, `cut-${n}-a`, 1, tx(n), 10);
      await rawEntry(D5, `cut-${n}-b`, 1, tx(n), 10);
    }
    for (let i = 0; i < 3; i++) expect(await projector.projectDistrict(D5, undefined, 2)).toBe(2);
    expect(await projector.projectDistrict(D5, undefined, 2)).toBe(0);
    expect(await projector.lag(D5)).toBe(0);
    expect((await snapshot(D5)).sessions).toHaveLength(6);
  });

  it('reads past a transaction left open elsewhere, then reads its entries whole when it commits', async () => {
    const entry = (sessionId: string, studentId: string, minutes: number) => ({
      vendorId: V1,
      sessionId,
      expectedVersion: 0,
      eventId: `${sessionId}-1`,
      eventType: 'org.tutoring.session.delivered.v1',
      schemaVersion: 1,
      districtId: D6,
      data: {
        sessionId,
        tutorId: TUTORS[0],
        groupId: null,
        attendance: [{ studentId, status: 'present', minutes }],
      },
      metadata: {},
      verdicts: [{ studentId, billable: true, exceptionCodes: [] }],
      localDate: '2026-11-03',
    });
    await append(D6, V1, 'before', 'delivered', 11);
    expect(await projector.catchUp()).toBe(1);
    const open = ds.createQueryRunner();
    await open.connect();
    try {
      await open.startTransaction();
      await open.query(`SELECT set_config('tutoring.district_id', $1, true)`, [D6]);
      const held = ((await open.query(`SELECT pg_current_xact_id()::text AS x`)) as { x: string }[])[0]!.x;
      for (let i = 0; i < 4; i++) {
        await append(D6, V1, `meanwhile-${i}`, 'delivered', 20 + i);
        expect(await projector.catchUp()).toBe(1);
      }
      // The horizon moved past the open transaction, which waits as pending: a read does not start below it and walk
      // over what was consumed meanwhile (before ADR 0026 the horizon stayed at the oldest running transaction).
      const cp = await inTenantTransaction(ds, D6, async (m) =>
        projector.store.checkpoint(m, D6, await projector.store.activeSlot(m)),
      );
      expect(BigInt(cp.horizon)).toBeGreaterThan(BigInt(held));
      expect(cp.pending).toContain(held);
      expect(cp.done).toEqual([]);
      // Three entries in one transaction, read in batches of two: the batch is cut inside it.
      await inTenantTransaction(ds, D6, async (m) => {
        for (const n of [0, 1, 2]) await ledger.append(m, entry(`cut-${n}`, uuid(601), 20));
      });
      expect(await projector.projectDistrict(D6, undefined, 2)).toBe(2);
      // The open transaction now appends three entries, below the horizon, and commits.
      for (const n of [0, 1, 2]) await ledger.append(open.manager, entry(`held-${n}`, uuid(600), 25));
      await open.commitTransaction();
    } finally {
      await open.release();
    }
    expect(await projector.lag(D6)).toBe(4);
    // Read whole although the batch size is two, before the rest of the transaction the last batch was cut in.
    expect(await projector.projectDistrict(D6, undefined, 2)).toBe(4);
    expect(await projector.projectDistrict(D6, undefined, 2)).toBe(0);
    expect(await projector.lag(D6)).toBe(0);
    const snap = await snapshot(D6);
    expect(snap.sessions.map((s) => s.split('|')[1])).toEqual([
      'before',
      'cut-0',
      'cut-1',
      'cut-2',
      'held-0',
      'held-1',
      'held-2',
      'meanwhile-0',
      'meanwhile-1',
      'meanwhile-2',
      'meanwhile-3',
    ]);
    // Each counted once: nothing skipped, nothing read twice.
    expect(snap.dosage).toContain(`${uuid(600)}|2026-W45|75|3`);
    expect(snap.dosage).toContain(`${uuid(601)}|2026-W45|60|3`);
  });

  it('isolates districts: a tenant transaction sees only its own read-model rows and checkpoints', async () => {
    const seen = await inTenantTransaction(
      ds,
      D2,
      async (m) =>
        (await m.query(
          `SELECT DISTINCT district_id FROM session_ledger.proj_dosage_weeks_a UNION SELECT DISTINCT district_id FROM session_ledger.proj_checkpoints`,
        )) as { district_id: string }[],
    );
    expect(seen.map((s) => s.district_id)).toEqual([D2]);
    expect(await ds.query(`SELECT count(*)::int AS n FROM session_ledger.proj_sessions_a`)).toEqual([{ n: 0 }]);
  });
});
