import { CompressionTypes, type Kafka, type Producer, type RetryOptions } from 'kafkajs';
import { encodeBinary } from '../cloud-event/cloud-event.codec';
import type { MessageProducer, OutgoingMessage, RawKafkaMessage, RawMessageSender } from '../ports/messaging.ports';
import { silentLogger, type MessagingLogger } from './messaging.logger';
import { sendChunks, type TopicMessage } from './send-chunks';
import { keyPartitioner } from './key-partitioner';
import { currentTraceHeaders } from './trace-context';

export interface KafkaProducerOptions {
  logger?: MessagingLogger;
  /**
   * Produce-request retries (default: unbounded, as kafkajs wants for the idempotent producer). Reconnecting to an
   * unreachable broker is bounded by the client's `retry` (createKafka): past it, publish rejects and the caller
   * (the outbox relay) tries the same rows again later.
   */
  retry?: RetryOptions;
  /** Bytes per produce request (default DEFAULT_MAX_SEND_BYTES, under the broker's default batch limit). */
  maxSendBytes?: number;
}

/**
 * kafkajs adapter of the MessageProducer port: idempotent, one request in flight (so a retry cannot reorder
 * messages of one partition), acks = all, keys partitioned as every Kafka client does (keyPartitioner). Trace
 * context of the caller travels in `traceparent`/`tracestate`.
 *
 * A failed send retires the producer: the next send gets a new one, so a new producer id with fresh sequence
 * numbers. The broker may have appended some partitions of a refused request, and kafkajs rewinds the sequences
 * of all of them, so the old producer's every later send to those partitions is refused as out of order
 * (kafkajs issue 598). The caller's retry may send again what was appended; consumers dedupe by ce_id (ADR 0027).
 */
export class KafkaMessageProducer implements MessageProducer, RawMessageSender {
  private producer: Producer;
  private connecting: Promise<void> | null = null;
  private readonly logger: MessagingLogger;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: KafkaProducerOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
    this.producer = this.newProducer();
  }

  private newProducer(): Producer {
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: keyPartitioner,
      retry: this.options.retry ?? { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 10_000 },
    });
    producer.on(producer.events.DISCONNECT, () => {
      if (this.producer === producer) this.connecting = null;
    });
    return producer;
  }

  connect(): Promise<void> {
    this.connecting ??= this.producer.connect().catch((e: unknown) => {
      this.connecting = null;
      throw e;
    });
    return this.connecting;
  }

  async disconnect(): Promise<void> {
    this.connecting = null;
    await this.producer.disconnect();
  }

  async publish(messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const trace = currentTraceHeaders();
    await this.send(
      messages.map((m) => {
        const { headers, value } = encodeBinary(m.event);
        return {
          topic: m.topic,
          message: { key: m.key ?? null, value, headers: { ...trace, ...headers, ...m.headers } },
        };
      }),
    );
  }

  async sendRaw(topic: string, messages: RawKafkaMessage[]): Promise<void> {
    await this.send(messages.map((m) => ({ topic, message: { key: m.key, value: m.value, headers: m.headers } })));
  }

  private async send(items: TopicMessage[]): Promise<void> {
    if (items.length === 0) return;
    await this.connect();
    // One request after another, each inside the broker's batch limit; order inside a topic is kept (order across
    // topics carries no guarantee in Kafka anyway). A failure after the first chunk leaves the earlier ones sent:
    // at least once, as any failed send.
    for (const topicMessages of sendChunks(items, this.options.maxSendBytes)) {
      const producer = this.producer;
      try {
        await producer.sendBatch({ topicMessages, acks: -1, compression: CompressionTypes.None });
      } catch (error) {
        this.retire(producer, error);
        throw error;
      }
    }
    this.logger.debug({ count: items.length }, 'published');
  }

  /** Replaces a producer whose send failed (see the class comment); its connections are closed in the background. */
  private retire(producer: Producer, error: unknown): void {
    if (this.producer !== producer) return;
    this.logger.warn({ err: String(error) }, 'send failed: the next send uses a new producer id');
    this.producer = this.newProducer();
    this.connecting = null;
    producer.disconnect().catch(() => undefined);
  }
}
