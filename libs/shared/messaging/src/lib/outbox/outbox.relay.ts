import { Client } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { CloudEvent } from '../cloud-event/cloud-event.types';
import { errorMessage, silentLogger, type MessagingLogger } from '../kafka/messaging.logger';
import type { MessageProducer } from '../ports/messaging.ports';
import { assertSchemaName, outboxChannel } from './messaging-tables.sql';

export interface OutboxRelayOptions {
  dataSource: DataSource;
  schema: string;
  producer: MessageProducer;
  logger?: MessagingLogger;
  batchSize?: number;
  pollIntervalMs?: number;
  maxBackoffMs?: number;
  /** If set, the relay LISTENs on this connection and publishes as soon as a transaction with outbox rows commits. */
  listenConnectionString?: string;
}

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string | null;
  headers: Record<string, string>;
  payload: CloudEvent;
}

/**
 * Publishes committed outbox rows in id order. At-least-once: rows are marked published only after Kafka acked
 * them, so a crash between the ack and the commit republishes the same ce_id (consumers are idempotent).
 * A transaction-scoped advisory lock lets one relay per schema work at a time, which is what keeps per-key
 * order across replicas; SKIP LOCKED only keeps a stray second reader from blocking.
 */
export class OutboxRelay {
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private listener: Client | null = null;
  private failures = 0;
  private readonly logger: MessagingLogger;
  private readonly schema: string;

  constructor(private readonly options: OutboxRelayOptions) {
    this.schema = assertSchemaName(options.schema);
    this.logger = options.logger ?? silentLogger;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    if (this.options.listenConnectionString) await this.listen(this.options.listenConnectionString);
    this.loop = this.run();
  }

  /**
   * Lets the in-flight batch finish (publish + commit), then returns. During a broker outage the publish may
   * not finish: after `timeoutMs` stop gives up waiting; the open transaction rolls back when the process exits
   * and those rows are published again later.
   */
  async stop(timeoutMs = 15_000): Promise<void> {
    this.running = false;
    this.wake?.();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.loop, new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
    this.loop = null;
    await this.listener?.end().catch(() => undefined);
    this.listener = null;
  }

  /** Publishes one batch; returns how many rows were published. Exposed for tests and one-shot tools. */
  async publishBatch(): Promise<number> {
    const outcome = await this.options.dataSource.transaction(async (manager): Promise<number | { failed: unknown }> => {
      const [lock] = (await manager.query('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', [
        `${this.schema}.outbox`,
      ])) as { locked: boolean }[];
      if (!lock?.locked) return 0;
      const rows = (await manager.query(
        `SELECT id, topic, message_key, headers, payload FROM ${this.schema}.outbox
         WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.options.batchSize ?? 500],
      )) as OutboxRow[];
      if (rows.length === 0) return 0;
      const ids = rows.map((r) => r.id);
      try {
        await this.options.producer.publish(
          rows.map((r) => ({ topic: r.topic, key: r.message_key, event: r.payload, headers: r.headers })),
        );
      } catch (e) {
        await this.recordFailure(manager, ids, e);
        return { failed: e }; // commit the failure record, then report it
      }
      await manager.query(
        `UPDATE ${this.schema}.outbox SET published_at = now(), attempts = attempts + 1, last_error = NULL
         WHERE id = ANY($1::bigint[])`,
        [ids],
      );
      return rows.length;
    });
    if (typeof outcome !== 'number') throw outcome.failed;
    return outcome;
  }

  private async recordFailure(manager: EntityManager, ids: string[], e: unknown): Promise<void> {
    // Committed together with the (unpublished) rows: the batch stays first in line, so nothing is reordered.
    await manager.query(
      `UPDATE ${this.schema}.outbox SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::bigint[])`,
      [ids, errorMessage(e).slice(0, 2_000)],
    );
  }

  private async run(): Promise<void> {
    while (this.running) {
      let published = 0;
      try {
        published = await this.tryPublish();
        this.failures = 0;
      } catch (e) {
        this.failures += 1;
        this.logger.warn({ schema: this.schema, err: errorMessage(e), failures: this.failures }, 'outbox publish failed');
      }
      if (published === 0 && this.running) await this.sleep(this.nextDelay());
    }
  }

  private async tryPublish(): Promise<number> {
    const n = await this.publishBatch();
    if (n > 0) this.logger.debug({ schema: this.schema, count: n }, 'outbox published');
    return n;
  }

  private nextDelay(): number {
    const poll = this.options.pollIntervalMs ?? 1_000;
    if (this.failures === 0) return poll;
    return Math.min(poll * 2 ** Math.min(this.failures, 10), this.options.maxBackoffMs ?? 30_000);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const wakeable = this.failures === 0; // while backing off, NOTIFY must not cut the backoff short
      this.wake = wakeable || !this.running ? done : () => (this.running ? undefined : done());
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
    });
  }

  private async listen(connectionString: string): Promise<void> {
    const client = new Client({ connectionString });
    client.on('notification', () => this.wake?.());
    client.on('error', (e) => this.logger.warn({ err: e.message }, 'outbox listener error, falling back to polling'));
    try {
      await client.connect();
      await client.query(`LISTEN "${outboxChannel(this.schema)}"`);
      this.listener = client;
    } catch (e) {
      this.logger.warn({ err: errorMessage(e) }, 'outbox LISTEN failed, polling only');
      await client.end().catch(() => undefined);
    }
  }
}
