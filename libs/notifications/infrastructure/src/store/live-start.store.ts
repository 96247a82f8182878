import type { Admin } from 'kafkajs';
import type { DataSource } from 'typeorm';

/** `topic:partition` → first offset that is news; everything below it is history (read models only). */
export type LiveStart = ReadonlyMap<string, number>;

/**
 * The first start of the service records the end offset of every input partition; messages below it are history
 * that was true before we existed and is replayed silently, so a new deployment does not flood anyone with months
 * of old alerts. Later starts read the same record. Partitions that appear later have no entry: all news.
 */
export class LiveStartStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
  ) {}

  async recordOnce(admin: Admin, topics: readonly string[]): Promise<LiveStart> {
    const existing = (await this.dataSource.query(
      `SELECT count(*)::int AS n FROM ${this.schema}.live_start_offsets`,
    )) as { n: number }[];
    if ((existing[0]?.n ?? 0) === 0) {
      const known = new Set(await admin.listTopics());
      const rows: [string, number, number][] = [];
      for (const topic of topics.filter((t) => known.has(t))) {
        for (const p of await admin.fetchTopicOffsets(topic)) rows.push([topic, p.partition, Number(p.high)]);
      }
      // A marker row keeps "recorded" true even when every topic was empty or missing.
      rows.push(['', -1, 0]);
      for (const [topic, partition, offset] of rows) {
        await this.dataSource.query(
          `INSERT INTO ${this.schema}.live_start_offsets (topic, partition, start_offset) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
          [topic, partition, offset],
        );
      }
    }
    const all = (await this.dataSource.query(
      `SELECT topic, partition, start_offset FROM ${this.schema}.live_start_offsets WHERE partition >= 0`,
    )) as {
      topic: string;
      partition: number;
      start_offset: string;
    }[];
    return new Map(all.map((r) => [`${r.topic}:${r.partition}`, Number(r.start_offset)]));
  }
}

export const isHistory = (liveStart: LiveStart, topic: string, partition: number, offset: string): boolean =>
  Number(offset) < (liveStart.get(`${topic}:${partition}`) ?? 0);
