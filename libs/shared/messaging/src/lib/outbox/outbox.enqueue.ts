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
  const params: unknown[] = [];
  const rows = messages.map((m) => {
    params.push(m.event.id, m.topic, m.key, headers, JSON.stringify(m.event));
    const n = params.length;
    return `($${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}::jsonb, $${n}::jsonb)`;
  });
  await manager.query(
    `INSERT INTO ${s}.outbox (event_id, topic, message_key, headers, payload) VALUES ${rows.join(', ')}`,
    params,
  );
  // Delivered at commit, never for a rolled-back transaction.
  await manager.query('SELECT pg_notify($1, $2)', [outboxChannel(s), '']);
}
