export * from './lib/audit-log.migration';
export * from './lib/audit-log';
export * from './lib/audit-actor';
export * from './lib/audit.controller';
export * from './lib/audit.module';
