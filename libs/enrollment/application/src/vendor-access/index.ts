export * from './vendor-access.controller';
export * from './vendor-access.module';
