import type { CloudEvent, FieldError } from '../cloud-event/cloud-event.types';

/** DI tokens: the Nest shell binds adapters to these; application code depends only on the interfaces. */
export const MESSAGE_PRODUCER = Symbol.for('tutoring.messaging.MessageProducer');
export const RAW_MESSAGE_SENDER = Symbol.for('tutoring.messaging.RawMessageSender');
export const MESSAGE_CONSUMER = Symbol.for('tutoring.messaging.MessageConsumer');
export const DEAD_LETTER_PUBLISHER = Symbol.for('tutoring.messaging.DeadLetterPublisher');
export const KAFKA_ADMIN = Symbol.for('tutoring.messaging.KafkaAdmin');
export const MESSAGING_LOGGER = Symbol.for('tutoring.messaging.Logger');

export const DEAD_LETTER_TOPIC = 'tutoring.deadletter.v1';

export interface OutgoingMessage {
  topic: string;
  key?: string | null;
  event: CloudEvent;
  /** Extra headers (e.g. a traceparent captured when the outbox row was written); they win over injected ones. */
  headers?: Record<string, string>;
}

export interface MessageProducer {
  /** Resolves once the broker has acknowledged every message (acks = all). */
  publish(messages: OutgoingMessage[]): Promise<void>;
}

export interface RawKafkaMessage {
  key: string | Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/** Sends already-encoded messages (used by the dead-letter publisher to forward the original bytes). */
export interface RawMessageSender {
  sendRaw(topic: string, messages: RawKafkaMessage[]): Promise<void>;
}

export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  /** Header values decoded as UTF-8, names lower-cased. */
  headers: Record<string, string>;
  timestamp: string;
}

export interface BatchContext {
  topic: string;
  partition: number;
  groupId: string;
  /** Call during long batches so the group does not evict this member. */
  heartbeat(): Promise<void>;
  /** False once stop() was requested: the handler may finish early, nothing is committed past what it returns. */
  isRunning(): boolean;
}

/** Must be idempotent: a batch is redelivered when the handler throws or the process dies before the commit. */
export interface MessageBatchHandler {
  handleBatch(messages: IncomingMessage[], ctx: BatchContext): Promise<void>;
}

export interface ConsumerHealth {
  healthy: boolean;
  state: 'idle' | 'starting' | 'running' | 'reconnecting' | 'stopping' | 'stopped';
  lastError?: string;
  /** Lag per `topic:partition`, as seen at the last batch. */
  lag: Record<string, number>;
}

export interface MessageConsumer {
  start(): Promise<void>;
  stop(): Promise<void>;
  updateTopics(topics: string[]): Promise<void>;
  isHealthy(): boolean;
  health(): ConsumerHealth;
}

export interface DeadLetterReason {
  errors: FieldError[];
  /** Where it failed, e.g. 'decode', 'validate', 'handle'. */
  stage: string;
}

export interface DeadLetterPublisherPort {
  publish(original: IncomingMessage, reason: DeadLetterReason): Promise<void>;
}
