import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  evolveEnrolment,
  initialEnrolmentState,
  type EnrolmentCommand,
  type EnrolmentEvent,
  type ProgramTerms,
} from '@tutoring/enrollment/domain';
import {
  applyMigrations,
  createServiceDataSource,
  inTenantTransaction,
  provisionServiceDatabase,
} from '@tutoring/shared/persistence';
import { freshDatabase, FreshDatabase } from '@tutoring/shared/testing';
import { ENROLLMENT_MIGRATIONS } from '../migrations';
import { PostgresEnrolmentStore } from './enrolment.store';

const districtId = randomUUID();
const schoolId = randomUUID();
const vendorId = randomUUID();
const program: ProgramTerms = {
  programId: randomUUID(),
  consentMode: 'opt_in',
  vendorIds: [vendorId],
  startDate: '2026-09-08',
  endDate: '2027-05-28',
};

describe('enrolment store (real Postgres, runtime role)', () => {
  let db: FreshDatabase;
  let ds: DataSource;
  let store: PostgresEnrolmentStore;
  const stamp = { now: new Date('2026-09-01T12:00:00Z'), newId: randomUUID };
  const at = stamp.now.toISOString();

  beforeAll(async () => {
    db = await freshDatabase('enrolment_store');
    const urls = await provisionServiceDatabase(db.url, 'enrollment');
    const config = {
      url: urls.runtimeUrl,
      migrationUrl: urls.migrationUrl,
      schema: 'enrollment',
      applicationName: 'test',
    };
    await applyMigrations(config, ENROLLMENT_MIGRATIONS);
    ds = createServiceDataSource(config);
    await ds.initialize();
    store = new PostgresEnrolmentStore(ds, 'enrollment');
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const tenant = <T>(work: (m: import('typeorm').EntityManager) => Promise<T>) =>
    inTenantTransaction(ds, districtId, work);

  it('snapshots equal the rebuild from the append-only stream; UPDATE and DELETE of the stream are refused', async () => {
    const enrolments = Array.from({ length: 5 }, () => ({ enrolmentId: randomUUID(), studentId: randomUUID() }));
    const steps = (e: { enrolmentId: string; studentId: string }, i: number): EnrolmentCommand[] => [
      { type: 'IdentifyStudent', data: { ...e, schoolId, program, at } },
      { type: 'InviteFamily', data: { at } },
      { type: 'RecordConsent', data: { decision: i % 2 ? 'granted' : 'refused', date: '2026-09-02', at } },
      ...(i % 2
        ? ([{ type: 'EnrolStudent', data: { vendorId, startDate: '2026-09-14', program, at } }] as EnrolmentCommand[])
        : []),
    ];
    for (const [i, e] of enrolments.entries()) {
      for (const command of steps(e, i)) {
        await store.execute(districtId, e.enrolmentId, () => command, stamp);
      }
    }
    const events = (await tenant((m) =>
      m.query(`SELECT enrolment_id, type, data FROM enrollment.enrolment_events ORDER BY enrolment_id, version`),
    )) as (EnrolmentEvent & {
      enrolment_id: string;
    })[];
    const rebuilt = new Map<string, unknown>();
    for (const e of events)
      rebuilt.set(e.enrolment_id, evolveEnrolment((rebuilt.get(e.enrolment_id) as never) ?? initialEnrolmentState, e));
    const snapshots = (await tenant((m) => m.query(`SELECT enrolment_id, snapshot FROM enrollment.enrolments`))) as {
      enrolment_id: string;
      snapshot: unknown;
    }[];
    expect(new Map(snapshots.map((s) => [s.enrolment_id, s.snapshot]))).toEqual(rebuilt);
    expect(snapshots.filter((s) => (s.snapshot as { status: string }).status === 'enrolled')).toHaveLength(2);
    await expect(tenant((m) => m.query(`UPDATE enrollment.enrolment_events SET type = 'x'`))).rejects.toThrow(
      /append-only/,
    );
    await expect(tenant((m) => m.query(`DELETE FROM enrollment.enrolment_events`))).rejects.toThrow(/append-only/);
  });

  it('publishes each change on the students topic, and on the vendor topic only once a vendor serves the student', async () => {
    const e = { enrolmentId: randomUUID(), studentId: randomUUID() };
    await store.execute(
      districtId,
      e.enrolmentId,
      () => ({ type: 'IdentifyStudent', data: { ...e, schoolId, program, at } }),
      stamp,
    );
    await store.execute(districtId, e.enrolmentId, () => ({ type: 'InviteFamily', data: { at } }), stamp);
    await store.execute(
      districtId,
      e.enrolmentId,
      () => ({ type: 'RecordConsent', data: { decision: 'granted', date: '2026-09-02', at } }),
      stamp,
    );
    await store.execute(
      districtId,
      e.enrolmentId,
      () => ({ type: 'EnrolStudent', data: { vendorId, startDate: '2026-09-14', program, at } }),
      stamp,
    );
    const rows = (await tenant((m) =>
      m.query(`SELECT topic, payload FROM enrollment.outbox WHERE message_key = $1 ORDER BY id`, [e.studentId]),
    )) as {
      topic: string;
      payload: { data: { status: string } };
    }[];
    expect(rows.map((r) => `${r.topic.includes('.vendor.') ? 'vendor' : 'students'}:${r.payload.data.status}`)).toEqual(
      ['students:identified', 'students:invited', 'students:consented', 'students:enrolled', 'vendor:enrolled'],
    );
  });
});
