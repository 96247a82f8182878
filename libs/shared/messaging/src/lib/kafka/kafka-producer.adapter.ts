import { CompressionTypes, type Kafka, type Message, type Producer, type RetryOptions } from 'kafkajs';
import { encodeBinary } from '../cloud-event/cloud-event.codec';
import type { MessageProducer, OutgoingMessage, RawKafkaMessage, RawMessageSender } from '../ports/messaging.ports';
import { silentLogger, type MessagingLogger } from './messaging.logger';
import { currentTraceHeaders } from './trace-context';

export interface KafkaProducerOptions {
  logger?: MessagingLogger;
  /**
   * Produce-request retries (default: unbounded, as kafkajs wants for the idempotent producer). Reconnecting to an
   * unreachable broker is bounded by the client's `retry` (createKafka): past it, publish rejects and the caller
   * (the outbox relay) tries the same rows again later.
   */
  retry?: RetryOptions;
}

/**
 * kafkajs adapter of the MessageProducer port: idempotent, one request in flight (so a retry cannot reorder
 * messages of one partition), acks = all. Trace context of the caller travels in `traceparent`/`tracestate`.
 */
export class KafkaMessageProducer implements MessageProducer, RawMessageSender {
  private readonly producer: Producer;
  private connecting: Promise<void> | null = null;
  private readonly logger: MessagingLogger;

  constructor(kafka: Kafka, options: KafkaProducerOptions = {}) {
    this.logger = options.logger ?? silentLogger;
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      retry: options.retry ?? { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 10_000 },
    });
    this.producer.on(this.producer.events.DISCONNECT, () => {
      this.connecting = null;
    });
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
        return { topic: m.topic, message: { key: m.key ?? null, value, headers: { ...trace, ...headers, ...m.headers } } };
      }),
    );
  }

  async sendRaw(topic: string, messages: RawKafkaMessage[]): Promise<void> {
    await this.send(messages.map((m) => ({ topic, message: { key: m.key, value: m.value, headers: m.headers } })));
  }

  private async send(items: { topic: string; message: Message }[]): Promise<void> {
    if (items.length === 0) return;
    await this.connect();
    // Grouping keeps the original order inside each topic; order across topics carries no guarantee in Kafka anyway.
    const byTopic = new Map<string, Message[]>();
    for (const { topic, message } of items) {
      const list = byTopic.get(topic) ?? [];
      list.push(message);
      byTopic.set(topic, list);
    }
    const topicMessages = [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs }));
    await this.producer.sendBatch({ topicMessages, acks: -1, compression: CompressionTypes.None });
    this.logger.debug({ topics: [...byTopic.keys()], count: items.length }, 'published');
  }
}
