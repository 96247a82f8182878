import { cachePath } from './repo-paths';
import { startKafka, type LocalKafka } from './kafka-broker';
import { findFreePort, isPortFree } from './net.util';

export interface ResolveKafkaOptions {
  log?: (line: string) => void;
  /**
   * true (dev): keep topics between runs in `.cache/kafka/data-<port>`. false (tests, default): a temp dir that is
   * deleted on stop.
   */
  persistent?: boolean;
  /** Preferred port when starting locally; a free one is picked if it is taken. Default 9092 when persistent. */
  port?: number;
}

export interface ResolvedKafka {
  brokers: string;
  source: 'env' | 'local';
  stop(): Promise<void>;
  /** Present when the broker was started here (source 'local'). */
  local?: LocalKafka;
}

/** KAFKA_BROKERS when set (the team's or CI's broker), otherwise a broker started from the cached jars. */
export async function resolveKafka(opts: ResolveKafkaOptions = {}): Promise<ResolvedKafka> {
  const fromEnv = process.env['KAFKA_BROKERS']?.trim();
  if (fromEnv) {
    opts.log?.(`Using Kafka from KAFKA_BROKERS=${fromEnv}`);
    return { brokers: fromEnv, source: 'env', stop: async () => undefined };
  }
  const wanted = opts.port ?? (opts.persistent ? 9092 : undefined);
  const port = wanted !== undefined && (await isPortFree(wanted)) ? wanted : await findFreePort();
  const dataDir = opts.persistent ? cachePath('kafka', `data-${port}`) : undefined;
  const local = await startKafka({ port, dataDir, log: opts.log });
  return {
    brokers: local.brokers,
    source: 'local',
    local,
    stop: () => local.destroy(),
  };
}
