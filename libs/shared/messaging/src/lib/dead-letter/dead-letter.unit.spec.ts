import type { IncomingMessage, RawKafkaMessage, RawMessageSender } from '../ports/messaging.ports';
import { buildDeadLetterMessage, encodeReason, MAX_DEAD_LETTER_VALUE_BYTES, MAX_REASON_BYTES } from './dead-letter.headers';
import { DeadLetterPublisher } from './dead-letter.publisher';

const anIncoming = (over: Partial<IncomingMessage> = {}): IncomingMessage => ({
  topic: 'tutoring.vendor.v1.sessions.v1',
  partition: 2,
  offset: '41',
  key: 's-1',
  value: Buffer.from('{"broken":'),
  headers: { ce_id: 'e-1', 'content-type': 'application/json' },
  timestamp: '0',
  ...over,
});
const ctx = { consumerGroup: 'session-ledger.ingest', failedAt: new Date('2026-11-23T10:00:00Z') };
const errors = [{ path: 'value', code: 'not_json', message: 'message value is not valid JSON' }];

describe('buildDeadLetterMessage', () => {
  it('keeps key, value and headers and adds where/why/when', () => {
    const msg = buildDeadLetterMessage(anIncoming(), { errors, stage: 'decode' }, ctx);
    expect(msg.key).toBe('s-1');
    expect(msg.value?.toString()).toBe('{"broken":');
    expect(msg.headers).toEqual({
      ce_id: 'e-1',
      'content-type': 'application/json',
      dlq_source_topic: 'tutoring.vendor.v1.sessions.v1',
      dlq_source_partition: '2',
      dlq_source_offset: '41',
      dlq_stage: 'decode',
      dlq_reason: JSON.stringify(errors),
      dlq_consumer_group: 'session-ledger.ingest',
      dlq_failed_at: '2026-11-23T10:00:00.000Z',
    });
  });

  it('replaces a value above the broker limit by a marker', () => {
    const value = Buffer.alloc(MAX_DEAD_LETTER_VALUE_BYTES + 1);
    const msg = buildDeadLetterMessage(anIncoming({ value }), { errors, stage: 'decode' }, ctx);
    expect(msg.value).toBeNull();
    expect(msg.headers['dlq_value_omitted']).toBe('too_large');
    expect(msg.headers['dlq_value_bytes']).toBe(String(value.length));
  });

  it('keeps a value at the limit', () => {
    const value = Buffer.alloc(MAX_DEAD_LETTER_VALUE_BYTES);
    expect(buildDeadLetterMessage(anIncoming({ value }), { errors, stage: 'x' }, ctx).value).toBe(value);
  });
});

describe('encodeReason', () => {
  it('stays under 8 KiB and says how many errors were dropped', () => {
    const many = Array.from({ length: 500 }, (_, i) => ({ path: `data.attendance[${i}].minutes`, code: 'invalid', message: 'x'.repeat(50) }));
    const reason = encodeReason(many);
    expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(MAX_REASON_BYTES);
    const parsed = JSON.parse(reason) as { code: string; message: string }[];
    const last = parsed[parsed.length - 1];
    expect(last?.code).toBe('truncated');
    expect(parsed.length - 1 + Number(last?.message.split(' ')[0])).toBe(500);
  });

  it('clips a single huge message', () => {
    const reason = encodeReason([{ path: 'value', code: 'x', message: 'y'.repeat(100_000) }]);
    expect(Buffer.byteLength(reason)).toBeLessThan(2_000);
  });
});

describe('DeadLetterPublisher', () => {
  it('sends the built message to tutoring.deadletter.v1', async () => {
    const sent: { topic: string; messages: RawKafkaMessage[] }[] = [];
    const sender: RawMessageSender = { sendRaw: async (topic, messages) => void sent.push({ topic, messages }) };
    const dlq = new DeadLetterPublisher(sender, { consumerGroup: 'g', now: () => ctx.failedAt });
    await dlq.publish(anIncoming(), { errors, stage: 'validate' });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.topic).toBe('tutoring.deadletter.v1');
    expect(sent[0]?.messages[0]?.headers['dlq_stage']).toBe('validate');
  });
});
