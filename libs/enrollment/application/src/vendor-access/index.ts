export * from './vendor-access.controller';
export * from './vendor-access.module';
export * from './vendor-kafka-access';
