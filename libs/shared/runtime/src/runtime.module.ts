import { DynamicModule, Global, Module } from '@nestjs/common';
import { KAFKA_ADMIN, MESSAGE_PRODUCER } from '@tutoring/shared/messaging';
import { DATA_SOURCE, SERVICE_RUNTIME, SERVICE_SCHEMA } from './runtime.tokens';
import { ServiceRuntime } from './service-runtime';

/** Makes an already created ServiceRuntime injectable (data source, producer, admin, schema). */
@Global()
@Module({})
export class RuntimeModule {
  static forRuntime(runtime: ServiceRuntime): DynamicModule {
    const providers = [
      { provide: SERVICE_RUNTIME, useValue: runtime },
      { provide: DATA_SOURCE, useValue: runtime.dataSource },
      { provide: SERVICE_SCHEMA, useValue: runtime.schema },
      { provide: MESSAGE_PRODUCER, useValue: runtime.producer },
      { provide: KAFKA_ADMIN, useValue: runtime.admin },
    ];
    return { module: RuntimeModule, providers, exports: providers.map((p) => p.provide) };
  }
}
