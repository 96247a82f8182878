// Starts its own brokers (independent of the one the jest global setup provides) to prove start/stop/restart
// and SASL. Expect ~15-25 s for the file: two JVM cold starts plus one restart.
import { Kafka, logLevel, Partitioners, type KafkaConfig } from 'kafkajs';
import { startKafka, type LocalKafka } from './kafka-broker';
import { saslOptions } from './kafka-readiness';

// testTimeout in a jest project entry is ignored (it is a global option), so each int file sets its own.
jest.setTimeout(120_000);

const quiet = { logLevel: logLevel.NOTHING, retry: { retries: 2 } } satisfies Partial<KafkaConfig>;

async function produce(config: KafkaConfig, topic: string, value: string): Promise<void> {
  const producer = new Kafka(config).producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: [{ key: 'k', value }] });
  } finally {
    await producer.disconnect();
  }
}

async function consumeAll(config: KafkaConfig, topic: string, count: number): Promise<string[]> {
  const consumer = new Kafka(config).consumer({ groupId: `g-${Date.now()}-${Math.random()}`, maxWaitTimeInMs: 100 });
  const values: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${values.length}/${count} messages`)), 30_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          values.push(message.value?.toString() ?? '');
          if (values.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    return values;
  } finally {
    await consumer.disconnect();
  }
}

async function createTopic(config: KafkaConfig, topic: string): Promise<void> {
  const admin = new Kafka(config).admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, replicationFactor: 1 }] });
  } finally {
    await admin.disconnect();
  }
}

describe('startKafka (plaintext)', () => {
  let kafka: LocalKafka;
  afterAll(() => kafka?.destroy());

  it('produces and consumes, survives a graceful stop and restart on the same port and data', async () => {
    kafka = await startKafka({});
    const config: KafkaConfig = { clientId: 'int', brokers: [kafka.brokers], ...quiet };
    await createTopic(config, 'local-infra.roundtrip');
    await produce(config, 'local-infra.roundtrip', 'first');
    expect(await consumeAll(config, 'local-infra.roundtrip', 1)).toEqual(['first']);

    const port = kafka.port;
    await kafka.stop();
    await expect(createTopic({ ...config, connectionTimeout: 500, retry: { retries: 0 } }, 'x')).rejects.toThrow();
    await kafka.start();
    expect(kafka.port).toBe(port);

    await produce(config, 'local-infra.roundtrip', 'second');
    expect(await consumeAll(config, 'local-infra.roundtrip', 2)).toEqual(['first', 'second']);
  });

  it('refuses to produce to a topic nobody created (auto-create is off)', async () => {
    const config: KafkaConfig = { clientId: 'int', brokers: [kafka.brokers], ...quiet, retry: { retries: 0 } };
    await expect(produce(config, 'local-infra.never-created', 'x')).rejects.toThrow();
  });
});

describe('startKafka (SASL/SCRAM)', () => {
  let kafka: LocalKafka;
  const sasl = { adminUser: 'admin', adminPassword: 'admin-secret' };
  afterAll(() => kafka?.destroy());

  it('accepts the admin and refuses a wrong password', async () => {
    kafka = await startKafka({ sasl });
    const good: KafkaConfig = { clientId: 'int', brokers: [kafka.brokers], sasl: saslOptions(sasl), ...quiet };
    await createTopic(good, 'local-infra.sasl');
    await produce(good, 'local-infra.sasl', 'authorised');
    expect(await consumeAll(good, 'local-infra.sasl', 1)).toEqual(['authorised']);

    const bad: KafkaConfig = {
      ...good,
      sasl: { mechanism: 'scram-sha-256', username: 'admin', password: 'wrong' },
      retry: { retries: 0 },
    };
    await expect(produce(bad, 'local-infra.sasl', 'intruder')).rejects.toThrow(/SASL|authentication/i);
  });
});
