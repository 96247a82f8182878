export * from './scheduling.module';
export * from './commands/scheduling.service';
export * from './commands/auto-schedule.service';
export * from './events/scheduling-events';
export * from './reference/enrollment-events.handler';
