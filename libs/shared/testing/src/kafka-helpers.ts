import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type IHeaders, type KafkaConfig, type KafkaMessage } from 'kafkajs';

/** A topic name no other test (or earlier run on a persistent broker) uses. Kafka allows [a-zA-Z0-9._-]. */
export function uniqueTopic(prefix: string): string {
  const clean = prefix.replace(/[^a-zA-Z0-9._-]+/g, '-');
  return `${clean}.${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** KAFKA_BROKERS as exported by the jest global setup. */
export function testKafkaBrokers(): string {
  const brokers = process.env['KAFKA_BROKERS'];
  if (!brokers) throw new Error('KAFKA_BROKERS is not set: run this suite through the int or e2e jest project');
  return brokers;
}

function client(brokers: string, extra: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId: 'tutoring-test',
    brokers: brokers.split(',').map((b) => b.trim()),
    logLevel: logLevel.NOTHING,
    ...extra,
  });
}

/** The local broker never auto-creates topics; tests create theirs explicitly. */
export async function createTopics(
  brokers: string,
  topics: string[],
  opts: { partitions?: number; kafkaConfig?: Partial<KafkaConfig> } = {},
): Promise<void> {
  const admin = client(brokers, opts.kafkaConfig).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: topics.map((topic) => ({ topic, numPartitions: opts.partitions ?? 1, replicationFactor: 1 })),
    });
  } finally {
    await admin.disconnect();
  }
}

export interface CollectedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

export interface CollectOptions {
  /** Default true: read the topic from its first offset. */
  fromBeginning?: boolean;
  /** Resolve as soon as this many messages arrived; without it, collect until timeoutMs. */
  count?: number;
  /** Default 15 s. With `count`, not reaching it in time is an error. */
  timeoutMs?: number;
  kafkaConfig?: Partial<KafkaConfig>;
}

function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) out[name] = last.toString();
  }
  return out;
}

const collected = (topic: string, partition: number, message: KafkaMessage): CollectedMessage => ({
  topic,
  partition,
  offset: message.offset,
  key: message.key?.toString() ?? null,
  value: message.value?.toString() ?? null,
  headers: headersToStrings(message.headers),
});

/** Reads messages with a fresh consumer group (so nothing is skipped by earlier commits) and returns them. */
export async function collectMessages(
  brokers: string,
  topic: string,
  opts: CollectOptions = {},
): Promise<CollectedMessage[]> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const consumer = client(brokers, opts.kafkaConfig).consumer({
    groupId: `test-collector-${randomBytes(6).toString('hex')}`,
    maxWaitTimeInMs: 100,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
  });
  const messages: CollectedMessage[] = [];
  let onEnough: () => void = () => undefined;
  const enough = new Promise<void>((r) => (onEnough = r));
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: opts.fromBeginning ?? true });
    await consumer.run({
      eachMessage: async ({ topic: t, partition, message }) => {
        messages.push(collected(t, partition, message));
        if (opts.count !== undefined && messages.length >= opts.count) onEnough();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
    const outcome = await Promise.race([enough.then(() => 'enough' as const), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout' && opts.count !== undefined) {
      throw new Error(
        `collectMessages(${topic}): got ${messages.length} of ${opts.count} messages within ${timeoutMs} ms`,
      );
    }
    return opts.count !== undefined ? messages.slice(0, opts.count) : messages;
  } finally {
    await consumer.disconnect();
  }
}

/**
 * Errors of a group coordinator that is still starting (offsets topic created or loading): worth a restart. Kafka's
 * codes COORDINATOR_LOAD_IN_PROGRESS (14), COORDINATOR_NOT_AVAILABLE (15) and NOT_COORDINATOR (16); by code, not
 * name, since kafkajs names them GROUP_LOAD_IN_PROGRESS, GROUP_COORDINATOR_NOT_AVAILABLE and NOT_COORDINATOR_FOR_GROUP.
 */
const COORDINATOR_STARTING = new Set([14, 15, 16]);

/** A consumer's crash worth a restart: its root cause is a group coordinator still starting on a fresh broker. */
export const coordinatorStillStarting = (error: unknown): boolean => {
  let e = error as { cause?: unknown; code?: unknown } | null;
  while (e && typeof e === 'object' && e.cause) e = e.cause as typeof e;
  return typeof e?.code === 'number' && COORDINATOR_STARTING.has(e.code);
};

/**
 * The first message of `topic` read with `config` (e.g. a vendor's own SASL credentials) in consumer group `groupId`.
 * A coordinator still starting on a fresh broker is ridden over (kafkajs restarts the consumer); any other crash of
 * the consumer, an authorization refusal above all, rejects at once with its error, for a test to assert.
 */
export async function consumeFirstMessage(
  config: KafkaConfig,
  topic: string,
  groupId: string,
  timeoutMs = 30_000,
): Promise<CollectedMessage> {
  const consumer = new Kafka({ ...config, retry: { retries: 6, initialRetryTime: 300 } }).consumer({
    groupId,
    retry: {
      retries: 6,
      initialRetryTime: 300,
      restartOnFailure: async (error) => coordinatorStillStarting(error),
    },
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    return await new Promise<CollectedMessage>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`nothing consumed from ${topic} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (payload.restart) return;
        clearTimeout(timer);
        reject(new Error(String(payload.error)));
      });
      void consumer
        .run({
          eachMessage: async ({ topic: t, partition, message }) => {
            clearTimeout(timer);
            resolve(collected(t, partition, message));
          },
        })
        .catch((error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        });
    });
  } finally {
    await consumer.disconnect();
  }
}
