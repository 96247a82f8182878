/**
 * Outages of the broker and of the database while the services run: readiness turns false, no process dies or
 * crash-loops, nothing written during the outage is lost, and everything recovers when the server is back.
 * This suite starts its own Kafka broker and its own PostgreSQL so it can stop them.
 */
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { DevIssuer, startDevIssuer } from '@tutoring/shared/auth';
import { vendorFeedbackTopic, vendorSessionsTopic } from '@tutoring/shared/contracts';
import { DEV_AUDIENCE, Stack, startStack } from '@tutoring/shared/dev-stack';
import { findFreePort, LocalKafka, LocalPostgres, startEmbeddedPostgres, startKafka } from '@tutoring/shared/local-infra';
import { waitFor } from '@tutoring/shared/testing';

const root = join(__dirname, '..', '..', '..');
const district = randomUUID();

describe('resilience: Kafka and PostgreSQL outages while the services run', () => {
  let kafka: LocalKafka;
  let postgres: LocalPostgres;
  let issuer: DevIssuer;
  let stack: Stack;
  let token: string;

  beforeAll(async () => {
    [kafka, postgres] = await Promise.all([startKafka({}), startEmbeddedPostgres({ port: await findFreePort() })]);
    issuer = await startDevIssuer({ audience: DEV_AUDIENCE, port: 0, log: () => undefined });
    stack = await startStack({
      root,
      postgresAdminUrl: postgres.adminUrl,
      kafkaBrokers: kafka.brokers,
      issuer,
      services: ['enrollment', 'session-ledger'],
      ports: { enrollment: await findFreePort(), 'session-ledger': await findFreePort() },
      logDir: join(root, 'tmp', 'e2e-logs', 'resilience'),
    });
    token = await issuer.mintToken({ sub: 'admin', roles: ['district_admin'], district_id: district });
  });

  afterAll(async () => {
    await stack?.stop();
    await issuer?.stop();
    await Promise.all([kafka?.stop(), postgres?.stop()]);
  });

  const registerVendor = async (name: string): Promise<string> => {
    const res = await fetch(`${stack.get('enrollment').url}/v1/vendors`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { vendorId: string }).vendorId;
  };

  const topicsExist = async (topics: string[]) => {
    const admin = new Kafka({ brokers: [kafka.brokers], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      expect(await admin.listTopics()).toEqual(expect.arrayContaining(topics));
    } finally {
      await admin.disconnect();
    }
  };

  const failingChecks = async (name: 'enrollment' | 'session-ledger'): Promise<string> => JSON.stringify((await stack.get(name).readiness()).body);

  it('Kafka down: not ready, still alive, the outbox holds the event; Kafka back: delivered and ready', async () => {
    await kafka.stop();
    for (const name of ['enrollment', 'session-ledger'] as const) {
      await waitFor(async () => expect((await stack.get(name).readiness()).status).toBe(503), { timeoutMs: 30_000, intervalMs: 500 });
      expect(await failingChecks(name)).toContain('kafka');
    }
    // The district keeps working: the registration commits with its event in the outbox.
    const vendorId = await registerVendor('Registered During Kafka Outage');
    await new Promise((r) => setTimeout(r, 5_000)); // long enough for a crash loop to show
    expect(stack.get('enrollment').running && stack.get('session-ledger').running).toBe(true);

    await kafka.start();
    for (const name of ['enrollment', 'session-ledger'] as const) {
      await waitFor(async () => expect((await stack.get(name).readiness()).status).toBe(200), { timeoutMs: 90_000, intervalMs: 500 });
    }
    await waitFor(() => topicsExist([vendorSessionsTopic(vendorId), vendorFeedbackTopic(vendorId)]), { timeoutMs: 90_000, intervalMs: 1_000 });
  });

  it('PostgreSQL down: not ready, still alive; PostgreSQL back: ready and writing again', async () => {
    await postgres.stop();
    for (const name of ['enrollment', 'session-ledger'] as const) {
      await waitFor(async () => expect((await stack.get(name).readiness()).status).toBe(503), { timeoutMs: 30_000, intervalMs: 500 });
      expect(await failingChecks(name)).toContain('postgres');
    }
    await new Promise((r) => setTimeout(r, 5_000));
    expect(stack.get('enrollment').running && stack.get('session-ledger').running).toBe(true);

    await postgres.start();
    for (const name of ['enrollment', 'session-ledger'] as const) {
      await waitFor(async () => expect((await stack.get(name).readiness()).status).toBe(200), { timeoutMs: 60_000, intervalMs: 500 });
    }
    const vendorId = await registerVendor('Registered After Postgres Outage');
    await waitFor(() => topicsExist([vendorSessionsTopic(vendorId)]), { timeoutMs: 60_000, intervalMs: 1_000 });
  });
});
