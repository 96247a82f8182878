// Per-vendor Kafka credentials against a real SASL/SCRAM broker with the StandardAuthorizer (its own JVM: ~10-20 s).
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { vendorAssignmentsTopic, vendorFeedbackTopic, vendorSessionsTopic } from '@tutoring/shared/contracts';
import { startKafka, type LocalKafka } from '@tutoring/shared/local-infra';
import { consumeFirstMessage, waitFor } from '@tutoring/shared/testing';
import type { DataSource } from 'typeorm';
import { dropSchema, openDataSource, uniqueName } from '../../testing/int-env';
import {
  PendingVendorAccess,
  VENDOR_ACCESS_PENDING_TABLE,
  VendorAccessProvisioner,
  vendorAccessPendingSql,
  vendorAclBindings,
  type VendorKafkaCredentials,
} from './vendor-access';

const ADMIN = { adminUser: 'admin', adminPassword: 'admin-secret' };
const quiet = { logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 5_000 };

describe('Kafka credentials per vendor (SASL/SCRAM broker, ACLs)', () => {
  let kafka: LocalKafka;
  let admin: Kafka;
  let provisioner: VendorAccessProvisioner;
  const A = randomUUID();
  const B = randomUUID();
  const creds = new Map<string, VendorKafkaCredentials>();

  const clientOf = (
    c: { username: string; password: string },
    mechanism: 'scram-sha-512' | 'scram-sha-256' = 'scram-sha-512',
  ): KafkaConfig => ({
    clientId: c.username,
    brokers: [kafka.brokers],
    sasl: { mechanism, username: c.username, password: c.password } as KafkaConfig['sasl'],
    ...quiet,
  });

  const produce = async (config: KafkaConfig, topic: string, value: string): Promise<void> => {
    const producer = new Kafka(config).producer({ retry: { retries: 0 } });
    await producer.connect();
    try {
      await producer.send({ topic, messages: [{ key: 'k', value }] });
    } finally {
      await producer.disconnect();
    }
  };

  const consumeOne = async (config: KafkaConfig, topic: string, groupId: string): Promise<string | null> =>
    (await consumeFirstMessage(config, topic, groupId, 20_000)).value;

  beforeAll(async () => {
    kafka = await startKafka({ sasl: ADMIN });
    const adminSasl = { mechanism: 'scram-sha-256' as const, username: ADMIN.adminUser, password: ADMIN.adminPassword };
    admin = new Kafka({ clientId: 'platform-admin', brokers: [kafka.brokers], sasl: adminSasl, ...quiet });
    provisioner = new VendorAccessProvisioner(admin, {
      brokers: [kafka.brokers],
      clientId: 'platform-admin',
      sasl: adminSasl,
    });
    const a = admin.admin();
    await a.connect();
    await a.createTopics({
      waitForLeaders: true,
      topics: [A, B]
        .flatMap((v) => [
          vendorSessionsTopic(v),
          `${vendorSessionsTopic(v)}.dlq`,
          vendorFeedbackTopic(v),
          vendorAssignmentsTopic(v),
        ])
        .map((topic) => ({ topic, numPartitions: 1 })),
    });
    await a.disconnect();
    for (const v of [A, B]) creds.set(v, await provisioner.grant(v));
    for (const v of [A, B])
      await produce(
        clientOf({ username: ADMIN.adminUser, password: ADMIN.adminPassword }, 'scram-sha-256'),
        vendorFeedbackTopic(v),
        `feedback for ${v}`,
      );
  });

  afterAll(async () => {
    await kafka?.destroy();
  });

  const vendorA = () => clientOf(creds.get(A) as VendorKafkaCredentials);

  it('hands out a SCRAM-SHA-512 user per vendor with exactly the bindings it needs', async () => {
    const c = creds.get(A) as VendorKafkaCredentials;
    expect(c).toMatchObject({
      username: `vendor-${A}`,
      mechanism: 'SCRAM-SHA-512',
      consumerGroupPrefix: `tutoring.vendor.${A}.`,
    });
    expect(c.password.length).toBeGreaterThanOrEqual(40);
    const held = await provisioner.describe(A);
    const want = vendorAclBindings(A).map((b) => ({
      resourceType: b.resourceType,
      pattern: b.pattern,
      name: b.name,
      operation: b.operation,
    }));
    expect(held.sort((x, y) => x.name.localeCompare(y.name))).toEqual(
      want.sort((x, y) => x.name.localeCompare(y.name)),
    );
  });

  it("vendor A writes its own sessions topic but not vendor B's, nor its own feedback or dead-letter topics", async () => {
    await expect(produce(vendorA(), vendorSessionsTopic(A), 'session')).resolves.toBeUndefined();
    await expect(produce(vendorA(), vendorSessionsTopic(B), 'forged')).rejects.toThrow(/authoriz/i);
    await expect(produce(vendorA(), vendorFeedbackTopic(A), 'forged verdict')).rejects.toThrow(/authoriz/i);
    await expect(produce(vendorA(), `${vendorSessionsTopic(A)}.dlq`, 'x')).rejects.toThrow(/authoriz/i);
  });

  it("vendor A reads its own feedback with a group under its prefix, but not vendor B's feedback", async () => {
    await expect(consumeOne(vendorA(), vendorFeedbackTopic(A), `tutoring.vendor.${A}.reader`)).resolves.toBe(
      `feedback for ${A}`,
    );
    await expect(consumeOne(vendorA(), vendorFeedbackTopic(B), `tutoring.vendor.${A}.spy`)).rejects.toThrow(
      /authoriz|not authorized/i,
    );
    // kafkajs reports FindCoordinator's GROUP_AUTHORIZATION_FAILED as "Failed to find group coordinator"; the same
    // call with a group under the vendor prefix succeeded above, so the group name (the ACL) is the only difference.
    await expect(consumeOne(vendorA(), vendorFeedbackTopic(A), 'some-other-group')).rejects.toThrow(
      /authoriz|group coordinator/i,
    );
    await expect(consumeOne(vendorA(), vendorSessionsTopic(B), `tutoring.vendor.${A}.spy2`)).rejects.toThrow(
      /authoriz|not authorized/i,
    );
  });

  it('a wrong password is refused; rotating invalidates the old password; revoking removes the user', async () => {
    await expect(
      produce(clientOf({ username: `vendor-${A}`, password: 'guess' }), vendorSessionsTopic(A), 'x'),
    ).rejects.toThrow(/SASL|authentication/i);
    const old = creds.get(B) as VendorKafkaCredentials;
    const rotated = await provisioner.grant(B);
    expect(rotated.password).not.toBe(old.password);
    // The broker applies credential changes from the metadata log within moments, not synchronously.
    await waitFor(() =>
      expect(produce(clientOf(old), vendorSessionsTopic(B), 'x')).rejects.toThrow(/SASL|authentication/i),
    );
    await waitFor(() => expect(produce(clientOf(rotated), vendorSessionsTopic(B), 'x')).resolves.toBeUndefined());
    await provisioner.revoke(B);
    await waitFor(() =>
      expect(produce(clientOf(rotated), vendorSessionsTopic(B), 'x')).rejects.toThrow(/SASL|authentication/i),
    );
    expect(await provisioner.describe(B)).toEqual([]);
  });

  describe('credentials owed at registration (pending grants in Postgres)', () => {
    let ds: DataSource;
    const schema = uniqueName('vendor_grants');
    let pending: PendingVendorAccess;
    const owe = (vendorId: string) => ds.transaction((m) => PendingVendorAccess.enqueue(m, schema, vendorId));
    const owed = async (vendorId: string) =>
      (await ds.query(
        `SELECT attempts, last_error, next_attempt_at > now() AS later FROM ${schema}.${VENDOR_ACCESS_PENDING_TABLE} WHERE vendor_id = $1`,
        [vendorId],
      )) as { attempts: number; last_error: string | null; later: boolean }[];
    const bindingsOf = (v: string) =>
      vendorAclBindings(v)
        .map((b) => ({ resourceType: b.resourceType, pattern: b.pattern, name: b.name, operation: b.operation }))
        .sort((x, y) => x.name.localeCompare(y.name));

    beforeAll(async () => {
      ds = await openDataSource();
      await ds.query(`CREATE SCHEMA ${schema}`);
      for (const sql of vendorAccessPendingSql(schema)) await ds.query(sql);
      pending = new PendingVendorAccess(ds, schema, provisioner);
    });

    afterAll(async () => {
      await ds?.destroy();
      await dropSchema(schema);
    });

    it('applies the grant right after registration and returns the password once; owing twice is a no-op', async () => {
      const v = randomUUID();
      await owe(v);
      await owe(v); // a retried registration transaction
      const issued = await pending.grantNow(v);
      expect(issued).toMatchObject({ vendorId: v, username: `vendor-${v}` });
      expect(await owed(v)).toEqual([]);
      expect(await pending.grantNow(v)).toBeNull(); // nothing owed any more: no second password
      expect((await provisioner.describe(v)).sort((x, y) => x.name.localeCompare(y.name))).toEqual(bindingsOf(v));
    });

    it('a broker outage leaves the grant owed with a backoff; the retry loop applies it later', async () => {
      const v = randomUUID();
      await owe(v);
      const deadBroker = { brokers: ['127.0.0.1:1'], clientId: 'down' };
      const down = new PendingVendorAccess(
        ds,
        schema,
        new VendorAccessProvisioner(new Kafka({ ...deadBroker, ...quiet }), deadBroker),
        { grantTimeoutMs: 5_000 },
      );
      expect(await down.grantNow(v)).toBeNull();
      expect(await owed(v)).toEqual([{ attempts: 1, last_error: expect.any(String), later: true }]);
      expect(await pending.retryDue()).not.toContain(v); // not due yet
      await ds.query(
        `UPDATE ${schema}.${VENDOR_ACCESS_PENDING_TABLE} SET next_attempt_at = now() WHERE vendor_id = $1`,
        [v],
      );
      expect(await pending.retryDue()).toContain(v);
      expect(await owed(v)).toEqual([]);
      expect((await provisioner.describe(v)).sort((x, y) => x.name.localeCompare(y.name))).toEqual(bindingsOf(v));
    });

    it('a crash between the registration commit and the grant: the restarted instance applies it', async () => {
      const v = randomUUID();
      await owe(v); // committed, and the process died before grantNow
      expect(await pending.retryDue()).toContain(v);
      expect(await provisioner.describe(v)).toHaveLength(4);
    });

    it('a grant being applied elsewhere is skipped, and rotation settles an owed grant so no retry overwrites it', async () => {
      const v = randomUUID();
      await owe(v);
      const holder = ds.createQueryRunner();
      await holder.connect();
      await holder.startTransaction();
      await holder.query(`SELECT 1 FROM ${schema}.${VENDOR_ACCESS_PENDING_TABLE} WHERE vendor_id = $1 FOR UPDATE`, [v]);
      expect(await pending.grantNow(v)).toBeNull(); // another instance holds it: no second password
      await PendingVendorAccess.settle(holder.manager, schema, v); // the rotation call, in its transaction
      await holder.commitTransaction();
      await holder.release();
      expect(await owed(v)).toEqual([]);
      expect(await pending.retryDue()).not.toContain(v);
    });
  });
});
