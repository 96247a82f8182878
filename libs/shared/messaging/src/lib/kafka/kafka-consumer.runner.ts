import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { normalizeHeaders } from '../cloud-event/cloud-event.codec';
import type { ConsumerHealth, IncomingMessage, MessageBatchHandler, MessageConsumer } from '../ports/messaging.ports';
import { errorMessage, silentLogger, type MessagingLogger } from './messaging.logger';

export interface KafkaConsumerRunnerOptions {
  groupId: string;
  topics: string[];
  handler: MessageBatchHandler;
  fromBeginning?: boolean;
  logger?: MessagingLogger;
  /** Backoff before a failed batch is redelivered, doubling per consecutive failure of that partition. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /**
   * Partitions whose batches are handled at the same time (kafkajs `partitionsConsumedConcurrently`); default 1.
   * Order and offsets stay per partition; the handler must be safe to run concurrently for different partitions.
   */
  partitionsConsumedConcurrently?: number;
  /** Fetch sizing (kafkajs consumer options); unset keeps the kafkajs defaults. */
  fetch?: { minBytes?: number; maxBytes?: number; maxBytesPerPartition?: number; maxWaitTimeInMs?: number };
}

type State = ConsumerHealth['state'];

/**
 * Batch consumption with explicit offsets: offsets are resolved and committed only after the handler resolves.
 * A throwing handler leaves the offset where it was, the partition is paused for a backoff and the same batch
 * is fetched again. Broker outages never end the process: kafkajs restarts retriable failures itself and this
 * runner recreates the consumer after non-retriable crashes.
 */
export class KafkaConsumerRunner implements MessageConsumer {
  private consumer: Consumer | null = null;
  private topics: string[];
  private state: State = 'idle';
  private lastError: string | undefined;
  private readonly lag: Record<string, number> = {};
  private readonly failures = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private queue: Promise<void> = Promise.resolve();
  private readonly logger: MessagingLogger;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: KafkaConsumerRunnerOptions,
  ) {
    this.topics = [...options.topics];
    this.logger = options.logger ?? silentLogger;
  }

  /** Resolves once subscribed; if the broker is down it keeps retrying in the background instead of throwing. */
  start(): Promise<void> {
    return this.serialized(async () => {
      if (this.state === 'running' || this.state === 'starting' || this.state === 'reconnecting') return;
      await this.launch();
    });
  }

  /** Finishes the batch in hand, commits it, leaves the group. */
  stop(): Promise<void> {
    return this.serialized(async () => {
      this.state = 'stopping';
      this.clearTimers();
      await this.teardown();
      this.state = 'stopped';
    });
  }

  /**
   * kafkajs cannot change a running subscription (and regex subscriptions never see topics created later), so
   * the consumer is stopped gracefully and started again on the new list.
   */
  updateTopics(topics: string[]): Promise<void> {
    return this.serialized(async () => {
      this.topics = [...new Set(topics)];
      if (this.state === 'idle' || this.state === 'stopped') return;
      this.clearTimers();
      await this.teardown();
      await this.launch();
    });
  }

  currentTopics(): string[] {
    return [...this.topics];
  }

  isHealthy(): boolean {
    return this.state === 'running';
  }

  health(): ConsumerHealth {
    return { healthy: this.isHealthy(), state: this.state, lastError: this.lastError, lag: { ...this.lag } };
  }

  private serialized(fn: () => Promise<void>): Promise<void> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async launch(attempt = 0): Promise<void> {
    this.state = attempt === 0 ? 'starting' : 'reconnecting';
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      // at most a third of the session timeout, so two lost heartbeats never expire a live member
      heartbeatInterval:
        this.options.heartbeatIntervalMs ?? Math.min(3_000, Math.floor((this.options.sessionTimeoutMs ?? 30_000) / 3)),
      retry: { initialRetryTime: 300, maxRetryTime: 30_000, retries: 8, restartOnFailure: async () => true },
      ...(this.options.fetch ?? {}),
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => this.onCrash(consumer, payload.error, payload.restart));
    // Rejoining the group after a kafkajs-internal restart is what makes the member healthy again.
    consumer.on(consumer.events.GROUP_JOIN, () => {
      if (this.consumer === consumer && this.state === 'reconnecting') this.state = 'running';
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: this.topics, fromBeginning: this.options.fromBeginning ?? false });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
        eachBatch: (payload) => this.onBatch(consumer, payload),
      });
      this.state = 'running';
      this.lastError = undefined;
      this.logger.info({ groupId: this.options.groupId, topics: this.topics }, 'consumer running');
    } catch (e) {
      this.lastError = errorMessage(e);
      this.logger.warn({ groupId: this.options.groupId, err: this.lastError, attempt }, 'consumer start failed');
      await consumer.disconnect().catch(() => undefined);
      if (this.consumer === consumer) this.consumer = null;
      this.scheduleRelaunch(attempt + 1);
    }
  }

  private onCrash(consumer: Consumer, error: Error, restart: boolean): void {
    this.lastError = error.message;
    this.logger.error({ groupId: this.options.groupId, err: error.message, restart }, 'consumer crashed');
    if (this.consumer !== consumer || this.state === 'stopping') return;
    this.state = 'reconnecting';
    if (!restart) this.scheduleRelaunch(1); // kafkajs restarts retriable failures on its own
  }

  private scheduleRelaunch(attempt: number): void {
    this.state = 'reconnecting';
    const delay = Math.min(1_000 * 2 ** Math.min(attempt, 5), 30_000);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.serialized(async () => {
        if (this.state !== 'reconnecting') return;
        await this.teardown();
        await this.launch(attempt);
      });
    }, delay);
    this.timers.add(timer);
  }

  private async teardown(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = null;
    // disconnect() waits for the running batch (whose handler commits), then leaves the group.
    if (consumer)
      await consumer
        .disconnect()
        .catch((e: unknown) => this.logger.warn({ err: errorMessage(e) }, 'disconnect failed'));
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private async onBatch(consumer: Consumer, payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const key = `${batch.topic}:${batch.partition}`;
    const lag = Number(batch.offsetLagLow());
    this.lag[key] = Number.isFinite(lag) ? lag : 0;
    if (batch.messages.length === 0) return;
    const messages = batch.messages.map((m) => toIncoming(batch.topic, batch.partition, m));
    try {
      await this.options.handler.handleBatch(messages, {
        topic: batch.topic,
        partition: batch.partition,
        groupId: this.options.groupId,
        heartbeat: () => payload.heartbeat(),
        isRunning: () => payload.isRunning() && !payload.isStale(),
      });
    } catch (e) {
      this.onHandlerFailure(consumer, payload, key, e);
      return;
    }
    this.failures.delete(key);
    payload.resolveOffset(batch.lastOffset());
    // The committed offset is the next one to read; commit explicitly, autoCommit is off.
    await payload.commitOffsetsIfNecessary(payload.uncommittedOffsets());
    await payload.heartbeat();
  }

  /** Nothing is resolved, so the next fetch of this partition starts at the same offset after the pause. */
  private onHandlerFailure(consumer: Consumer, payload: EachBatchPayload, key: string, e: unknown): void {
    const { batch } = payload;
    const count = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, count);
    const initial = this.options.initialBackoffMs ?? 500;
    const delay = Math.min(initial * 2 ** (count - 1), this.options.maxBackoffMs ?? 30_000);
    this.lastError = errorMessage(e);
    this.logger.warn(
      {
        groupId: this.options.groupId,
        topic: batch.topic,
        partition: batch.partition,
        firstOffset: batch.firstOffset(),
        failures: count,
        retryInMs: delay,
        err: this.lastError,
      },
      'batch handler failed, will redeliver',
    );
    const resume = payload.pause();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.consumer === consumer) resume();
    }, delay);
    this.timers.add(timer);
  }
}

function toIncoming(topic: string, partition: number, m: KafkaMessage): IncomingMessage {
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key ? m.key.toString('utf8') : null,
    value: m.value,
    headers: normalizeHeaders(m.headers),
    timestamp: m.timestamp,
  };
}
