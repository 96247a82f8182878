import type { Kafka } from 'kafkajs';
import { consumeFromStart, kafkaBrokers, numbersIn, testEvent, uniqueName, waitFor } from '../../testing/int-env';
import { KafkaAdmin } from './kafka-admin';
import { createKafka } from './kafka.config';
import { KafkaMessageProducer } from './kafka-producer.adapter';

jest.setTimeout(120_000);

describe('KafkaMessageProducer', () => {
  let kafka: Kafka;
  beforeAll(() => {
    kafka = createKafka({ brokers: kafkaBrokers(), clientId: 'messaging-producer-int' });
  });

  // One produce request carries every partition of a send. When the broker refuses one of them (here a message
  // over the topic's size limit) it still appends the others; the idempotent producer of kafkajs then rewinds the
  // sequence numbers of all of them, and every later send to an appended partition is refused as out of order
  // (kafkajs issue 598), for the life of the producer: a relay retrying its rows would never get through again.
  it('sends again after a failed send once its cause is gone, the partitions the broker did append included', async () => {
    const ok = uniqueName('msg.producer.ok');
    const small = uniqueName('msg.producer.small');
    await new KafkaAdmin(kafka).ensureTopics([
      { topic: ok, partitions: 1 },
      { topic: small, partitions: 1, config: { 'max.message.bytes': '2048' } },
    ]);
    const producer = new KafkaMessageProducer(kafka);
    const { received, runner } = await consumeFromStart(kafka, [ok]);
    try {
      await expect(
        producer.publish([
          { topic: ok, key: 'k', event: testEvent(1) },
          { topic: small, key: 'k', event: testEvent(2, 10_000) },
        ]),
      ).rejects.toThrow(/larger than the max message size/);

      // The relay's next attempt: the rows of the failed send and what came since, without the refused message.
      await producer.publish([
        { topic: ok, key: 'k', event: testEvent(1) },
        { topic: ok, key: 'k', event: testEvent(3) },
      ]);
      await producer.publish([{ topic: ok, key: 'k', event: testEvent(4) }]);

      await waitFor(() => numbersIn(received).includes(4), 60_000, 'the sends after the failure');
      // At least once: 1 was appended by the failed send and sent again by the retry (consumers dedupe by ce_id).
      expect([...new Set(numbersIn(received))]).toEqual([1, 3, 4]);
    } finally {
      await runner.stop();
      await producer.disconnect();
    }
  });

  it('cuts a send larger than a partition batch may be into several requests, in order', async () => {
    const topic = uniqueName('msg.producer.cut');
    await new KafkaAdmin(kafka).ensureTopics([{ topic, partitions: 1, config: { 'max.message.bytes': '4096' } }]);
    const batch = Array.from({ length: 20 }, (_, n) => ({ topic, key: 'k', event: testEvent(n, 300) }));
    const uncut = new KafkaMessageProducer(kafka);
    const cut = new KafkaMessageProducer(kafka, { maxSendBytes: 3_000 });
    const { received, runner } = await consumeFromStart(kafka, [topic]);
    try {
      // The same 20 messages in one request pass the topic's limit: the broker refuses them all.
      await expect(uncut.publish(batch)).rejects.toThrow(/larger than the max message size/);
      await cut.publish(batch);
      await waitFor(() => received.length >= 20, 60_000, 'the cut send');
      expect(received.map((m) => (JSON.parse(String(m.value)) as { n: number }).n)).toEqual(batch.map((_, n) => n));
    } finally {
      await runner.stop();
      await Promise.all([uncut.disconnect(), cut.disconnect()]);
    }
  });
});
