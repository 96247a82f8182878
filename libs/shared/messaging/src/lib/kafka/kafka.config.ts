import type { ConnectionOptions } from 'node:tls';
import { Kafka, logLevel as LogLevel, type LogEntry, type RetryOptions, type SASLOptions } from 'kafkajs';
import { silentLogger, type MessagingLogger } from './messaging.logger';

export interface KafkaClientConfig {
  brokers: string[];
  clientId: string;
  ssl?: boolean | ConnectionOptions;
  sasl?: { mechanism: 'scram-sha-256' | 'scram-sha-512' | 'plain'; username: string; password: string };
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  retry?: RetryOptions;
}

/**
 * Bounded client retries with exponential backoff: a broker outage surfaces as an error the callers handle
 * (consumer restarts, relay backs off) instead of a hang, and none of it exits the process.
 */
export const DEFAULT_RETRY: RetryOptions = { initialRetryTime: 300, maxRetryTime: 30_000, retries: 8 };

export function createKafka(config: KafkaClientConfig, logger: MessagingLogger = silentLogger): Kafka {
  return new Kafka({
    clientId: config.clientId,
    brokers: config.brokers,
    ssl: config.ssl,
    sasl: config.sasl as SASLOptions | undefined,
    connectionTimeout: config.connectionTimeoutMs ?? 3_000,
    requestTimeout: config.requestTimeoutMs ?? 30_000,
    retry: { ...DEFAULT_RETRY, ...config.retry },
    logLevel: LogLevel.INFO,
    logCreator: kafkaLogCreator(logger),
  });
}

/** Routes kafkajs logs to the service logger (structured JSON) instead of console. */
export function kafkaLogCreator(logger: MessagingLogger) {
  return () =>
    ({ namespace, level, log }: LogEntry): void => {
      const { message, timestamp: _t, logger: _l, ...rest } = log;
      const obj = { component: 'kafkajs', namespace, ...rest };
      switch (level) {
        case LogLevel.ERROR:
        case LogLevel.NOTHING:
          logger.error(obj, message);
          break;
        case LogLevel.WARN:
          logger.warn(obj, message);
          break;
        case LogLevel.INFO:
          logger.info(obj, message);
          break;
        default:
          logger.debug(obj, message);
      }
    };
}
