import type { DataSource, EntityManager } from 'typeorm';
import { assertSchemaName } from './messaging-tables.sql';

/**
 * Records that `consumer` handled `messageId`; true the first time only. Call it inside the transaction of the
 * effect, so the record and the effect commit (or roll back) together.
 */
export async function processOnce(
  manager: EntityManager,
  schema: string,
  consumer: string,
  messageId: string,
): Promise<boolean> {
  const rows: unknown[] = await manager.query(
    `INSERT INTO ${assertSchemaName(schema)}.processed_messages (consumer, message_id) VALUES ($1, $2)
     ON CONFLICT DO NOTHING RETURNING 1`,
    [consumer, messageId],
  );
  return rows.length > 0;
}

/** Runs `effect` in a transaction at most once per (consumer, messageId); returns whether it ran. */
export async function handleIdempotently(
  dataSource: DataSource,
  schema: string,
  consumer: string,
  messageId: string,
  effect: (manager: EntityManager) => Promise<void>,
): Promise<boolean> {
  return dataSource.transaction(async (manager) => {
    if (!(await processOnce(manager, schema, consumer, messageId))) return false;
    await effect(manager);
    return true;
  });
}
