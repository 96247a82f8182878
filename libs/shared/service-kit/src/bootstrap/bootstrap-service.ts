import {
  Module,
  RequestMethod,
  type DynamicModule,
  type INestApplication,
  type Type,
} from '@nestjs/common';
import { APP_INTERCEPTOR, NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AuthModule } from '@tutoring/shared/auth';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { Logger } from 'nestjs-pino';
import type { CommonServiceConfig } from '../config/common-service.config';
import { HealthModule } from '../health/health.module';
import { ReadinessRegistry, type ReadinessCheck } from '../health/readiness';
import { serviceLoggerModule } from '../logging/logger.module';
import type { Telemetry } from '../telemetry/telemetry';
import { gracefulShutdown, stopAccepting, type ShutdownHook } from './graceful-shutdown';
import { DOCS_PATH, setupOpenApi } from './openapi';
import { pageSizeCapMiddleware } from '../limits/pagination';
import { RateLimitInterceptor } from '../limits/rate-limit.interceptor';
import { validationPipe } from './validation-pipe';

export const API_PREFIX = 'v1';
export const BODY_LIMIT = '1mb';
export const DEFAULT_RATE_LIMIT = { requests: 600, windowSec: 60 } as const;

/** The part of the common config bootstrap needs; services pass their whole validated config. */
export type BootstrapConfig = Pick<
  CommonServiceConfig,
  | 'PORT'
  | 'HOST'
  | 'LOG_LEVEL'
  | 'OIDC_ISSUER'
  | 'OIDC_AUDIENCE'
  | 'OIDC_JWKS_URL'
  | 'OIDC_ALGORITHMS'
  | 'SHUTDOWN_GRACE_MS'
> &
  // Abuse limits: optional here so hand-built test configs keep working; services get the validated defaults.
  Partial<
    Pick<
      CommonServiceConfig,
      | 'HTTP_BODY_LIMIT_BYTES'
      | 'RATE_LIMIT_REQUESTS'
      | 'RATE_LIMIT_WINDOW_SEC'
      | 'HTTP_TLS_CERT_FILE'
      | 'HTTP_TLS_KEY_FILE'
    >
  >;

type FromApp<T> = T | ((app: INestApplication) => T);

export interface BootstrapOptions {
  /** Service name: logs, OpenAPI title. */
  name: string;
  module: Type<unknown> | DynamicModule;
  config: BootstrapConfig;
  /** Postgres SELECT 1, Kafka admin ping, migrations-applied flag… (may resolve providers from the app). */
  readiness?: FromApp<readonly ReadinessCheck[]>;
  /** Run in order on SIGTERM/SIGINT after HTTP stops accepting and before the app (and DB) closes. */
  onShutdown?: FromApp<readonly ShutdownHook[]>;
  /** Flushed last on shutdown. */
  telemetry?: Telemetry;
  /** Tests boot several apps in one process and must not install process signal handlers. */
  handleSignals?: boolean;
  apiVersion?: string;
}

const resolve = <T>(value: FromApp<T> | undefined, app: INestApplication, fallback: T): T =>
  value === undefined ? fallback : typeof value === 'function' ? (value as (a: INestApplication) => T)(app) : value;

@Module({})
class ServiceRootModule {}

/** What every service's AppModule is wrapped in: logger, auth (default deny), health. */
const rootModule = (options: BootstrapOptions): DynamicModule => ({
  module: ServiceRootModule,
  imports: [
    serviceLoggerModule(options.name, options.config.LOG_LEVEL),
    AuthModule.forRoot({
      issuer: options.config.OIDC_ISSUER,
      audience: options.config.OIDC_AUDIENCE,
      jwksUrl: options.config.OIDC_JWKS_URL,
      algorithms: [...options.config.OIDC_ALGORITHMS],
    }),
    HealthModule,
    options.module,
  ],
  providers: [
    {
      provide: APP_INTERCEPTOR,
      useValue: new RateLimitInterceptor({
        requests: options.config.RATE_LIMIT_REQUESTS ?? DEFAULT_RATE_LIMIT.requests,
        windowSec: options.config.RATE_LIMIT_WINDOW_SEC ?? DEFAULT_RATE_LIMIT.windowSec,
      }),
    },
  ],
});

/** Everything a main.ts needs after config and telemetry: returns the listening app. */
export const bootstrapService = async (options: BootstrapOptions): Promise<INestApplication> => {
  const { HTTP_TLS_CERT_FILE: certFile, HTTP_TLS_KEY_FILE: keyFile } = options.config;
  const app = await NestFactory.create<NestExpressApplication>(rootModule(options), {
    bufferLogs: true,
    bodyParser: false,
    ...(certFile && keyFile ? { httpsOptions: { cert: readFileSync(certFile), key: readFileSync(keyFile) } } : {}),
  });
  const logger = app.get(Logger);
  app.disable('x-powered-by');
  app.useLogger(logger);
  // CloudEvents over HTTP use application/cloudevents(+batch)+json: parse every +json type.
  const bodyLimit = options.config.HTTP_BODY_LIMIT_BYTES ?? BODY_LIMIT;
  app.useBodyParser('json', { limit: bodyLimit, type: ['application/json', 'application/*+json'] });
  app.useBodyParser('urlencoded', { limit: bodyLimit, extended: false });
  app.use(pageSizeCapMiddleware());
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(validationPipe());
  setupOpenApi(app, options.name, options.apiVersion);
  app.get(ReadinessRegistry).register(...resolve(options.readiness, app, []));

  if (options.handleSignals ?? true) {
    // We own the signal handling (rather than enableShutdownHooks) to order the steps and bound
    // them by SHUTDOWN_GRACE_MS; app.close() still runs every Nest shutdown lifecycle hook.
    const handler = gracefulShutdown({
      stopAccepting: () => stopAccepting(app.getHttpServer() as Server),
      hooks: resolve(options.onShutdown, app, []),
      close: async () => {
        await app.close();
        await options.telemetry?.shutdown();
      },
      graceMs: options.config.SHUTDOWN_GRACE_MS,
      // nestjs-pino reads a trailing string as the context, so the message travels inside the object.
      log: (level, msg, extra) => logger[level === 'error' ? 'error' : 'log']({ ...extra, msg }),
      exit: (code) => process.exit(code),
    });
    process.on('SIGTERM', handler).on('SIGINT', handler);
  }

  await app.listen(options.config.PORT, options.config.HOST);
  const url = (await app.getUrl()).replace('[::1]', 'localhost');
  logger.log({ msg: 'service listening', service: options.name, url, docs: `${url}/${DOCS_PATH}` });
  return app;
};
