import { Module, type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import pino from 'pino';
import type { MigrationInterface } from 'typeorm';
import {
  bootstrapService,
  commonConfigProblems,
  commonServiceConfig,
  loadConfigOrExit,
  pinoOptions,
  type ConfigSchema,
  type Telemetry,
} from '@tutoring/shared/service-kit';
import { RuntimeModule } from './runtime.module';
import { ServiceRuntime } from './service-runtime';

@Module({})
class ServiceAppModule {}

export interface RunServiceOptions {
  name: string;
  module: Type<unknown> | DynamicModule;
  migrations: (new () => MigrationInterface)[];
  telemetry?: Telemetry;
  /**
   * The service's own variables: validated with the common ones before anything connects, so one message names
   * every bad variable of the deployment. The modules read their values with the same schema.
   */
  config?: ConfigSchema;
}

/**
 * The whole start-up of a service, so each main.ts is three lines: validate config (exit 78 naming every bad
 * variable), migrate and connect, start the outbox relay, then serve HTTP with health, docs and default-deny auth.
 */
export async function runService(options: RunServiceOptions): Promise<INestApplication> {
  const config = loadConfigOrExit({ ...options.config, ...commonServiceConfig }, process.env, {
    crossChecks: [commonConfigProblems],
  });
  const logger = pino(pinoOptions(options.name, config.LOG_LEVEL));
  let runtime: ServiceRuntime;
  try {
    runtime = await ServiceRuntime.create({
      serviceName: options.name,
      migrations: options.migrations,
      logger,
      database: {
        url: config.DATABASE_URL,
        migrationUrl: config.DATABASE_MIGRATION_URL,
        schema: config.DATABASE_SCHEMA,
        ssl: config.DATABASE_SSL,
        applicationName: options.name,
      },
      kafka: {
        brokers: [...config.KAFKA_BROKERS],
        clientId: config.KAFKA_CLIENT_ID,
        ssl: config.KAFKA_SSL,
        sasl:
          config.KAFKA_SASL_MECHANISM && config.KAFKA_SASL_USERNAME && config.KAFKA_SASL_PASSWORD
            ? {
                mechanism: config.KAFKA_SASL_MECHANISM,
                username: config.KAFKA_SASL_USERNAME,
                password: config.KAFKA_SASL_PASSWORD,
              }
            : undefined,
      },
      consumerSessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
      producerMaxRequestBytes: config.KAFKA_MAX_REQUEST_BYTES,
    });
  } catch (error) {
    logger.fatal({ err: error instanceof Error ? error.message : String(error) }, 'cannot reach or migrate PostgreSQL');
    process.exit(1);
  }
  await runtime.start();
  return bootstrapService({
    name: options.name,
    module: { module: ServiceAppModule, imports: [RuntimeModule.forRuntime(runtime), options.module] },
    config,
    readiness: runtime.readinessChecks(),
    onShutdown: [() => runtime.shutdown()],
    telemetry: options.telemetry,
  });
}
