import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ReferenceStore, SESSION_LEDGER_MIGRATIONS } from '@tutoring/session-ledger/infrastructure';
import { contractsTesting, SessionDeliveredV1 } from '@tutoring/shared/contracts';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import { FreshDatabase, migratedServiceDatabase } from '@tutoring/shared/testing';
import { IngestOrigin, SessionIngestService } from './session-ingest.service';
import { mathProgram } from '../testing/reference-facts';

const SCHEMA = 'session_ledger';
const district = randomUUID();
const vendor: string = randomUUID();
const otherVendor = randomUUID();
const tutor = randomUUID();
const school = randomUUID();
const program = randomUUID();
const ana = randomUUID();

const session = (sessionId: string, over: Partial<SessionDeliveredV1> = {}): SessionDeliveredV1 =>
  contractsTesting.aSessionDelivered({
    sessionId,
    vendorId: vendor,
    districtId: district,
    tutorId: tutor,
    groupId: null,
    scheduledSessionId: null,
    subject: 'math',
    startedAt: '2026-11-03T10:00:00-06:00',
    endedAt: '2026-11-03T10:30:00-06:00',
    attendance: [{ studentId: ana, status: 'present', minutes: 30 }],
    notes: [],
    ...over,
  });

describe('SessionIngestService (real Postgres as the runtime role, RLS on)', () => {
  let db: FreshDatabase;
  let ds: DataSource;
  let service: SessionIngestService;
  let n = 0;

  const origin = (vendorId = vendor): IngestOrigin => ({
    channel: 'kafka',
    ref: `t/0/${n++}`,
    topic: `tutoring.vendor.${vendorId}.sessions.v1`,
    vendorId,
    metadata: {},
  });
  const ingest = (data: unknown, opts: { id?: string; type?: string; vendorId?: string } = {}) =>
    service.ingest(
      {
        ok: true,
        envelope: {
          id: opts.id ?? randomUUID(),
          source: `urn:tutoring:vendor:${opts.vendorId ?? vendor}`,
          type: opts.type ?? 'org.tutoring.session.delivered.v1',
          data,
        },
      },
      origin(opts.vendorId),
    );
  const tenant = <T>(work: (m: import('typeorm').EntityManager) => Promise<T>) =>
    inTenantTransaction(ds, district, work);

  beforeAll(async () => {
    ({ db, dataSource: ds } = await migratedServiceDatabase('ledger_ingest_svc', SCHEMA, SESSION_LEDGER_MIGRATIONS));
    service = new SessionIngestService(ds, SCHEMA, randomUUID);
    const ref = new ReferenceStore(SCHEMA);
    await tenant(async (m) => {
      for (const v of [vendor, otherVendor]) {
        await m.query(
          `INSERT INTO ${SCHEMA}.known_vendors (vendor_id, district_id, name, registered_at) VALUES ($1, $2, 'v', now())`,
          [v, district],
        );
        await m.query(`INSERT INTO ${SCHEMA}.vendor_topics (vendor_id) VALUES ($1)`, [v]);
      }
      await ref.apply(m, { kind: 'district', districtId: district, timeZone: 'America/Chicago' });
      await ref.apply(m, {
        kind: 'calendar',
        districtId: district,
        schoolId: school,
        from: '2026-07-01',
        to: '2027-06-30',
        days: [{ day: '2026-11-03', earlyRelease: false }],
      });
      await ref.apply(m, mathProgram(district, program, [vendor, otherVendor]));
      await ref.apply(m, { kind: 'student', studentId: ana, districtId: district, schoolId: school, grade: '4' });
      for (const v of [vendor, otherVendor]) {
        await ref.apply(m, {
          kind: 'enrolment',
          enrolmentId: randomUUID(),
          districtId: district,
          studentId: ana,
          programId: program,
          vendorId: v,
          schoolId: school,
          status: 'enrolled',
          consent: 'granted',
          startDate: '2026-09-01',
          endDate: null,
        });
      }
      await ref.apply(m, {
        kind: 'tutor',
        tutorId: tutor,
        districtId: district,
        vendorId: vendor,
        clearedUntil: '2027-06-30',
      });
    });
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('records a billable session with its verdicts, local date and interval index in one transaction, its messages left to the ledger publisher', async () => {
    const outcome = await ingest(session('s-ok'));
    expect(outcome).toMatchObject({ status: 'accepted', sessionId: 's-ok', exceptions: [] });
    const [entry] = (await tenant((m) =>
      m.query(
        `SELECT verdicts, local_date::text AS d, metadata->>'events' AS events FROM ${SCHEMA}.ledger_entries WHERE event_id = $1`,
        [outcome.eventId],
      ),
    )) as unknown[];
    expect(entry).toEqual({
      verdicts: [{ studentId: ana, billable: true, exceptionCodes: [] }],
      d: '2026-11-03',
      events: 'ledger-publisher',
    });
    // The feedback and the ledger event are the publisher's (publishing/ledger-publisher.int.spec.ts), not the outbox's.
    expect(await ds.query(`SELECT topic FROM ${SCHEMA}.outbox`)).toEqual([]);
    expect(await tenant((m) => m.query(`SELECT session_id FROM ${SCHEMA}.active_session_lines`))).toEqual([
      { session_id: 's-ok' },
    ]);
  });

  it('treats the same ce_id with the same data as a no-op even though jsonb reorders keys, and different data as a conflict', async () => {
    const id = randomUUID();
    const data = session('s-dup', { startedAt: '2026-11-03T12:00:00-06:00', endedAt: '2026-11-03T12:30:00-06:00' });
    const first = await ingest(data, { id });
    const again = await ingest({ ...data }, { id });
    expect(again).toEqual({ ...first, status: 'duplicate' });
    const conflict = await ingest({ ...data, subject: 'ela' }, { id });
    expect(conflict).toMatchObject({ status: 'rejected', errors: [{ path: 'ce_id', code: 'conflict' }] });
  });

  it('lets exactly one of two concurrent overlapping sessions of a student see the other (per-student lock)', async () => {
    const a = session('s-par-a', { startedAt: '2026-11-03T14:00:00-06:00', endedAt: '2026-11-03T14:30:00-06:00' });
    const b = {
      ...session('s-par-b', { startedAt: '2026-11-03T14:15:00-06:00', endedAt: '2026-11-03T14:45:00-06:00' }),
      vendorId: otherVendor,
    };
    const [ra, rb] = await Promise.all([ingest(a), ingest(b, { vendorId: otherVendor })]);
    const codes = [ra, rb].map((r) => (r.status === 'rejected' ? ['rejected'] : r.exceptions.map((e) => e.code)));
    // b's tutor belongs to the first vendor: that exception is constant; the overlap must be seen exactly once.
    const overlaps = codes.filter((c) => c.includes('overlapping_session')).length;
    expect(overlaps).toBe(1);
  });

  it('re-judges a correction against the other sessions, and a void removes the session from the interval index', async () => {
    await ingest(session('s-x', { startedAt: '2026-11-03T16:00:00-06:00', endedAt: '2026-11-03T16:30:00-06:00' }));
    const overlapping = await ingest(
      session('s-y', { startedAt: '2026-11-03T16:10:00-06:00', endedAt: '2026-11-03T16:40:00-06:00' }),
    );
    expect(overlapping).toMatchObject({ status: 'accepted', exceptions: [{ code: 'overlapping_session' }] });

    const voided = await ingest(
      { sessionId: 's-x', vendorId: vendor, districtId: district, reason: 'never happened' },
      { type: 'org.tutoring.session.voided.v1' },
    );
    expect(voided).toMatchObject({ status: 'accepted', exceptions: [] });
    const corrected = await ingest(
      {
        ...session('s-y', { startedAt: '2026-11-03T16:10:00-06:00', endedAt: '2026-11-03T16:40:00-06:00' }),
        reason: 're-sent after the void',
      },
      { type: 'org.tutoring.session.corrected.v1' },
    );
    expect(corrected).toMatchObject({ status: 'accepted', exceptions: [] });
    expect(
      await tenant((m) =>
        m.query(`SELECT session_id FROM ${SCHEMA}.active_session_lines WHERE session_id IN ('s-x', 's-y')`),
      ),
    ).toEqual([{ session_id: 's-y' }]);
  });

  it('files an undecodable message under the district its ce_districtid names, and without tenant data when none', async () => {
    const undecodable = {
      ok: false as const,
      errors: [{ path: 'value', code: 'not_json' as const, message: 'not JSON' }],
      eventId: null,
    };
    const named = { ...origin(), claimedDistrictId: district };
    const anonymous = origin();
    expect(await service.ingest(undecodable, named)).toMatchObject({ status: 'rejected' });
    expect(await service.ingest(undecodable, anonymous)).toMatchObject({ status: 'rejected' });
    expect(
      await tenant((m) =>
        m.query(`SELECT source_ref FROM ${SCHEMA}.ingest_rejections WHERE source_ref = ANY($1)`, [
          [named.ref, anonymous.ref],
        ]),
      ),
    ).toEqual([{ source_ref: named.ref }]);
    expect(
      await ds.query(`SELECT source_ref FROM ${SCHEMA}.unattributed_rejections WHERE source_ref = ANY($1)`, [
        [named.ref, anonymous.ref],
      ]),
    ).toEqual([{ source_ref: anonymous.ref }]);
  });
});
