import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { collect, kafkaBrokers, uniqueName, waitFor } from '../../testing/int-env';
import type { CloudEvent } from '../cloud-event/cloud-event.types';
import type { IncomingMessage } from '../ports/messaging.ports';
import { KafkaAdmin } from './kafka-admin';
import { KafkaConsumerRunner } from './kafka-consumer.runner';
import { createKafka } from './kafka.config';
import { KafkaMessageProducer } from './kafka-producer.adapter';

jest.setTimeout(120_000);

const event = (n: number): CloudEvent => ({
  specversion: '1.0',
  id: randomUUID(),
  source: 'urn:tutoring:test',
  type: 'org.tutoring.test.happened.v1',
  data: { n },
});

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
    await producer.publish([1, 2, 3].map((n) => ({ topic, key: 'k', event: event(n) })));
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
    await producer.publish([{ topic, key: 'k', event: event(4) }]);
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
    const { received, handler } = collect();
    const runner = new KafkaConsumerRunner(kafka, {
      groupId: uniqueName('g'),
      topics: [first],
      fromBeginning: true,
      handler,
    });
    await runner.start();
    expect(runner.isHealthy()).toBe(true);
    await producer.publish([{ topic: first, key: null, event: event(1) }]);
    await waitFor(() => received.length === 1, 30_000, 'first topic');

    expect(await admin.ensureTopics([{ topic: later, partitions: 1 }, { topic: first }])).toEqual([later]);
    expect(await admin.listTopics()).toEqual(expect.arrayContaining([first, later]));
    await producer.publish([{ topic: later, key: null, event: event(2) }]);
    await runner.updateTopics([first, later]);
    await producer.publish([{ topic: first, key: null, event: event(3) }]);
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
