import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import {
  LedgerFollowers,
  LedgerProjector,
  LedgerStore,
  publisherLockKey,
  ReferenceStore,
  SESSION_LEDGER_MIGRATIONS,
} from '@tutoring/session-ledger/infrastructure';
import { contractsTesting, LEDGER_TOPIC, vendorFeedbackTopic } from '@tutoring/shared/contracts';
import { createKafka, KafkaAdmin, KafkaMessageProducer } from '@tutoring/shared/messaging';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import { collectMessages, FreshDatabase, migratedServiceDatabase, testKafkaBrokers } from '@tutoring/shared/testing';
import { SessionIngestService } from '../ingest/session-ingest.service';
import { LedgerPublisher } from './ledger-publisher';

jest.setTimeout(120_000);

const SCHEMA = 'session_ledger';
const district = randomUUID();
const vendor = randomUUID();
const tutor = randomUUID();
const student = randomUUID();

describe('LedgerPublisher (real Postgres and Kafka): the ledger is the outbox of its own events', () => {
  let db: FreshDatabase;
  let ds: DataSource;
  let producer: KafkaMessageProducer;
  const tenant = <T>(work: (m: EntityManager) => Promise<T>) => inTenantTransaction(ds, district, work);

  beforeAll(async () => {
    ({ db, dataSource: ds } = await migratedServiceDatabase('ledger_publisher', SCHEMA, SESSION_LEDGER_MIGRATIONS));
    const kafka = createKafka({ brokers: testKafkaBrokers().split(','), clientId: 'ledger-publisher-int' });
    await new KafkaAdmin(kafka).ensureTopics([{ topic: vendorFeedbackTopic(vendor) }, { topic: LEDGER_TOPIC }]);
    producer = new KafkaMessageProducer(kafka);
    await tenant(async (m) => {
      await m.query(
        `INSERT INTO ${SCHEMA}.known_vendors (vendor_id, district_id, name, registered_at) VALUES ($1, $2, 'v', now())`,
        [vendor, district],
      );
      await new ReferenceStore(SCHEMA).apply(m, {
        kind: 'district',
        districtId: district,
        timeZone: 'America/Chicago',
      });
    });
  });
  /** A ledger entry as written before ADR 0022: the publisher consumes (counts) it but does not send it. */
  const legacyEntry = (sessionId: string) => ({
    vendorId: vendor,
    sessionId,
    expectedVersion: 0,
    eventId: randomUUID(),
    eventType: 'org.tutoring.session.delivered.v1',
    schemaVersion: 1,
    districtId: district,
    data: {},
    metadata: { channel: 'http', ref: sessionId },
    verdicts: [],
    localDate: '2026-11-03',
  });
  afterAll(async () => {
    await producer?.disconnect();
    await ds?.destroy();
    await db?.drop();
  });

  it('sends each recorded entry once per checkpoint, in stream order, under ce_ids a resend repeats; never an entry whose messages are in the outbox', async () => {
    const ingest = new SessionIngestService(ds, SCHEMA, randomUUID);
    const delivered = (sessionId: string, minutes: number) =>
      contractsTesting.aSessionDelivered({
        sessionId,
        vendorId: vendor,
        districtId: district,
        tutorId: tutor,
        groupId: null,
        scheduledSessionId: null,
        startedAt: '2026-11-03T10:00:00-06:00',
        endedAt: '2026-11-03T10:30:00-06:00',
        attendance: [{ studentId: student, status: 'present', minutes }],
        notes: [],
      });
    let ref = 0;
    const send = (type: string, data: unknown) =>
      ingest.ingest(
        { ok: true, envelope: { id: randomUUID(), source: `urn:tutoring:vendor:${vendor}`, type, data } },
        {
          channel: 'kafka',
          ref: `t/0/${ref++}`,
          topic: `tutoring.vendor.${vendor}.sessions.v1`,
          vendorId: vendor,
          metadata: {},
        },
      );
    const first = await send('org.tutoring.session.delivered.v1', delivered('s-1', 30));
    const corrected = await send('org.tutoring.session.corrected.v1', { ...delivered('s-1', 20), reason: 'late' });
    const other = await send('org.tutoring.session.delivered.v1', delivered('s-2', 30));
    // An entry written before the publisher existed: its feedback and ledger event went through the outbox.
    await tenant((m) =>
      new LedgerStore(SCHEMA).append(m, {
        vendorId: vendor,
        sessionId: 's-legacy',
        expectedVersion: 0,
        eventId: randomUUID(),
        eventType: 'org.tutoring.session.delivered.v1',
        schemaVersion: 1,
        districtId: district,
        data: delivered('s-legacy', 30),
        metadata: { channel: 'kafka', ref: 'legacy' },
        verdicts: [],
        localDate: '2026-11-03',
      }),
    );
    const positions = [first, corrected, other].map((o) => (o as { ledgerPosition: number }).ledgerPosition);

    const publisher = new LedgerPublisher(ds, SCHEMA, producer, { batchSize: 2 });
    expect(await publisher.publishAll()).toBe(4); // entries consumed, the legacy one included (and skipped)
    expect(await publisher.publishAll()).toBe(0); // the checkpoint moved with the send

    const ours = (m: { headers: Record<string, string> }) => m.headers['ce_districtid'] === district;
    const feedback = (await collectMessages(testKafkaBrokers(), vendorFeedbackTopic(vendor), { count: 3 })).filter(
      ours,
    );
    const recorded = (await collectMessages(testKafkaBrokers(), LEDGER_TOPIC, { timeoutMs: 5_000 })).filter(ours);
    const data = (m: { value: string | null }) => JSON.parse(m.value ?? 'null') as Record<string, unknown>;
    // Order holds per key (one partition each); across keys the topic's partitions interleave.
    expect(feedback.map((m) => data(m)['ledgerPosition'] as number).sort((a, b) => a - b)).toEqual(positions);
    expect(feedback.map((m) => m.headers['ce_type'])).toEqual(Array(3).fill('org.tutoring.session.accepted.v1'));
    // One partition per key: s-1's two versions in stream order.
    expect(recorded.filter((m) => m.key === `${vendor}:s-1`).map((m) => data(m)['streamVersion'])).toEqual([1, 2]);
    expect(recorded.map((m) => data(m)['sessionId']).sort()).toEqual(['s-1', 's-1', 's-2']);

    // A crash after the broker's ack and before the checkpoint's commit: the same entries again, the same ce_ids.
    await tenant((m) => m.query(`DELETE FROM ${SCHEMA}.proj_checkpoints WHERE projection = 'ledger-events'`));
    expect(await publisher.publishAll()).toBe(4);
    const again = (await collectMessages(testKafkaBrokers(), vendorFeedbackTopic(vendor), { count: 6 })).filter(ours);
    const ids = feedback.map((m) => m.headers['ce_id']).sort();
    expect(again.map((m) => m.headers['ce_id']).sort()).toEqual([...ids, ...ids].sort());
  });

  it('reports how far the read models and the ledger events are behind the ledger, each on its own', async () => {
    const followers = new LedgerFollowers(SCHEMA);
    const behind = async () =>
      Object.fromEntries((await tenant((m) => followers.status(m, district))).map((f) => [f.follower, f.behind]));
    const committed = Number(
      (
        await tenant((m) =>
          m.query(`SELECT count(*) AS n FROM ${SCHEMA}.ledger_entries WHERE district_id = $1`, [district]),
        )
      )[0].n,
    );
    // The test above published every entry; nothing has projected them yet.
    expect(await behind()).toEqual({ 'read-models': committed, 'ledger-events': 0 });
    await new LedgerProjector(ds, SCHEMA).catchUp();
    expect(await behind()).toEqual({ 'read-models': 0, 'ledger-events': 0 });

    // An entry whose transaction commits late, after a later writer's and after the publisher passed both: the
    // publisher keeps it pending, and it is counted once it commits (the pending branch of the count).
    const store = new LedgerStore(SCHEMA);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let appended!: () => void;
    const written = new Promise<void>((resolve) => (appended = resolve));
    const late = tenant(async (m) => {
      await store.append(m, legacyEntry('s-late'));
      appended();
      await gate;
    });
    await written;
    await tenant((m) => store.append(m, legacyEntry('s-on-time')));
    expect(await behind()).toEqual({ 'read-models': 1, 'ledger-events': 1 });
    const publisher = new LedgerPublisher(ds, SCHEMA, producer);
    expect(await publisher.publishAll()).toBe(1);
    expect(await behind()).toEqual({ 'read-models': 1, 'ledger-events': 0 });
    release();
    await late;
    expect(await behind()).toEqual({ 'read-models': 2, 'ledger-events': 1 });
    expect(await publisher.publishAll()).toBe(1);
    expect(await behind()).toEqual({ 'read-models': 2, 'ledger-events': 0 });
    const status = await tenant((m) => followers.status(m, district));
    expect(status.find((f) => f.follower === 'ledger-events')?.checkpointAt).toMatch(/^\d{4}-\d{2}-\d{2}T.*Z$/);
  });

  it('passes a district over while another replica holds its lock, and takes it up once released', async () => {
    await tenant((m) => new LedgerStore(SCHEMA).append(m, legacyEntry('s-held')));
    const publisher = new LedgerPublisher(ds, SCHEMA, producer);
    const replica = ds.createQueryRunner();
    await replica.connect();
    try {
      // The other replica's lock, as the ingest benchmark takes it to measure the ingest without the publisher.
      await replica.query('SELECT pg_advisory_lock(hashtext($1))', [publisherLockKey(SCHEMA, district)]);
      expect(await publisher.publishDistrict(district)).toBe(0);
      await replica.query('SELECT pg_advisory_unlock(hashtext($1))', [publisherLockKey(SCHEMA, district)]);
      expect(await publisher.publishDistrict(district)).toBe(1);
    } finally {
      await replica.release();
    }
  });
});
