/**
 * Fault test: the session-ledger process is SIGKILLed at random moments while it ingests 50k vendor events, and
 * restarted each time. Afterwards every event is in the ledger exactly once, nothing was skipped, the dosage and
 * payment read models equal a blue/green rebuild from position 0, and their minutes equal an independent
 * computation from what the vendor sent.
 */
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { DevIssuer, startDevIssuer } from '@tutoring/shared/auth';
import { ENROLLMENT_VENDORS_TOPIC, VENDOR_REGISTERED_V1, vendorSessionsTopic } from '@tutoring/shared/contracts';
import { DEV_AUDIENCE, Stack, startStack } from '@tutoring/shared/dev-stack';
import { findFreePort, LocalKafka, startKafka } from '@tutoring/shared/local-infra';
import { createServiceDataSource, inTenantTransaction, provisionServiceDatabase } from '@tutoring/shared/persistence';
import {
  expectedMinutesPerStudent,
  freshDatabase,
  FreshDatabase,
  sessionWorkload,
  SessionPlan,
  toKafkaMessage,
  waitFor,
} from '@tutoring/shared/testing';
import { LedgerProjector } from '@tutoring/session-ledger/infrastructure';

const root = join(__dirname, '..', '..', '..', '..');
const EVENTS = Number(process.env['LEDGER_FAULT_EVENTS'] ?? 50_000);
const KILLS = Number(process.env['LEDGER_FAULT_KILLS'] ?? 3);
const seed = Number(process.env['LEDGER_FAULT_SEED'] ?? Date.now() % 100_000);

const random = (() => {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
})();

describe('session-ledger survives SIGKILL during a 50k-event ingest', () => {
  // Its own broker: 50k events on the suite's shared broker would land on the shared ledger topic and every later
  // suite's consumers (outcomes, notifications) would have to read through them first.
  let broker: LocalKafka;
  let brokers: string;
  const plan: SessionPlan = {
    vendorId: randomUUID(),
    districtId: randomUUID(),
    students: 3_000,
    termStart: '2026-09-07',
    weeks: 12,
  };
  let db: FreshDatabase;
  let issuer: DevIssuer;
  let stack: Stack;
  let admin: Client;

  beforeAll(async () => {
    broker = await startKafka({});
    brokers = broker.brokers;
    db = await freshDatabase('ledger_faults');
    issuer = await startDevIssuer({ audience: DEV_AUDIENCE, port: 0, log: () => undefined });
    stack = await startStack({
      root,
      postgresAdminUrl: db.url,
      kafkaBrokers: brokers,
      issuer,
      services: ['session-ledger'],
      ports: { 'session-ledger': await findFreePort() },
      logDir: join(root, 'tmp', 'e2e-logs', 'ledger-faults'),
      logLevel: process.env['LEDGER_FAULT_LOG_LEVEL'] ?? 'warn',
      // a SIGKILLed member holds its partitions until its session expires: the broker's minimum, as a district
      // would configure for fast failover, keeps each restart's wait short
      extraEnv: { 'session-ledger': { KAFKA_SESSION_TIMEOUT_MS: '6000' } },
    });
    admin = new Client({ connectionString: db.url });
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.end();
    await stack?.stop();
    await issuer?.stop();
    await broker?.destroy();
    if (!process.env['LEDGER_FAULT_KEEP_DB']) await db?.drop();
  });

  const scalar = async (sql: string, params: unknown[] = []): Promise<number> =>
    Number(((await admin.query(sql, params)).rows[0] as { n: string }).n);

  it('has every event exactly once and read models equal to a rebuild after repeated SIGKILLs', async () => {
    const started = Date.now();
    const ledger = stack.get('session-ledger');
    await ledger.waitReady();

    const kafka = new Kafka({ brokers: [brokers], clientId: 'ledger-faults-vendor', logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({
      topic: ENROLLMENT_VENDORS_TOPIC,
      messages: [
        {
          key: plan.vendorId,
          value: JSON.stringify({
            vendorId: plan.vendorId,
            districtId: plan.districtId,
            name: 'Fault Test Tutoring',
            registeredAt: new Date().toISOString(),
          }),
          headers: {
            ce_specversion: '1.0',
            ce_id: randomUUID(),
            ce_source: 'urn:tutoring:service:enrollment',
            ce_type: VENDOR_REGISTERED_V1,
            ce_time: new Date().toISOString(),
            ce_districtid: plan.districtId,
            'content-type': 'application/json',
          },
        },
      ],
    });
    await waitFor(
      async () =>
        expect(
          await scalar(`SELECT count(*) AS n FROM session_ledger.vendor_topics WHERE vendor_id = $1`, [plan.vendorId]),
        ).toBe(1),
      {
        timeoutMs: 60_000,
        intervalMs: 250,
      },
    );

    const { events, unique } = sessionWorkload(plan, EVENTS);
    const topic = vendorSessionsTopic(plan.vendorId);
    for (let i = 0; i < events.length; i += 2_000) {
      await producer.send({ topic, messages: events.slice(i, i + 2_000).map((e) => toKafkaMessage(plan, e)) });
    }
    await producer.disconnect();
    const produced = Date.now();

    const entries = () => scalar(`SELECT count(*) AS n FROM session_ledger.ledger_entries`);
    const kills: number[] = [];
    for (let k = 0; k < KILLS; k++) {
      await new Promise((r) => setTimeout(r, 1_500 + random() * 4_000));
      kills.push(await entries());
      await ledger.kill();
      ledger.start();
      await ledger.waitReady();
    }
    await waitFor(async () => expect(await entries()).toBe(unique.length), { timeoutMs: 360_000, intervalMs: 1_000 });
    const ingested = Date.now();
    // The projector has consumed every committed entry.
    const urls = await provisionServiceDatabase(db.url, 'session_ledger');
    const ds: DataSource = createServiceDataSource({
      url: urls.runtimeUrl,
      schema: 'session_ledger',
      applicationName: 'ledger-faults',
    });
    await ds.initialize();
    const projector = new LedgerProjector(ds, 'session_ledger', { batchSize: 5_000 });
    await waitFor(async () => expect(await projector.lag(plan.districtId)).toBe(0), {
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    const projected = Date.now();
    await ledger.stop();

    // Exactly once: every ce_id the vendor sent (and that the ledger must accept) is there, none twice.
    const ids = (await admin.query(`SELECT event_id FROM session_ledger.ledger_entries`)).rows as {
      event_id: string;
    }[];
    expect(ids.length).toBe(unique.length);
    expect(new Set(ids.map((r) => r.event_id))).toEqual(new Set(unique.map((u) => u.eventId)));
    expect(kills.some((n) => n > 0 && n < unique.length)).toBe(true); // at least one kill landed mid-ingest

    // Read models == blue/green rebuild, row for row; and minutes == what the vendor's final sessions say.
    try {
      const live = await inTenantTransaction(ds, plan.districtId, async (m) =>
        projector.store.snapshot(m, plan.districtId, await projector.store.activeSlot(m)),
      );
      const rebuilt = await projector.rebuild();
      const fresh = await inTenantTransaction(ds, plan.districtId, (m) =>
        projector.store.snapshot(m, plan.districtId, rebuilt.slot),
      );
      expect(fresh).toEqual(live);
      const minutes = new Map(
        (
          (
            await admin.query(
              `SELECT student_id, sum(attended_minutes)::int AS m FROM session_ledger.proj_dosage_weeks_${rebuilt.slot} GROUP BY student_id`,
            )
          ).rows as {
            student_id: string;
            m: number;
          }[]
        ).map((r) => [r.student_id, r.m]),
      );
      expect(minutes).toEqual(expectedMinutesPerStudent(unique));
    } finally {
      await ds.destroy();
    }
    process.stdout.write(
      `[ledger-faults] seed ${seed}: ${events.length} messages produced in ${(produced - started) / 1000}s, ${KILLS} SIGKILLs at ledger counts ${kills.join(', ')}, ` +
        `all ${unique.length} entries after ${(ingested - produced) / 1000}s, projected after ${(projected - produced) / 1000}s, total ${(Date.now() - started) / 1000}s\n`,
    );
  }, 540_000); // bound for a shared, loaded machine; measured runtimes in docs/services/session-ledger.md
});
