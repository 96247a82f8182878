import type { Kafka } from 'kafkajs';
import { collect, consumeFromStart, kafkaBrokers, testEvent, uniqueName, waitFor } from '../../testing/int-env';
import type { IncomingMessage } from '../ports/messaging.ports';
import { KafkaAdmin } from './kafka-admin';
import { KafkaConsumerRunner } from './kafka-consumer.runner';
import { createKafka } from './kafka.config';
import { KafkaMessageProducer } from './kafka-producer.adapter';

jest.setTimeout(120_000);

describe('KafkaConsumerRunner', () => {
  let kafka: Kafka;
  let producer: KafkaMessageProducer;
  let admin: KafkaAdmin;

  beforeAll(async () => {
    kafka = createKafka({ brokers: kafkaBrokers(), clientId: 'messaging-consumer-int' });
    producer = new KafkaMessageProducer(kafka);
    admin = new KafkaAdmin(kafka);
  });
  afterAll(() => producer.disconnect());

  it('redelivers a batch whose handler threw, commits after success and loses nothing', async () => {
    const topic = uniqueName('msg.retry');
    const groupId = uniqueName('g');
    await admin.ensureTopics([{ topic, partitions: 1 }]);
    await producer.publish([1, 2, 3].map((n) => ({ topic, key: 'k', event: testEvent(n) })));
    let calls = 0;
    const processed: IncomingMessage[] = [];
    const runner = new KafkaConsumerRunner(kafka, {
      groupId,
      topics: [topic],
      fromBeginning: true,
      initialBackoffMs: 200,
      handler: {
        handleBatch: async (messages) => {
          calls += 1;
          if (calls === 1) throw new Error('transient failure');
          processed.push(...messages);
        },
      },
    });
    await runner.start();
    await waitFor(() => processed.length >= 3, 30_000, 'redelivery');
    await runner.stop();
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(processed.map((m) => (JSON.parse(String(m.value)) as { n: number }).n)).toEqual([1, 2, 3]);
    expect(runner.health().state).toBe('stopped');

    const a = await kafka.admin();
    await a.connect();
    const [committed] = await a.fetchOffsets({ groupId, topics: [topic] });
    await a.disconnect();
    expect(committed?.partitions[0]?.offset).toBe('3');

    // A restarted member of the same group starts after the committed offset: nothing is delivered twice.
    await producer.publish([{ topic, key: 'k', event: testEvent(4) }]);
    const again = collect();
    const second = new KafkaConsumerRunner(kafka, { groupId, topics: [topic], handler: again.handler });
    await second.start();
    await waitFor(() => again.received.length >= 1, 30_000, 'message after restart');
    await second.stop();
    expect(again.received.map((m) => (JSON.parse(String(m.value)) as { n: number }).n)).toEqual([4]);
  });

  it('picks up a newly created topic through updateTopics without a restart', async () => {
    const first = uniqueName('msg.topics');
    const later = uniqueName('msg.topics');
    await admin.ensureTopics([{ topic: first, partitions: 1 }]);
    const { received, runner } = await consumeFromStart(kafka, [first]);
    expect(runner.isHealthy()).toBe(true);
    await producer.publish([{ topic: first, key: null, event: testEvent(1) }]);
    await waitFor(() => received.length === 1, 30_000, 'first topic');

    expect(await admin.ensureTopics([{ topic: later, partitions: 1 }, { topic: first }])).toEqual([later]);
    expect(await admin.listTopics()).toEqual(expect.arrayContaining([first, later]));
    await producer.publish([{ topic: later, key: null, event: testEvent(2) }]);
    await runner.updateTopics([first, later]);
    await producer.publish([{ topic: first, key: null, event: testEvent(3) }]);
    await waitFor(() => received.length === 3, 30_000, 'new topic');
    await runner.stop();
    expect(received.map((m) => m.topic).sort()).toEqual([first, first, later].sort());
    expect(runner.currentTopics()).toEqual([first, later]);
  });

  it('answers ping when the broker is up and fails fast when nothing listens', async () => {
    await expect(admin.ping()).resolves.toBeUndefined();
    const nowhere = new KafkaAdmin(
      createKafka({ brokers: ['127.0.0.1:1'], clientId: 'nowhere', retry: { retries: 0 } }),
    );
    await expect(nowhere.ping(1_000)).rejects.toThrow();
  });
});
