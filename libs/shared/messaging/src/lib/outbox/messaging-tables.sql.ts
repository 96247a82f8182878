const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Schema names are interpolated into SQL, so only plain lower-case identifiers are accepted. */
export function assertSchemaName(schema: string): string {
  if (!IDENTIFIER.test(schema)) throw new Error(`invalid schema name: ${schema}`);
  return schema;
}

/** NOTIFY channel the enqueue pings so a LISTENing relay wakes up without waiting for its poll. */
export const outboxChannel = (schema: string): string => `${assertSchemaName(schema)}_outbox`;

/** DDL for the outbox and the idempotent-consumer table; each service's migration runs these statements. */
export function messagingTablesSql(schema: string): string[] {
  const s = assertSchemaName(schema);
  return [
    `CREATE SCHEMA IF NOT EXISTS ${s}`,
    `CREATE TABLE IF NOT EXISTS ${s}.outbox (
      id bigserial PRIMARY KEY,
      event_id uuid NOT NULL UNIQUE,
      topic text NOT NULL,
      message_key text NULL,
      headers jsonb NOT NULL DEFAULT '{}'::jsonb,
      payload jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      published_at timestamptz NULL,
      attempts integer NOT NULL DEFAULT 0,
      last_error text NULL
    )`,
    `CREATE INDEX IF NOT EXISTS outbox_unpublished_idx ON ${s}.outbox (id) WHERE published_at IS NULL`,
    `CREATE TABLE IF NOT EXISTS ${s}.processed_messages (
      consumer text NOT NULL,
      message_id text NOT NULL,
      processed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer, message_id)
    )`,
  ];
}
