/**
 * Kafka credentials per vendor, end to end on a SASL/SCRAM broker with ACLs enforced (issue 3, item 5): the platform's
 * services connect as their own SCRAM users; registering a vendor (the normal POST /v1/vendors) creates its SCRAM user
 * and ACLs and answers its password once; rotation gives a new one; vendor A can then publish to its sessions topic
 * and read its feedback, and can neither publish to vendor B's sessions topic nor read vendor B's feedback.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  Kafka,
  logLevel,
  ResourcePatternTypes,
  type KafkaConfig,
} from 'kafkajs';
import { startDevIssuer, type DevIssuer } from '@tutoring/shared/auth';
import { vendorFeedbackTopic, vendorSessionsTopic } from '@tutoring/shared/contracts';
import { DEV_AUDIENCE, startStack, type Stack } from '@tutoring/shared/dev-stack';
import { findFreePort, startKafka, type LocalKafka } from '@tutoring/shared/local-infra';
import { KafkaScramAdmin } from '@tutoring/shared/messaging';
import { consumeFirstMessage, freshDatabase, waitFor, type FreshDatabase } from '@tutoring/shared/testing';

const root = join(__dirname, '..', '..', '..', '..');
const logDir = join(root, 'tmp', 'e2e-logs', 'vendor-kafka-access', randomUUID());
const ADMIN = { adminUser: 'admin', adminPassword: 'admin-secret' };
const SERVICES = ['enrollment', 'session-ledger'] as const;
const servicePassword = (s: string) => `svc-${s}-${randomUUID()}`;
const quiet = { logLevel: logLevel.NOTHING, connectionTimeout: 5_000 };

interface Credentials {
  vendorId: string;
  username: string;
  password: string;
  mechanism: string;
  bootstrapServers: string[];
  topics: { sessions: string; feedback: string; assignments: string };
  consumerGroupPrefix: string;
}

describe('per-vendor Kafka credentials on a SASL broker (services as their own SCRAM users)', () => {
  let kafka: LocalKafka;
  let db: FreshDatabase;
  let issuer: DevIssuer;
  let stack: Stack;
  const districtA = randomUUID();
  const districtB = randomUUID();
  const passwords = Object.fromEntries(SERVICES.map((s) => [s, servicePassword(s)])) as Record<
    (typeof SERVICES)[number],
    string
  >;
  const creds: Record<'A' | 'B', Credentials | null> = { A: null, B: null };
  const registrationPasswords: string[] = [];
  const adminSasl = () => ({
    mechanism: 'scram-sha-256' as const,
    username: ADMIN.adminUser,
    password: ADMIN.adminPassword,
  });

  const http = async (path: string, token: string, init: { method?: string; body?: unknown } = {}) => {
    const res = await fetch(`${stack.get('enrollment').url}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    return {
      status: res.status,
      headers: res.headers,
      body: (await res.json().catch(() => null)) as Record<string, unknown> | null,
    };
  };
  const minted: string[] = [];
  const token = async (district: string, roles: string[]) => {
    const t = await issuer.mintToken({ sub: `e2e-${roles[0]}`, roles, district_id: district });
    minted.push(t);
    return t;
  };

  const vendorClient = (c: Credentials): KafkaConfig => ({
    clientId: c.username,
    brokers: c.bootstrapServers,
    sasl: { mechanism: 'scram-sha-512', username: c.username, password: c.password },
    retry: { retries: 0 },
    ...quiet,
  });
  const produce = async (config: KafkaConfig, topic: string, value: string, headers: Record<string, string> = {}) => {
    const producer = new Kafka(config).producer();
    await producer.connect();
    try {
      await producer.send({ topic, messages: [{ key: 'session-1', value, headers }] });
    } finally {
      await producer.disconnect();
    }
  };
  const consumeOne = async (config: KafkaConfig, topic: string, groupId: string): Promise<Record<string, string>> =>
    (await consumeFirstMessage(config, topic, groupId)).headers;

  beforeAll(async () => {
    kafka = await startKafka({ sasl: ADMIN });
    // The platform's services: one SCRAM user each, with the ACLs a service needs (topics under tutoring., its
    // consumer groups, creating topics and managing vendor credentials on the cluster). Not super users.
    await new KafkaScramAdmin({ brokers: [kafka.brokers], clientId: 'setup', sasl: adminSasl() }).upsert(
      SERVICES.map((s) => ({ user: `svc-${s}`, mechanism: 'scram-sha-512' as const, password: passwords[s] })),
    );
    const admin = new Kafka({ clientId: 'setup', brokers: [kafka.brokers], sasl: adminSasl(), ...quiet }).admin();
    await admin.connect();
    const allow = (
      principal: string,
      resourceType: AclResourceTypes,
      resourceName: string,
      pattern: ResourcePatternTypes,
    ) => ({
      resourceType,
      resourceName,
      resourcePatternType: pattern,
      principal,
      host: '*',
      operation: AclOperationTypes.ALL,
      permissionType: AclPermissionTypes.ALLOW,
    });
    await admin.createAcls({
      acl: SERVICES.flatMap((s) => [
        allow(`User:svc-${s}`, AclResourceTypes.TOPIC, 'tutoring.', ResourcePatternTypes.PREFIXED),
        allow(`User:svc-${s}`, AclResourceTypes.GROUP, '*', ResourcePatternTypes.LITERAL),
        allow(`User:svc-${s}`, AclResourceTypes.CLUSTER, 'kafka-cluster', ResourcePatternTypes.LITERAL),
      ]),
    });
    await admin.disconnect();

    db = await freshDatabase('vendor_kafka_access');
    issuer = await startDevIssuer({ audience: DEV_AUDIENCE, port: 0, log: () => undefined });
    stack = await startStack({
      root,
      postgresAdminUrl: db.url,
      kafkaBrokers: kafka.brokers,
      issuer,
      services: SERVICES,
      ports: { enrollment: await findFreePort(), 'session-ledger': await findFreePort() },
      logDir,
      logLevel: 'debug',
      extraEnv: Object.fromEntries(
        SERVICES.map((s) => [
          s,
          { KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: `svc-${s}`, KAFKA_SASL_PASSWORD: passwords[s] },
        ]),
      ),
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await issuer?.stop();
    await db?.drop();
    await kafka?.destroy();
  });

  it('registering a vendor creates its Kafka user and ACLs and answers the password once; rotation replaces it', async () => {
    for (const [key, district] of [
      ['A', districtA],
      ['B', districtB],
    ] as const) {
      const admin = await token(district, ['district_admin']);
      const vendor = await http('/v1/vendors', admin, { method: 'POST', body: { name: `Kafka Vendor ${key}` } });
      expect(vendor.status).toBe(201);
      expect(vendor.headers.get('cache-control')).toBe('no-store');
      const vendorId = String(vendor.body?.['vendorId']);
      const issued = vendor.body?.['kafkaCredentials'] as (Credentials & { status: string }) | undefined;
      expect(issued).toMatchObject({
        status: 'issued',
        vendorId,
        username: `vendor-${vendorId}`,
        mechanism: 'SCRAM-SHA-512',
      });
      creds[key] = issued as Credentials;
      registrationPasswords.push(String(issued?.password));
      // session-ledger opens the vendor's topics once it consumes the registration
      const probe = new Kafka({ clientId: 'probe', brokers: [kafka.brokers], sasl: adminSasl(), ...quiet }).admin();
      await probe.connect();
      await waitFor(
        async () =>
          expect(await probe.listTopics()).toEqual(
            expect.arrayContaining([vendorSessionsTopic(vendorId), vendorFeedbackTopic(vendorId)]),
          ),
        {
          timeoutMs: 30_000,
          intervalMs: 500,
        },
      );
      await probe.disconnect();
    }
    // the rotation call still works (a lost password, a compromised one): a new password, shown once
    const b = creds.B as Credentials;
    const rotated = await http(
      `/v1/vendors/${b.vendorId}/kafka-credentials`,
      await token(districtB, ['district_admin']),
      {
        method: 'POST',
      },
    );
    expect(rotated.status).toBe(201);
    expect(rotated.headers.get('cache-control')).toBe('no-store');
    expect(rotated.body).toMatchObject({ vendorId: b.vendorId, username: `vendor-${b.vendorId}` });
    expect(rotated.body?.['password']).not.toBe(b.password);
    creds.B = rotated.body as unknown as Credentials;
  });

  it('only a district admin of the vendor district may issue them', async () => {
    const a = creds.A as Credentials;
    expect(
      (
        await http(`/v1/vendors/${a.vendorId}/kafka-credentials`, await token(districtA, ['program_manager']), {
          method: 'POST',
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await http(`/v1/vendors/${a.vendorId}/kafka-credentials`, await token(districtB, ['district_admin']), {
          method: 'POST',
        })
      ).status,
    ).toBe(404);
  });

  it("vendor A, with the password from its registration, publishes to its sessions topic and gets the ledger's verdict on its feedback topic", async () => {
    const a = creds.A as Credentials;
    // an event the ledger must reject (no attendance): the verdict still comes back on A's feedback topic
    await produce(
      vendorClient(a),
      a.topics.sessions,
      JSON.stringify({ sessionId: 'session-1', vendorId: a.vendorId }),
      {
        ce_specversion: '1.0',
        ce_id: randomUUID(),
        ce_source: `urn:tutoring:vendor:${a.vendorId}`,
        ce_type: 'org.tutoring.session.delivered.v1',
        'content-type': 'application/json',
      },
    );
    const verdict = await consumeOne(vendorClient(a), a.topics.feedback, `${a.consumerGroupPrefix}verdicts`);
    expect(verdict['ce_type']).toMatch(/^org\.tutoring\.session\.(rejected|accepted)\.v1$/);
  });

  it("vendor A can neither publish to vendor B's sessions topic nor read vendor B's feedback", async () => {
    const a = creds.A as Credentials;
    const b = creds.B as Credentials;
    await expect(produce(vendorClient(a), b.topics.sessions, '{}')).rejects.toThrow(/authoriz/i);
    await expect(consumeOne(vendorClient(a), b.topics.feedback, `${a.consumerGroupPrefix}spy`)).rejects.toThrow(
      /authoriz/i,
    );
  });

  it('the issuance is in the enrollment audit log of district A only', async () => {
    const a = creds.A as Credentials;
    const inA = await http(
      `/v1/audit?resourceType=vendor_kafka_credential&resourceId=${a.vendorId}`,
      await token(districtA, ['district_admin']),
    );
    expect(inA.status).toBe(200);
    expect((inA.body?.['items'] as unknown[]).length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(inA.body)).not.toContain(a.password);
    const inB = await http(`/v1/audit?resourceId=${a.vendorId}`, await token(districtB, ['district_admin']));
    expect(inB.body?.['items']).toEqual([]);
  });

  it('no secret reaches a service log (DB, Kafka and vendor passwords, bearer tokens), even at debug level', () => {
    const logs = SERVICES.map((s) => readFileSync(join(logDir, `${s}.log`), 'utf8')).join('\n');
    expect(logs.length).toBeGreaterThan(1000); // the services did log (requests, Kafka, migrations)
    const secrets = {
      ...Object.fromEntries(SERVICES.map((s) => [`KAFKA_SASL_PASSWORD of ${s}`, passwords[s]])),
      ...Object.fromEntries(
        ['enrollment', 'session_ledger'].flatMap((s) => [
          [`${s}_app DB password`, `${s}_app_dev`],
          [`${s}_owner DB password`, `${s}_owner_dev`],
        ]),
      ),
      'vendor A Kafka password': creds.A?.password ?? 'missing',
      'vendor B Kafka password': creds.B?.password ?? 'missing',
      ...Object.fromEntries(registrationPasswords.map((p, i) => [`vendor Kafka password from registration ${i}`, p])),
      'broker admin password': ADMIN.adminPassword,
      ...Object.fromEntries(minted.map((t, i) => [`bearer token ${i}`, t.split('.')[2] ?? t])),
    };
    const found = Object.entries(secrets)
      .filter(([, value]) => logs.includes(value))
      .map(([name]) => name);
    expect(found).toEqual([]);
  });
});
