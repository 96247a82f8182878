import type { DataSource } from 'typeorm';
import {
  LEDGER_EVENTS_FOLLOWER,
  LedgerReader,
  publisherLockKey,
  SessionProjectionStore,
} from '@tutoring/session-ledger/infrastructure';
import type { MessageProducer, MessagingLogger, OutgoingMessage } from '@tutoring/shared/messaging';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import { entryMessages, publishedFromLedger } from '../ingest/ingest-effects';

const SLOT = 'a';

export interface LedgerPublisherOptions {
  /** Entries per batch (one tenant transaction, one Kafka send). */
  batchSize?: number;
  /** Poll interval when caught up. */
  idleMs?: number;
  /** Longest wait between attempts while Kafka or PostgreSQL fails. */
  maxBackoffMs?: number;
  logger?: MessagingLogger;
}

/**
 * Sends each recorded entry's vendor feedback (`accepted`) and `session-recorded` ledger event, following the
 * ledger with the gap-free reader (ADR 0022): the ledger is the outbox of its own events. Per district, in its
 * tenant transaction: read the next entries after the checkpoint, publish their messages (acks = all), then move
 * the checkpoint and commit. At least once: a crash between the broker's ack and the commit sends the same
 * messages again, with the same ce_ids (derived from the entry: district, vendor, event id, position), which
 * consumers dedupe. Per key order holds: a stream's entries are read in (transaction, position) order and sent in
 * one ordered batch. Replicas take a district each with a try-lock, so one sender per district at a time.
 */
export class LedgerPublisher {
  private readonly reader: LedgerReader;
  private readonly checkpoints: SessionProjectionStore;
  private readonly batchSize: number;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private failures = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
    private readonly producer: MessageProducer,
    private readonly options: LedgerPublisherOptions = {},
  ) {
    this.reader = new LedgerReader(schema);
    this.checkpoints = new SessionProjectionStore(schema);
    this.batchSize = options.batchSize ?? 2_000;
  }

  /** One batch of one district; returns how many entries it consumed (0 when caught up or another replica has it). */
  async publishDistrict(districtId: string): Promise<number> {
    return inTenantTransaction(this.dataSource, districtId, async (m) => {
      const [lock] = (await m.query('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', [
        publisherLockKey(this.schema, districtId),
      ])) as { locked: boolean }[];
      if (!lock?.locked) return 0;
      // A checkpoint lost in a crash only means sending again what was already acknowledged, under the same ids.
      await m.query(`SET LOCAL synchronous_commit = off`);
      const from = await this.checkpoints.checkpoint(m, districtId, SLOT, LEDGER_EVENTS_FOLLOWER);
      const { rows, next } = await this.reader.readEntries(m, districtId, from, this.batchSize);
      const messages: OutgoingMessage[] = [];
      for (const row of rows) {
        if (!publishedFromLedger(row.metadata)) continue; // written before ADR 0022: its messages are in the outbox
        const trace = row.metadata['trace'] as Record<string, string> | undefined;
        for (const msg of entryMessages(row)) messages.push({ ...msg, ...(trace ? { headers: trace } : {}) });
      }
      if (messages.length) await this.producer.publish(messages);
      if (rows.length || next.horizon !== from.horizon)
        await this.checkpoints.writeCheckpoint(m, districtId, SLOT, next, LEDGER_EVENTS_FOLLOWER);
      return rows.length;
    });
  }

  /** Every district until a batch comes back empty; returns the entries consumed. */
  async publishAll(): Promise<number> {
    let total = 0;
    for (const districtId of await this.reader.districts(this.dataSource.manager)) {
      for (;;) {
        const n = await this.publishDistrict(districtId);
        total += n;
        if (n === 0) break;
      }
    }
    return total;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        let sent = 0;
        try {
          sent = await this.publishAll();
          this.failures = 0;
        } catch (error) {
          this.failures++;
          this.options.logger?.warn({ err: String(error), failures: this.failures }, 'ledger publisher batch failed');
        }
        if (sent === 0 && this.running) await this.sleep();
      }
    })();
  }

  /** Finishes the batch in hand (sent and checkpointed, or rolled back and sent again later), then returns. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.loop = null;
  }

  private sleep(): Promise<void> {
    const idle = this.options.idleMs ?? 100;
    const ms = this.failures
      ? Math.min(idle * 2 ** Math.min(this.failures, 10), this.options.maxBackoffMs ?? 30_000)
      : idle;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      this.wake = done;
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
    }).finally(() => (this.wake = null));
  }
}
