// Uses the servers the jest global setup provides (KAFKA_BROKERS, TEST_POSTGRES_ADMIN_URL).
import { Client } from 'pg';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { freshDatabase } from './fresh-database';
import { collectMessages, createTopics, testKafkaBrokers, uniqueTopic } from './kafka-helpers';

// testTimeout in a jest project entry is ignored (it is a global option), so each int file sets its own.
jest.setTimeout(120_000);

describe('freshDatabase', () => {
  it('creates an empty, usable database and drops it even with a session still open', async () => {
    const db = await freshDatabase('testing-lib');
    const client = new Client({ connectionString: db.url });
    client.on('error', () => undefined); // the drop terminates this session on purpose
    await client.connect();
    const { rows } = await client.query<{ name: string }>('SELECT current_database() AS name');
    expect(rows[0]?.name).toBe(db.name);

    await db.drop();
    const admin = new Client({ connectionString: process.env['TEST_POSTGRES_ADMIN_URL'] });
    await admin.connect();
    const left = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [db.name]);
    await admin.end();
    await client.end().catch(() => undefined);
    expect(left.rowCount).toBe(0);
  });
});

describe('collectMessages', () => {
  it('returns value, key and headers as strings', async () => {
    const brokers = testKafkaBrokers();
    const topic = uniqueTopic('testing-lib');
    await createTopics(brokers, [topic]);
    const producer = new Kafka({ clientId: 't', brokers: [brokers], logLevel: logLevel.NOTHING }).producer({
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        { key: 'k1', value: '{"n":1}', headers: { ce_type: 'org.example.one', ce_id: Buffer.from('id-1') } },
        { key: 'k2', value: '{"n":2}', headers: { ce_type: 'org.example.two' } },
      ],
    });
    await producer.disconnect();

    const messages = await collectMessages(brokers, topic, { count: 2, timeoutMs: 20_000 });
    expect(messages.map((m) => [m.key, m.value, m.headers])).toEqual([
      ['k1', '{"n":1}', { ce_type: 'org.example.one', ce_id: 'id-1' }],
      ['k2', '{"n":2}', { ce_type: 'org.example.two' }],
    ]);
  });

  it('fails clearly when fewer messages than asked arrive in time', async () => {
    const brokers = testKafkaBrokers();
    const topic = uniqueTopic('testing-lib-empty');
    await createTopics(brokers, [topic]);
    await expect(collectMessages(brokers, topic, { count: 1, timeoutMs: 3000 })).rejects.toThrow(/got 0 of 1 messages/);
  });
});
