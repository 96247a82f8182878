import { randomUUID } from 'node:crypto';
import { context, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { dropSchema, enableTracePropagation, kafkaBrokers, openDataSource, postgresAdminUrl, uniqueName, waitFor } from '../../testing/int-env';
import { decodeCloudEvent } from '../cloud-event/cloud-event.codec';
import type { CloudEvent } from '../cloud-event/cloud-event.types';
import { KafkaAdmin } from '../kafka/kafka-admin';
import { KafkaConsumerRunner } from '../kafka/kafka-consumer.runner';
import { createKafka } from '../kafka/kafka.config';
import { KafkaMessageProducer } from '../kafka/kafka-producer.adapter';
import { perMessage } from '../kafka/trace-context';
import type { IncomingMessage } from '../ports/messaging.ports';
import { handleIdempotently } from './idempotent-consumer';
import { messagingTablesSql } from './messaging-tables.sql';
import { enqueueOutbox } from './outbox.enqueue';
import { OutboxRelay } from './outbox.relay';

jest.setTimeout(120_000);

const event = (data: unknown): CloudEvent => ({
  specversion: '1.0',
  id: randomUUID(),
  source: 'urn:tutoring:test',
  type: 'org.tutoring.test.happened.v1',
  time: new Date().toISOString(),
  districtid: 'd-1',
  data,
});

describe('outbox → relay → Kafka → consumer', () => {
  const schema = uniqueName('msg_outbox');
  let ds: DataSource;
  let kafka: Kafka;
  let producer: KafkaMessageProducer;

  beforeAll(async () => {
    enableTracePropagation();
    ds = await openDataSource();
    for (const sql of messagingTablesSql(schema)) await ds.query(sql);
    kafka = createKafka({ brokers: kafkaBrokers(), clientId: 'messaging-int' });
    producer = new KafkaMessageProducer(kafka);
  });

  afterAll(async () => {
    await producer.disconnect();
    await ds.destroy();
    await dropSchema(schema);
  });

  it('delivers committed rows with CloudEvents headers and the enqueuing trace, and never rolled-back ones', async () => {
    const topic = uniqueName('msg.outbox');
    await new KafkaAdmin(kafka).ensureTopics([{ topic, partitions: 1 }]);
    const relay = new OutboxRelay({ dataSource: ds, schema, producer, pollIntervalMs: 5_000, listenConnectionString: postgresAdminUrl() });
    const received: IncomingMessage[] = [];
    const consumer = new KafkaConsumerRunner(kafka, {
      groupId: uniqueName('g'),
      topics: [topic],
      fromBeginning: true,
      handler: perMessage(async (m) => {
        received.push(m);
        // The per-message span continues the producer's trace.
        expect(trace.getSpanContext(context.active())?.traceId).toBe(traceId);
      }),
    });
    const traceId = 'a'.repeat(32);
    const parent = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: 'b'.repeat(16), traceFlags: TraceFlags.SAMPLED });
    const committed = [event({ n: 1 }), event({ n: 2 })];
    await context.with(parent, () =>
      ds.transaction((m) => enqueueOutbox(m, schema, committed.map((e) => ({ topic, key: 'k-1', event: e })))),
    );
    await ds
      .transaction(async (m) => {
        await enqueueOutbox(m, schema, [{ topic, key: 'k-1', event: event({ n: 'rolled back' }) }]);
        throw new Error('business rule failed');
      })
      .catch(() => undefined);

    await consumer.start();
    await relay.start();
    try {
      // Poll interval is 5 s: arriving sooner shows LISTEN/NOTIFY woke the relay.
      await waitFor(() => received.length >= 2, 30_000, 'two messages');
      const [first, second] = received;
      expect(first?.headers).toMatchObject({
        ce_specversion: '1.0',
        ce_id: committed[0]?.id,
        ce_source: 'urn:tutoring:test',
        ce_type: 'org.tutoring.test.happened.v1',
        ce_districtid: 'd-1',
        'content-type': 'application/json',
      });
      expect(first?.headers['traceparent']).toBe(`00-${traceId}-${'b'.repeat(16)}-01`);
      expect(first?.key).toBe('k-1');
      const decoded = decodeCloudEvent(first ?? { value: null });
      expect(decoded.ok && decoded.event.data).toEqual({ n: 1 });
      expect(second?.headers['ce_id']).toBe(committed[1]?.id);
      const rows = (await ds.query(`SELECT published_at, attempts FROM ${schema}.outbox ORDER BY id`)) as { published_at: Date | null; attempts: number }[];
      expect(rows).toHaveLength(2);
      expect(rows.every((r) => r.published_at !== null && r.attempts === 1)).toBe(true);
      await new Promise((r) => setTimeout(r, 1_000));
      expect(received).toHaveLength(2);
    } finally {
      await relay.stop();
      await consumer.stop();
    }
  });

  it('applies the effect of a message id once, however often it is delivered', async () => {
    await ds.query(`CREATE TABLE ${schema}.effects (id serial PRIMARY KEY, message_id text NOT NULL)`);
    const id = randomUUID();
    const effect = (messageId: string) =>
      handleIdempotently(ds, schema, 'test-consumer', messageId, async (m) => {
        await m.query(`INSERT INTO ${schema}.effects (message_id) VALUES ($1)`, [messageId]);
      });
    expect(await effect(id)).toBe(true);
    expect(await effect(id)).toBe(false);
    const [both] = await Promise.all([effect(randomUUID()), effect(id)]);
    expect(both).toBe(true);
    const rows = (await ds.query(`SELECT count(*)::int AS n FROM ${schema}.effects WHERE message_id = $1`, [id])) as { n: number }[];
    expect(rows[0]?.n).toBe(1);
  });

  it('rolls back the processed record when the effect fails, so a redelivery applies it', async () => {
    const id = randomUUID();
    await expect(handleIdempotently(ds, schema, 'test-consumer', id, async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(await handleIdempotently(ds, schema, 'test-consumer', id, async () => undefined)).toBe(true);
  });

  it('keeps rows unpublished and records the error when Kafka refuses them', async () => {
    const missingTopic = uniqueName('msg.missing'); // the producer does not auto-create topics
    await ds.transaction((m) => enqueueOutbox(m, schema, [{ topic: missingTopic, key: null, event: event({}) }]));
    const failing = new KafkaMessageProducer(kafka, { retry: { retries: 1, initialRetryTime: 100 } });
    const relay = new OutboxRelay({ dataSource: ds, schema, producer: failing });
    await expect(relay.publishBatch()).rejects.toThrow();
    const rows = (await ds.query(`SELECT attempts, last_error, published_at FROM ${schema}.outbox WHERE topic = $1`, [missingTopic])) as { attempts: number; last_error: string | null; published_at: Date | null }[];
    expect(rows).toEqual([{ attempts: 1, last_error: expect.any(String), published_at: null }]);
    await failing.disconnect();
  });
});
