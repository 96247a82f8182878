export * from './service-runtime';
export * from './runtime.module';
export * from './runtime.tokens';
export * from './run-service';
export * from './messaging-tables.migration';
