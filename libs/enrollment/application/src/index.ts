export * from './enrollment.module';
export * from './common/enrollment.config';
export * from './roster/roster-import.handler';
