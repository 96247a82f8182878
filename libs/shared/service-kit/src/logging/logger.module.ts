import { RequestMethod, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { pinoOptions } from './pino.options';

/** nestjs-pino with the shared options; request logs skip health probes to keep noise down. */
export const serviceLoggerModule = (service: string, level = 'info'): DynamicModule =>
  LoggerModule.forRoot({
    // Named wildcard: path-to-regexp v8 (Express 5) no longer accepts a bare '*'.
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    pinoHttp: {
      ...pinoOptions(service, level),
      autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health/') },
      // Query strings can carry ids and filters that are nobody's business in a log.
      serializers: {
        req: (req: { id?: unknown; method?: string; url?: string }) => ({
          id: req.id,
          method: req.method,
          path: (req.url ?? '').split('?')[0],
        }),
      },
    },
  });
