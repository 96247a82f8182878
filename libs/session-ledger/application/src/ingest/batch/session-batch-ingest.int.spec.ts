import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { vendorSessionsTopic } from '@tutoring/shared/contracts';
import {
  applyMigrations,
  createServiceDataSource,
  inTenantTransaction,
  provisionServiceDatabase,
} from '@tutoring/shared/persistence';
import { freshDatabase, FreshDatabase } from '@tutoring/shared/testing';
import {
  LedgerProjector,
  LedgerReader,
  LedgerStore,
  READER_START,
  SESSION_LEDGER_MIGRATIONS,
} from '@tutoring/session-ledger/infrastructure';
import { DecodedSessionMessage, IngestOrigin, SessionIngestService } from '../session-ingest.service';
import { BatchItem, SessionBatchIngest } from './session-batch-ingest';

const DISTRICT = '22222222-2222-4222-8222-222222222222';
const VENDOR = '11111111-1111-4111-8111-111111111111';
const student = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const TUTORS = [student(901), student(902)];

/** The n-th session: 3 of 7 students (so sessions share students and overlap), 30–45 minutes. */
const sessionData = (n: number, variant = 0): Record<string, unknown> => {
  const start = new Date(Date.UTC(2026, 8, 7 + (n % 10), 14 + (n % 3)));
  const minutes = 30 + ((n + variant * 7) % 16);
  return {
    sessionId: `s-${n}`,
    vendorId: VENDOR,
    districtId: DISTRICT,
    tutorId: TUTORS[n % 2],
    groupId: null,
    scheduledSessionId: null,
    subject: 'math',
    modality: 'virtual',
    startedAt: start.toISOString(),
    endedAt: new Date(start.getTime() + minutes * 60_000).toISOString(),
    attendance: [0, 1, 2].map((i) => ({
      studentId: student((n * 3 + i) % 7),
      status: (n + i + variant) % 11 === 0 ? 'absent_excused' : 'present',
      minutes: (n + i + variant) % 11 === 0 ? 0 : minutes - i,
    })),
  };
};
const topic = vendorSessionsTopic(VENDOR);

/** A stream with everything the batch must decide in order: corrections, voids, unknown sessions, duplicates, conflicts, overlaps. */
const messages = (): { id: string; type: string; data: Record<string, unknown> }[] => {
  const t = (k: string) => `org.tutoring.session.${k}.v1`;
  const out: { id: string; type: string; data: Record<string, unknown> }[] = [];
  for (let n = 0; n < 40; n++) {
    out.push({ id: `d-${n}`, type: t('delivered'), data: sessionData(n) }); // students overlap across sessions
    if (n % 5 === 1) out.push({ id: `c-${n}`, type: t('corrected'), data: { ...sessionData(n, 1), reason: 'fix' } });
    if (n % 7 === 2)
      out.push({
        id: `v-${n}`,
        type: t('voided'),
        data: { sessionId: `s-${n}`, vendorId: VENDOR, districtId: DISTRICT, reason: 'twice' },
      });
    if (n % 9 === 3) out.push({ id: `d-${n}`, type: t('delivered'), data: sessionData(n) }); // duplicate
    if (n % 11 === 4) out.push({ id: `d-${n}`, type: t('delivered'), data: sessionData(n, 3) }); // conflict
    if (n % 13 === 5)
      out.push({ id: `x-${n}`, type: t('corrected'), data: { ...sessionData(1000 + n), reason: 'unknown' } });
    if (n % 6 === 0) out.push({ id: `dd-${n}`, type: t('delivered'), data: sessionData(n) }); // same session again
    if (n % 8 === 7)
      out.push({ id: `after-void-${n}`, type: t('corrected'), data: { ...sessionData(n - 5), reason: 'x' } });
  }
  return out;
};

describe('batched ingest decides exactly as the per-message path (real Postgres, runtime role)', () => {
  const dbs: FreshDatabase[] = [];
  const sources: DataSource[] = [];

  const setUp = async (label: string): Promise<DataSource> => {
    const db = await freshDatabase(label);
    dbs.push(db);
    const urls = await provisionServiceDatabase(db.url, 'session_ledger');
    const config = {
      url: urls.runtimeUrl,
      migrationUrl: urls.migrationUrl,
      schema: 'session_ledger',
      applicationName: 'test',
    };
    await applyMigrations(config, SESSION_LEDGER_MIGRATIONS);
    const owner = createServiceDataSource({ ...config, url: db.url });
    await owner.initialize();
    await owner.query(`INSERT INTO session_ledger.known_vendors VALUES ($1, $2, 'v', now())`, [VENDOR, DISTRICT]);
    await owner.query(`INSERT INTO session_ledger.vendor_topics (vendor_id) VALUES ($1)`, [VENDOR]);
    await owner.query(`INSERT INTO session_ledger.ref_districts VALUES ($1, 'America/Chicago')`, [DISTRICT]);
    await owner.destroy();
    const ds = createServiceDataSource(config);
    await ds.initialize();
    sources.push(ds);
    return ds;
  };
  afterAll(async () => {
    for (const ds of sources) await ds.destroy();
    for (const db of dbs) await db.drop();
  });

  const itemOf = (m: { id: string; type: string; data: Record<string, unknown> }, ref: string): BatchItem => ({
    decoded: {
      ok: true,
      envelope: { id: m.id, source: `urn:tutoring:vendor:${VENDOR}`, type: m.type, districtid: DISTRICT, data: m.data },
    } as DecodedSessionMessage,
    origin: { channel: 'kafka', ref, topic, vendorId: VENDOR, metadata: {} } as IngestOrigin,
  });

  it('keeps a stream in version order for every ledger follower when another writer commits its earlier version mid-batch', async () => {
    const ds = await setUp('batch_interleaved');
    const single = new SessionIngestService(ds, 'session_ledger', randomUUID);
    const batch = new SessionBatchIngest(ds, 'session_ledger', single, randomUUID);
    const delivered = { id: 'http-d-500', type: 'org.tutoring.session.delivered.v1', data: sessionData(500) };
    const correction = sessionData(500, 1);
    const corrected = {
      id: 'kafka-c-500',
      type: 'org.tutoring.session.corrected.v1',
      data: { ...correction, reason: 'minutes fixed' },
    };

    // The Kafka batch (a correction of s-500 among other sessions) is held just before it reads the stream heads;
    // meanwhile the session's delivery arrives over HTTP and commits. The batch then sees that delivery and appends
    // the correction as version 2.
    let reachedHeads!: () => void;
    const atHeads = new Promise<void>((resolve) => (reachedHeads = resolve));
    let releaseHeads!: () => void;
    const released = new Promise<void>((resolve) => (releaseHeads = resolve));
    const heads = LedgerStore.prototype.streamHeads;
    const hold = jest.spyOn(LedgerStore.prototype, 'streamHeads').mockImplementationOnce(async function (
      this: LedgerStore,
      ...args: Parameters<LedgerStore['streamHeads']>
    ) {
      reachedHeads();
      await released;
      return heads.apply(this, args);
    });
    try {
      const running = batch.ingestBatch([
        itemOf({ id: 'kafka-d-501', type: delivered.type, data: sessionData(501) }, `${topic}/0/0`),
        itemOf(corrected, `${topic}/0/1`),
      ]);
      await atHeads;
      const http = await single.ingest(itemOf(delivered, 'http:1').decoded, {
        ...itemOf(delivered, 'http:1').origin,
        channel: 'http',
      } as IngestOrigin);
      expect(http.status).toBe('accepted');
      releaseHeads();
      expect((await running).map((o) => o.status)).toEqual(['accepted', 'accepted']);
    } finally {
      hold.mockRestore();
    }

    // Every follower reads the ledger in (transaction, position) order: for s-500 that must be version order.
    const stream = await inTenantTransaction(ds, DISTRICT, async (m) => {
      const { rows } = await new LedgerReader('session_ledger').readBatch(m, DISTRICT, READER_START, 100);
      return rows.filter((r) => r.sessionId === 's-500').map((r) => r.streamVersion);
    });
    expect(stream).toEqual([1, 2]);
    // So the read model holds the correction, not the superseded delivery.
    const projector = new LedgerProjector(ds, 'session_ledger');
    await projector.catchUp();
    const row = await inTenantTransaction(ds, DISTRICT, async (m) =>
      (
        await projector.store.loadSessions(m, DISTRICT, await projector.store.activeSlot(m), [
          { vendorId: VENDOR, sessionId: 's-500' },
        ])
      ).get(`${VENDOR}/s-500`),
    );
    const minutes = (correction.attendance as { minutes: number }[]).map((a) => a.minutes);
    expect(row?.lines.map((l) => l.minutes)).toEqual(minutes);
  });

  it('gives the same outcomes, ledger rows, verdicts and interval index, and is a no-op when redelivered', async () => {
    const [one, many] = [await setUp('batch_single'), await setUp('batch_many')];
    const items: BatchItem[] = messages().map((m, i) => ({
      decoded: {
        ok: true,
        envelope: {
          id: m.id,
          source: `urn:tutoring:vendor:${VENDOR}`,
          type: m.type,
          districtid: DISTRICT,
          data: m.data,
        },
      } as DecodedSessionMessage,
      origin: {
        channel: 'kafka',
        ref: `${topic}/0/${i}`,
        topic,
        vendorId: VENDOR,
        metadata: { offset: String(i) },
      } as IngestOrigin,
    }));
    const single = new SessionIngestService(one, 'session_ledger', randomUUID);
    const expected = [];
    for (const item of items) expected.push(await single.ingest(item.decoded, item.origin));
    const batch = new SessionBatchIngest(
      many,
      'session_ledger',
      new SessionIngestService(many, 'session_ledger', randomUUID),
      randomUUID,
    );
    const got = [...(await batch.ingestBatch(items.slice(0, 50))), ...(await batch.ingestBatch(items.slice(50)))];

    const strip = (o: { status: string }) => ({ ...o, ledgerPosition: undefined });
    expect(got.map(strip)).toEqual(expected.map(strip));
    expect(new Set(expected.map((o) => o.status))).toEqual(new Set(['accepted', 'duplicate', 'rejected']));

    const ledger = (ds: DataSource) =>
      ds.transaction(async (m) => {
        await m.query(`SELECT set_config('tutoring.district_id', $1, true)`, [DISTRICT]);
        return {
          entries: await m.query(
            `SELECT stream_id, stream_version, event_id, event_type, data, verdicts, local_date::text FROM session_ledger.ledger_entries ORDER BY stream_id, stream_version`,
          ),
          lines: await m.query(
            `SELECT vendor_id, session_id, student_id, starts_at FROM session_ledger.active_session_lines ORDER BY 1, 2, 3`,
          ),
          rejections: await m.query(
            `SELECT source_ref, errors FROM session_ledger.ingest_rejections ORDER BY source_ref`,
          ),
          outbox: await m.query(
            `SELECT topic, payload->>'type' AS type FROM session_ledger.outbox ORDER BY topic, type`,
          ),
        };
      });
    expect(await ledger(many)).toEqual(await ledger(one));

    // Redelivery of the whole batch (crash before the offset commit): nothing changes.
    const before = await ledger(many);
    await batch.ingestBatch(items);
    expect(await ledger(many)).toEqual(before);
  });
});
