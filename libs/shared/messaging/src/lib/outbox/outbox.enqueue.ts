import type { EntityManager } from 'typeorm';
import type { CloudEvent } from '../cloud-event/cloud-event.types';
import { currentTraceHeaders } from '../kafka/trace-context';
import { assertSchemaName, outboxChannel } from './messaging-tables.sql';

export interface OutboxMessage {
  topic: string;
  key: string | null;
  event: CloudEvent;
}

/**
 * Writes outgoing messages in the caller's transaction: they become visible to the relay exactly when the
 * state change commits (no dual write). The active trace context is stored so the trace continues in Kafka.
 */
export async function enqueueOutbox(manager: EntityManager, schema: string, messages: OutboxMessage[]): Promise<void> {
  if (messages.length === 0) return;
  const s = assertSchemaName(schema);
  const headers = JSON.stringify(currentTraceHeaders());
  // One JSON parameter instead of five per row: a statement of thousands of VALUES parameters costs PostgreSQL
  // more to parse and plan than the rows cost to write (ADR 0015). `n` keeps the ids in the callers' order.
  const rows = messages.map((m, n) => ({
    n,
    event_id: m.event.id,
    topic: m.topic,
    message_key: m.key,
    payload: m.event,
  }));
  await manager.query(
    `INSERT INTO ${s}.outbox (event_id, topic, message_key, headers, payload)
     SELECT x.event_id, x.topic, x.message_key, $2::jsonb, x.payload
       FROM jsonb_to_recordset($1::jsonb) AS x(n int, event_id uuid, topic text, message_key text, payload jsonb)
      ORDER BY x.n`,
    [JSON.stringify(rows), headers],
  );
  // Delivered at commit, never for a rolled-back transaction.
  await manager.query('SELECT pg_notify($1, $2)', [outboxChannel(s), '']);
}
