import type { Admin, Kafka } from 'kafkajs';
import { silentLogger, type MessagingLogger } from './messaging.logger';

export interface TopicSpec {
  topic: string;
  partitions?: number;
  replicationFactor?: number;
  config?: Record<string, string>;
}

export interface KafkaAdminOptions {
  logger?: MessagingLogger;
  /** Partitions for topics created without an explicit count. */
  defaultPartitions?: number;
}

/** Topic provisioning and the readiness probe. */
export class KafkaAdmin {
  private readonly logger: MessagingLogger;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: KafkaAdminOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
  }

  /** Creates the missing topics; existing ones are left as they are (their partition count is not changed). */
  async ensureTopics(specs: TopicSpec[]): Promise<string[]> {
    return this.withAdmin(async (admin) => {
      const existing = new Set(await admin.listTopics());
      const missing = specs.filter((s) => !existing.has(s.topic));
      if (missing.length === 0) return [];
      try {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((s) => ({
            topic: s.topic,
            numPartitions: s.partitions ?? this.options.defaultPartitions ?? 3,
            replicationFactor: s.replicationFactor ?? -1,
            configEntries: Object.entries(s.config ?? {}).map(([name, value]) => ({ name, value })),
          })),
        });
      } catch (e) {
        // Another replica of the service may have created them in between: fine if they exist now.
        const now = new Set(await admin.listTopics());
        if (missing.some((s) => !now.has(s.topic))) throw e;
      }
      this.logger.info({ topics: missing.map((s) => s.topic) }, 'created topics');
      return missing.map((s) => s.topic);
    });
  }

  async listTopics(): Promise<string[]> {
    return this.withAdmin((admin) => admin.listTopics());
  }

  /** Readiness: resolves when the cluster answers within `timeoutMs`, rejects otherwise. No retries. */
  async ping(timeoutMs = 3_000): Promise<void> {
    const admin = this.kafka.admin({ retry: { retries: 0 } });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`kafka did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([admin.connect().then(() => admin.describeCluster()), timeout]);
    } finally {
      clearTimeout(timer);
      await admin.disconnect().catch(() => undefined);
    }
  }

  private async withAdmin<R>(fn: (admin: Admin) => Promise<R>): Promise<R> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return await fn(admin);
    } finally {
      await admin.disconnect();
    }
  }
}
