import type { Kafka } from 'kafkajs';
import type { DataSource, MigrationInterface } from 'typeorm';
import {
  createKafka,
  KafkaAdmin,
  KafkaClientConfig,
  KafkaConsumerRunner,
  KafkaConsumerRunnerOptions,
  KafkaMessageProducer,
  MessagingLogger,
  OutboxRelay,
} from '@tutoring/shared/messaging';
import { applyMigrations, createServiceDataSource, ServiceDatabaseConfig } from '@tutoring/shared/persistence';

export interface ServiceRuntimeConfig {
  serviceName: string;
  database: ServiceDatabaseConfig;
  kafka: KafkaClientConfig;
  migrations: (new () => MigrationInterface)[];
  logger: MessagingLogger;
  /** Consumer group session timeout (ms) for every consumer of this service; the runner's default when unset. */
  consumerSessionTimeoutMs?: number;
  /** Bytes of messages per produce request (the producer's default when unset). */
  producerMaxRequestBytes?: number;
}

export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

/**
 * Everything a service holds outside itself: its Postgres data source, its Kafka clients, its outbox relay and
 * consumers. Owns their start order (migrate → connect → relay → consumers) and the reverse for shutdown, so a
 * SIGTERM finishes the batch in hand, commits, leaves the group, and only then closes the database.
 */
export class ServiceRuntime {
  readonly kafka: Kafka;
  readonly producer: KafkaMessageProducer;
  readonly admin: KafkaAdmin;
  readonly relay: OutboxRelay;
  private readonly consumers: KafkaConsumerRunner[] = [];
  private migrated = false;

  private constructor(
    readonly config: ServiceRuntimeConfig,
    readonly dataSource: DataSource,
  ) {
    this.kafka = createKafka(config.kafka, config.logger);
    this.producer = new KafkaMessageProducer(this.kafka, {
      logger: config.logger,
      maxSendBytes: config.producerMaxRequestBytes,
    });
    this.admin = new KafkaAdmin(this.kafka, { logger: config.logger });
    this.relay = new OutboxRelay({
      dataSource,
      schema: config.database.schema,
      producer: this.producer,
      logger: config.logger,
      listenConnectionString: config.database.url,
    });
  }

  get schema(): string {
    return this.config.database.schema;
  }

  /** Applies migrations as the owner role, then connects as the runtime role. */
  static async create(config: ServiceRuntimeConfig): Promise<ServiceRuntime> {
    const applied = await applyMigrations(config.database, config.migrations);
    if (applied.length) config.logger.info({ migrations: applied }, 'applied migrations');
    const dataSource = createServiceDataSource(config.database, config.migrations);
    await dataSource.initialize();
    const runtime = new ServiceRuntime(config, dataSource);
    runtime.migrated = true;
    return runtime;
  }

  /** Starts the outbox relay. Kafka may be down: the relay retries with backoff and the service stays up. */
  async start(): Promise<void> {
    this.producer
      .connect()
      .catch((e: unknown) => this.config.logger.warn({ err: String(e) }, 'Kafka not reachable yet'));
    await this.relay.start();
  }

  consumer(options: Omit<KafkaConsumerRunnerOptions, 'logger'>): KafkaConsumerRunner {
    const sessionTimeoutMs = options.sessionTimeoutMs ?? this.config.consumerSessionTimeoutMs;
    const runner = new KafkaConsumerRunner(this.kafka, {
      ...options,
      ...(sessionTimeoutMs === undefined ? {} : { sessionTimeoutMs }),
      logger: this.config.logger,
    });
    this.consumers.push(runner);
    return runner;
  }

  readinessChecks(): ReadinessCheck[] {
    return [
      {
        name: 'postgres',
        check: async () => {
          await this.dataSource.query('SELECT 1');
        },
      },
      { name: 'kafka', check: () => this.admin.ping() },
      {
        name: 'migrations',
        check: async () => {
          if (!this.migrated) throw new Error('migrations not applied');
        },
      },
      {
        name: 'consumers',
        check: async () => {
          const unhealthy = this.consumers.filter((c) => !c.isHealthy()).map((c) => c.health());
          if (unhealthy.length)
            throw new Error(`consumer not running: ${JSON.stringify(unhealthy.map((h) => h.state))}`);
        },
      },
    ];
  }

  /** Consumers first (finish batch, commit, leave group), then the relay, then Kafka and Postgres. */
  async shutdown(): Promise<void> {
    const log = this.config.logger;
    await Promise.allSettled(this.consumers.map((c) => c.stop()));
    await this.relay.stop().catch((e: unknown) => log.warn({ err: String(e) }, 'relay stop'));
    await this.producer.disconnect().catch(() => undefined);
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    log.info({}, 'runtime stopped');
  }
}
