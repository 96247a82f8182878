import { Kafka, logLevel } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { applyMigrations, createServiceDataSource, provisionServiceDatabase } from '@tutoring/shared/persistence';
import { createTopics, freshDatabase, FreshDatabase, testKafkaBrokers, uniqueTopic } from '@tutoring/shared/testing';
import { NotificationsLiveStart1700000000402 } from '../migrations/1700000000402-live-start.migration';
import { LiveStartStore } from './live-start.store';

describe('live start offsets (real Kafka and Postgres)', () => {
  const schema = 'notifications';
  const kafka = new Kafka({
    clientId: 'live-start-test',
    brokers: testKafkaBrokers().split(','),
    logLevel: logLevel.NOTHING,
  });
  const topic = uniqueTopic('notifications-live-start');
  const missing = uniqueTopic('notifications-never-created');
  let db: FreshDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await freshDatabase('notifications-live-start');
    const urls = await provisionServiceDatabase(db.url, schema);
    const config = { url: urls.runtimeUrl, migrationUrl: urls.migrationUrl, schema, applicationName: 'test' };
    await applyMigrations(config, [NotificationsLiveStart1700000000402]);
    ds = createServiceDataSource(config);
    await ds.initialize();
    await createTopics(testKafkaBrokers(), [topic], { partitions: 2 });
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const produce = async (n: number) => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: n }, (_, i) => ({ partition: 0, value: `m${i}` })) });
    await producer.disconnect();
  };

  it('given history on a topic at first start, then its end offsets are recorded once and kept on later starts', async () => {
    await produce(3);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const store = new LiveStartStore(ds, schema);
      const first = await store.recordOnce(admin, [topic, missing]);
      expect([first.get(`${topic}:0`), first.get(`${topic}:1`), first.has(`${missing}:0`)]).toEqual([3, 0, false]);
      await produce(2);
      const again = await store.recordOnce(admin, [topic, missing]);
      expect(again.get(`${topic}:0`)).toBe(3);
    } finally {
      await admin.disconnect();
    }
  });
});
