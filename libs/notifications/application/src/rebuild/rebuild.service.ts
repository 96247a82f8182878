import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { ReadModelStore } from '@tutoring/notifications/infrastructure';
import { IncomingMessage, KafkaConsumerRunner, MessageBatchHandler, MessagingLogger } from '@tutoring/shared/messaging';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import { INPUT_TOPICS } from '../events/event-inputs';
import type { HandlerOptions } from '../events/notification-events.handler';

export class RebuildInProgress extends Error {
  constructor() {
    super('a rebuild of this district is already running');
    this.name = 'RebuildInProgress';
  }
}

export interface RebuildStatus {
  rebuildId: string;
  startedAt: string;
  finishedAt: string | null;
  replayed: number;
  watermarks: Record<string, number>;
}

/**
 * Rebuilds a district's read models from the input topics: empties them, then replays every topic from offset 0 up
 * to the high watermark taken at the start, in replay mode (read models only, nothing decided, nothing sent), with
 * its own consumer group and processed-message name. Events after the watermark are the live consumer's.
 */
export class RebuildService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
    private readonly kafka: Kafka,
    private readonly readModels: ReadModelStore,
    private readonly handlerFor: (options: HandlerOptions) => MessageBatchHandler,
    private readonly logger: MessagingLogger,
    private readonly newId: () => string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  private async watermarks(): Promise<Record<string, number>> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const out: Record<string, number> = {};
      const existing = new Set(await admin.listTopics());
      // A topic nobody has created yet has nothing to replay.
      for (const topic of INPUT_TOPICS.filter((t) => existing.has(t))) {
        for (const p of await admin.fetchTopicOffsets(topic))
          if (Number(p.high) > Number(p.low)) out[`${topic}:${p.partition}`] = Number(p.high);
      }
      return out;
    } finally {
      await admin.disconnect();
    }
  }

  async start(districtId: string): Promise<string> {
    if (await inTenantTransaction(this.dataSource, districtId, (m) => this.readModels.rebuilding(m)))
      throw new RebuildInProgress();
    const rebuildId = this.newId();
    const watermarks = await this.watermarks();
    await inTenantTransaction(this.dataSource, districtId, async (m) => {
      await this.readModels.clear(m);
      await m.query(
        `INSERT INTO ${this.schema}.rebuilds (rebuild_id, district_id, started_at, watermarks) VALUES ($1, $2, $3, $4::jsonb)`,
        [rebuildId, districtId, this.clock().toISOString(), JSON.stringify(watermarks)],
      );
    });
    const remaining = new Set(Object.keys(watermarks));
    let replayed = 0;
    let runner: KafkaConsumerRunner | null = null;
    const finish = async (): Promise<void> => {
      await runner?.stop();
      await inTenantTransaction(this.dataSource, districtId, (m) =>
        m.query(`UPDATE ${this.schema}.rebuilds SET finished_at = $2, replayed = $3 WHERE rebuild_id = $1`, [
          rebuildId,
          this.clock().toISOString(),
          replayed,
        ]),
      );
      this.logger.info({ rebuildId, replayed }, 'read-model rebuild finished');
    };
    const onProgress = (message: IncomingMessage, applied: boolean): void => {
      if (applied) replayed++;
      const key = `${message.topic}:${message.partition}`;
      if (remaining.has(key) && Number(message.offset) + 1 >= (watermarks[key] ?? 0)) {
        remaining.delete(key);
        // Stopping waits for the batch in hand, so it must not run inside the handler.
        if (remaining.size === 0)
          setImmediate(
            () =>
              void finish().catch((e: unknown) =>
                this.logger.error({ err: String(e), rebuildId }, 'rebuild finish failed'),
              ),
          );
      }
    };
    if (remaining.size === 0) {
      await finish();
      return rebuildId;
    }
    const handler = this.handlerFor({
      mode: 'replay',
      consumerName: `rebuild:${rebuildId}`,
      onlyDistrict: districtId,
      onProgress,
    });
    runner = new KafkaConsumerRunner(this.kafka, {
      groupId: `notifications.rebuild.${rebuildId}`,
      topics: [...new Set(Object.keys(watermarks).map((k) => k.slice(0, k.lastIndexOf(':'))))],
      fromBeginning: true,
      handler,
      logger: this.logger,
    });
    await runner.start();
    this.logger.info({ rebuildId, partitions: remaining.size }, 'read-model rebuild started');
    return rebuildId;
  }

  /**
   * A rebuild whose process died left half-built read models and no replay running (its progress lived in that
   * process). At start-up each one is closed as abandoned (replayed = -1) and its district is rebuilt again.
   */
  async resumeUnfinished(): Promise<string[]> {
    const restarted: string[] = [];
    for (const districtId of await this.readModels.tenants(this.dataSource.manager)) {
      const unfinished = await inTenantTransaction(this.dataSource, districtId, (m) =>
        this.readModels.unfinishedRebuilds(m),
      );
      if (unfinished.length === 0) continue;
      await inTenantTransaction(this.dataSource, districtId, (m) =>
        m.query(
          `UPDATE ${this.schema}.rebuilds SET finished_at = $2, replayed = -1 WHERE rebuild_id = ANY($1::uuid[])`,
          [unfinished, this.clock().toISOString()],
        ),
      );
      this.logger.warn(
        { districtId, abandoned: unfinished.length },
        'unfinished read-model rebuild found: rebuilding again',
      );
      restarted.push(await this.start(districtId));
    }
    return restarted;
  }

  async status(districtId: string, rebuildId: string): Promise<RebuildStatus | null> {
    const rows = (await inTenantTransaction(this.dataSource, districtId, (m) =>
      m.query(
        `SELECT rebuild_id, started_at, finished_at, replayed, watermarks FROM ${this.schema}.rebuilds WHERE rebuild_id = $1`,
        [rebuildId],
      ),
    )) as {
      rebuild_id: string;
      started_at: Date;
      finished_at: Date | null;
      replayed: number;
      watermarks: Record<string, number>;
    }[];
    const r = rows[0];
    if (!r) return null;
    return {
      rebuildId: r.rebuild_id,
      startedAt: r.started_at.toISOString(),
      finishedAt: r.finished_at?.toISOString() ?? null,
      replayed: r.replayed,
      watermarks: r.watermarks,
    };
  }
}
